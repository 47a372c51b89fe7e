package threeds_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/threeds"
)

// TestRules: each field's rules pass a good value and "", and give seed
// 004's messages for a bad one — the same words whether the client, the
// sandbox or the checkout form applies them.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rules     threeds.Rules
		good, bad string
		want      []string
	}{
		{"number", threeds.CardNumberRules, "4000000000000010", "4000000000000011", []string{threeds.MsgCardNumber}},
		{"return_url", threeds.ReturnURLRules, "https://shop.example/back", "shop.example", []string{threeds.MsgURL}},
		{"name", threeds.NameRules, "John Doe", strings.Repeat("x", 41), []string{threeds.MsgMaxLen(40)}},
		{"customer.name", threeds.CustomerNameRules, "Jo", "J", []string{threeds.MsgMinLen(2)}},
		{"customer.email", threeds.CustomerEmailRules, "jo@example.com", "jo at example", []string{threeds.MsgEmail}},
		{"customer.email too long", threeds.CustomerEmailRules, "jo@example.com", strings.Repeat("x", 255),
			[]string{threeds.MsgEmail, threeds.MsgMaxLen(254)}},
		{"customer.mobile", threeds.CustomerMobileRules, "0555555555", strings.Repeat("5", 19), []string{threeds.MsgMaxLen(18)}},
		{"address text", threeds.AddressTextRules, "Riyadh", strings.Repeat("ر", 51), []string{threeds.MsgMaxLen(50)}},
		{"postal_code", threeds.PostalCodeRules, "12211", strings.Repeat("1", 17), []string{threeds.MsgMaxLen(16)}},
		{"country", threeds.CountryRules, "SA", "KSA", []string{threeds.MsgCountry}},
		{"ip_address", threeds.IPAddressRules, "2001:db8::1", "203.0.113", []string{threeds.MsgIP}},
		{"user_agent", threeds.HeaderRules, "Mozilla/5.0", strings.Repeat("x", 2049), []string{threeds.MsgMaxLen(2048)}},
		{"language", threeds.LanguageRules, "en-GB", "en-GB-oxendict", []string{threeds.MsgMaxLen(8)}},
		{"color_depth", threeds.ColorDepthRules, "24", "23", []string{threeds.MsgIn(threeds.ColorDepths)}},
		{"timezone", threeds.TimezoneRules, "-180", "-900", []string{threeds.MsgTimezone}},
		{"currency", threeds.CurrencyRules, "KWD", "sar", []string{threeds.MsgCurrency}},
		{"currency length", threeds.CurrencyRules, "SAR", "SARR", []string{threeds.MsgCurrency}},
		{"currency not ISO 4217", threeds.CurrencyRules, "JPY", "XYZ", []string{threeds.MsgCurrency}},
		{"description", threeds.DescriptionRules, "A lamp", strings.Repeat("x", 256), []string{threeds.MsgMaxLen(255)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if msgs := tc.rules.Check(tc.good); msgs != nil || tc.rules.Err(tc.good) != nil || tc.rules.Required(tc.good) != nil {
				t.Errorf("%q refused: %q", tc.good, msgs)
			}
			if got := tc.rules.Check(tc.bad); !slices.Equal(got, tc.want) {
				t.Errorf("%q: got %q, want %q", tc.bad, got, tc.want)
			}
			if err := tc.rules.Err(tc.bad); err == nil || err.Error() != tc.want[0] {
				t.Errorf("Err(%q) = %v, want the first message", tc.bad, err)
			}
			if tc.rules.Check("") != nil || tc.rules.Err("") != nil {
				t.Error(`"" (absent) refused`)
			}
			if err := tc.rules.Required(""); err == nil || err.Error() != threeds.MsgMissing {
				t.Errorf(`Required("") = %v`, err)
			}
		})
	}
}

// TestValidateCreate: the purchase extension's rules, as the client and
// the sandbox both apply them.
func TestValidateCreate(t *testing.T) {
	if fe := threeds.ValidateCreate(threeds.CreateRequest{Amount: 1}); len(fe) != 0 {
		t.Errorf("a purchase of 1 with the default currency: %v", fe)
	}
	fe := threeds.ValidateCreate(threeds.CreateRequest{Amount: 0, Currency: "riyal", Description: strings.Repeat("x", 256)})
	var got []string
	for _, f := range fe {
		got = append(got, f.Field+": "+f.Message)
	}
	want := []string{"amount: " + threeds.MsgMin(1), "currency: " + threeds.MsgCurrency, "description: " + threeds.MsgMaxLen(255)}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
