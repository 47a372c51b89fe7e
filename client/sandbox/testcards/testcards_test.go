package testcards_test

import (
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// TestTable: every PAN is Luhn-valid (by the client's own check), unique, of
// the scheme its BIN says, and has a unique card id that Lookup and
// LookupCardID find.
func TestTable(t *testing.T) {
	pans, ids := map[string]bool{}, map[string]bool{}
	for _, c := range testcards.All {
		if !threeds.Luhn(c.PAN) {
			t.Errorf("%s fails Luhn", c.PAN)
		}
		if got := testcards.SchemeOf(c.PAN); got != c.Scheme {
			t.Errorf("%s: SchemeOf = %s, want %s", c.PAN, got, c.Scheme)
		}
		if pans[c.PAN] || ids[c.CardID] {
			t.Errorf("duplicate %s / %s", c.PAN, c.CardID)
		}
		pans[c.PAN], ids[c.CardID] = true, true
		if got, ok := testcards.Lookup(c.PAN); !ok || got != c {
			t.Errorf("Lookup(%s) = %v, %v", c.PAN, got, ok)
		}
		if got, ok := testcards.LookupCardID(c.CardID); !ok || got != c {
			t.Errorf("LookupCardID(%s) = %v, %v", c.CardID, got, ok)
		}
	}
	if len(testcards.All) != 30 {
		t.Errorf("want 10 outcomes × 3 schemes, got %d cards", len(testcards.All))
	}
	if _, ok := testcards.Lookup("4111111111111111"); ok {
		t.Error("Lookup found a card that is not a test card")
	}
}

func TestSchemeOf(t *testing.T) {
	for pan, want := range map[string]testcards.Scheme{
		"4111111111111111": testcards.Visa,
		"5105105105105100": testcards.Mastercard,
		"2221000000000009": testcards.Mastercard,
		"2720990000000007": testcards.Mastercard,
		"4406470000000015": testcards.Mada,
		"5888450000000000": testcards.Mada,
		"378282246310005":  "unknown",
		"":                 "unknown",
	} {
		if got := testcards.SchemeOf(pan); got != want {
			t.Errorf("SchemeOf(%q) = %q, want %q", pan, got, want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct {
		minor    int64
		currency string
		want     string
	}{
		{100, "SAR", "SAR 1.00"},
		{4999, "SAR", "SAR 49.99"},
		{5, "USD", "USD 0.05"},
		{500, "JPY", "JPY 500"},
		{1250, "KWD", "KWD 1.250"},
		{-150, "EUR", "EUR -1.50"},
		{0, "SAR", "SAR 0.00"},
	} {
		if got := testcards.FormatAmount(tc.minor, tc.currency); got != tc.want {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", tc.minor, tc.currency, got, tc.want)
		}
	}
}

func TestGroupPAN(t *testing.T) {
	for pan, want := range map[string]string{"4000000000000010": "4000 0000 0000 0010", "378282246310005": "3782 8224 6310 005", "": ""} {
		if got := testcards.GroupPAN(pan); got != want {
			t.Errorf("GroupPAN(%q) = %q, want %q", pan, got, want)
		}
	}
}
