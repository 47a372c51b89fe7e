package testcards_test

import (
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/emv"
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
	if len(testcards.All) != 68 {
		t.Errorf("want 17 outcomes × 4 schemes, got %d cards", len(testcards.All))
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
		"378282246310005":  testcards.Amex,
		"341111111111111":  testcards.Amex,
		"3530111333300000": "unknown",
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
	for pan, want := range map[string]string{"4000000000000010": "4000 0000 0000 0010", "378282246310005": "3782 822463 10005", "4406470000000015": "4406 4700 0000 0015", "": ""} {
		if got := testcards.GroupPAN(pan); got != want {
			t.Errorf("GroupPAN(%q) = %q, want %q", pan, got, want)
		}
	}
}

// TestReasons: every N, R and U card says why, with the transStatus EMV
// answers that reason with (emv.ReasonOutcomes); the other cards carry no
// reason; and each scheme has a card for every main reason.
func TestReasons(t *testing.T) {
	statusOf := map[emv.Reason]emv.TransStatus{}
	for _, ro := range emv.ReasonOutcomes {
		statusOf[ro.Reason] = ro.Status
	}
	have := map[testcards.Scheme]map[emv.Reason]bool{}
	for _, c := range testcards.All {
		switch c.Outcome {
		case testcards.NotAuth, testcards.Rejected, testcards.Unavailable:
			if st, ok := statusOf[c.Reason]; !ok || string(st) != string(c.Outcome) {
				t.Errorf("%s forces %s with reason %q: EMV's main reasons say %q", c.PAN, c.Outcome, c.Reason, st)
			}
			if have[c.Scheme] == nil {
				have[c.Scheme] = map[emv.Reason]bool{}
			}
			have[c.Scheme][c.Reason] = true
			if d := c.Describe(); !strings.Contains(d, string(c.Reason)+" ") || len([]rune(d)) > 53 {
				t.Errorf("%s: %q does not show the reason in 53 characters", c.PAN, d)
			}
		default:
			if c.Reason != "" {
				t.Errorf("%s forces %s but carries reason %s", c.PAN, c.Outcome, c.Reason)
			}
		}
	}
	for _, s := range testcards.Schemes {
		for _, ro := range emv.ReasonOutcomes {
			if !have[s][ro.Reason] {
				t.Errorf("%s has no card for reason %s", s, ro.Reason)
			}
		}
	}
}
