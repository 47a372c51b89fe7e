package flows_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
)

// typed are the Result fields other packages read, by the label the same
// value is displayed under.
var typed = map[string]func(flows.Result) string{
	"status":               func(r flows.Result) string { return r.Status },
	"statusReason":         func(r flows.Result) string { return r.StatusReason },
	"message":              func(r flows.Result) string { return r.Message },
	"transStatus":          func(r flows.Result) string { return r.TransStatus },
	"ECI":                  func(r flows.Result) string { return r.ECI },
	"CAVV":                 func(r flows.Result) string { return r.CAVV },
	"failure_reason":       func(r flows.Result) string { return r.FailureReason },
	"challenge_url":        func(r flows.Result) string { return r.ChallengeURL },
	"acsChallengeMandated": func(r flows.Result) string { return r.ChallengeMandated },
	"otp_delivery_method":  func(r flows.Result) string { return string(r.OTPMethod) },
	"destination":          func(r flows.Result) string { return r.Destination },
	"amount":               func(r flows.Result) string { return r.Amount.String() },
	"attempts_left": func(r flows.Result) string {
		if r.AttemptsLeft == nil {
			return ""
		}
		return strconv.Itoa(*r.AttemptsLeft)
	},
}

// TestTypedFieldsMatchDisplay: every step's typed fields say what its
// labelled display says, so that the TUI's text and what code reads (the
// runner's expectations, the phone, the checkout) cannot drift apart.
func TestTypedFieldsMatchDisplay(t *testing.T) {
	ctx := context.Background()
	s, rec := open(t)
	tc, card := testCard(t, testcards.Challenge)
	en := s.Enrollment(card)
	en.Enroll(ctx, issuing.SMS)
	en.View(ctx)
	p := s.Purchase(purchaseOf(tc, threeds.Browser))
	p.Start(ctx)
	p.ReadChallenge(ctx)
	p.Submit(ctx, "000000")
	p.CancelChallenge(ctx)
	p.Result(ctx)

	fc, _ := testCard(t, testcards.Frictionless)
	s.Purchase(purchaseOf(fc, threeds.Browser)).Start(ctx)

	dc, dcard := testCard(t, testcards.Decoupled)
	s.Enrollment(dcard).Enroll(ctx, issuing.Email)
	d := s.Purchase(purchaseOf(dc, threeds.Decoupled))
	d.Start(ctx)
	w := s.Wallet()
	pending, _ := w.Next(ctx)
	w.Decide(ctx, pending, flows.Decision{Status: wallet.Failed, Reason: "sensor error"})
	d.Await(ctx, time.Millisecond)

	seen := map[string]bool{}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, e := range rec.events {
		if e.Kind != flows.Finished {
			continue
		}
		r := *e.Result
		if r.Err != nil {
			t.Fatalf("%s/%s: %v", e.Flow, e.Step, r)
		}
		shown := map[string]string{}
		for _, f := range r.Fields {
			shown[f.Label] = f.Value
		}
		for label, get := range typed {
			if got, want := get(r), shown[label]; got != want {
				t.Errorf("%s/%s: typed %s is %q, displayed %q", e.Flow, e.Step, label, got, want)
			}
			seen[label] = seen[label] || shown[label] != ""
		}
	}
	for label := range typed {
		if !seen[label] {
			t.Errorf("no step displayed %s: the test does not cover it", label)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in, currency string
		want         int64
		err          string
	}{
		{"49.99", "SAR", 4999, ""},
		{" 0.29 ", "SAR", 29, ""},
		{"1.25", "KWD", 1250, ""},
		{".5", "SAR", 50, ""},
		{"7.", "SAR", 700, ""},
		{"49.990", "SAR", 4999, ""},
		{"500", "JPY", 500, ""},
		{"500.00", "JPY", 500, ""},
		{"1000000000", "SAR", 100000000000, ""},
		{"49.9900000001", "SAR", 0, "SAR has 2 decimals."}, // passed as 4999 through float64
		{"0.001", "SAR", 0, "SAR has 2 decimals."},
		{"500.5", "JPY", 0, "JPY has 0 decimals."},
		{"1000000000.01", "SAR", 0, "Enter an amount such as 49.99."},
		{"99999999999999999999", "SAR", 0, "Enter an amount such as 49.99."},
		{"0", "SAR", 0, "Enter an amount such as 49.99."},
		{"0.00", "SAR", 0, "Enter an amount such as 49.99."},
		{"-5", "SAR", 0, "Enter an amount such as 49.99."},
		{"1e3", "SAR", 0, "Enter an amount such as 49.99."},
		{"4,99", "SAR", 0, "Enter an amount such as 49.99."},
		{".", "SAR", 0, "Enter an amount such as 49.99."},
		{"", "SAR", 0, "Enter an amount such as 49.99."},
	} {
		m, err := flows.ParseMoney(tc.in, tc.currency)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%q %s: error %v, want %q", tc.in, tc.currency, err, tc.err)
		case tc.err == "" && (err != nil || m != flows.Money{Minor: tc.want, Currency: tc.currency}):
			t.Errorf("%q %s: %+v %v, want %d", tc.in, tc.currency, m, err, tc.want)
		}
	}
}
