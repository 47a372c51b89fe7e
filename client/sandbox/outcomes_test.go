package sandbox_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// TestEveryCardOutcome authenticates every test card on the browser channel,
// enrolled and not, and checks the ACS's answer.
func TestEveryCardOutcome(t *testing.T) {
	type want struct {
		status, ts, eci string
		cavv, url       bool
		fail            bool   // failure_reason set
		reason          string // the ARes's transStatusReason
		httpStatus      int    // an error answer instead
		timeout         bool
	}
	eci := func(s testcards.Scheme, y bool) string {
		switch {
		case s == testcards.Mastercard && y:
			return "02"
		case s == testcards.Mastercard:
			return "01"
		case y:
			return "05"
		}
		return "06"
	}
	expect := func(c testcards.Card, enrolled bool) want {
		switch c.Outcome {
		case testcards.Frictionless:
			return want{status: "authenticated", ts: "Y", eci: eci(c.Scheme, true), cavv: true}
		case testcards.Attempted:
			return want{status: "attempted", ts: "A", eci: eci(c.Scheme, false), cavv: true}
		case testcards.Decoupled:
			// The browser channel did not ask for decoupled authentication
			// (EMV: no D then): the ACS challenges the card, or answers
			// N with reason 23 when it cannot.
			if !enrolled {
				return want{status: "failed", ts: "N", fail: true, reason: "23"}
			}
			return want{status: "in_progress", ts: "C", url: true}
		case testcards.Challenge:
			if !enrolled {
				return want{status: "attempted", ts: "A", eci: eci(c.Scheme, false), cavv: true}
			}
			return want{status: "in_progress", ts: "C", url: true}
		case testcards.NotAuth:
			return want{status: "failed", ts: "N", fail: true, reason: string(c.Reason)}
		case testcards.Rejected:
			return want{status: "rejected", ts: "R", fail: true, reason: string(c.Reason)}
		case testcards.Unavailable:
			return want{status: "unavailable", ts: "U", fail: true, reason: string(c.Reason)}
		case testcards.Fault500:
			return want{httpStatus: 500}
		case testcards.Fault503:
			return want{httpStatus: 503}
		}
		return want{timeout: true}
	}
	for _, enrolled := range []bool{true, false} {
		e := newEnv(t)
		// A short timeout only where the card holds the request until the
		// client gives up: elsewhere it would fail a loaded machine's
		// slow answer.
		tds := threeds.New(client.Config{BaseURL: e.srv.URL, Retries: -1, Timeout: 10 * time.Second}, threeds.Credentials{SecretKey: "sk_test_1"})
		impatient := threeds.New(client.Config{BaseURL: e.srv.URL, Retries: -1, Timeout: 200 * time.Millisecond}, threeds.Credentials{SecretKey: "sk_test_1"})
		for _, c := range testcards.All {
			name := string(c.Scheme) + "/" + string(c.Outcome) + string(c.Reason)
			if enrolled {
				name += "/enrolled"
			}
			t.Run(name, func(t *testing.T) {
				if enrolled {
					e.enroll(c, issuing.Email)
				}
				w := expect(c, enrolled)
				cl := tds
				if w.timeout {
					cl = impatient
				}
				a, err := cl.Authenticate(context.Background(), "auth-"+c.PAN, purchase(c, threeds.Browser))
				var apiErr *threeds.Error
				var netErr net.Error
				switch {
				case w.timeout:
					if !errors.As(err, &netErr) || !netErr.Timeout() {
						t.Fatalf("want a client timeout, got %v", err)
					}
					return
				case w.httpStatus != 0:
					if !errors.As(err, &apiErr) || apiErr.HTTPStatus != w.httpStatus {
						t.Fatalf("want HTTP %d, got %v", w.httpStatus, err)
					}
					return
				case err != nil:
					t.Fatal(err)
				}
				ares := a.Meta.ARes
				if a.Status != w.status || a.AuthStatus != w.ts || ares.TransStatus != w.ts {
					t.Errorf("status %s/%s/%s, want %s/%s", a.Status, a.AuthStatus, ares.TransStatus, w.status, w.ts)
				}
				if got := deref(a.ECI); got != w.eci || ares.ECI != w.eci {
					t.Errorf("eci %q (ares %q), want %q", got, ares.ECI, w.eci)
				}
				if ares.TransStatusReason != w.reason {
					t.Errorf("transStatusReason %q, want %q", ares.TransStatusReason, w.reason)
				}
				if cavv := deref(a.AuthValue); w.cavv != (len(cavv) == 28) || ares.AuthenticationValue != cavv {
					t.Errorf("cavv %q (ares %q), want one: %v", cavv, ares.AuthenticationValue, w.cavv)
				}
				if (a.ChallengeURL != nil) != w.url || (a.FailureReason != nil) != w.fail {
					t.Errorf("challenge_url %v, failure_reason %v", a.ChallengeURL, a.FailureReason)
				}
				if a.Scheme != string(c.Scheme) || ares.MessageVersion != "2.2.0" || ares.MessageType != "ARes" || len(a.Fingerprint) != 64 {
					t.Errorf("scheme %s, ares %+v, fingerprint %q", a.Scheme, ares, a.Fingerprint)
				}
				if a.IsFrictionless == (w.ts == "C" || w.ts == "D") {
					t.Errorf("is_frictionless %v for %s", a.IsFrictionless, w.ts)
				}
			})
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestUnknownCardIsFrictionless: a Luhn-valid card outside the table passes
// frictionless, with its scheme from the BIN.
func TestUnknownCardIsFrictionless(t *testing.T) {
	e := newEnv(t)
	req := purchase(testcards.Card{PAN: "5555555555554444"}, threeds.Decoupled)
	a := e.authenticate("x", req)
	if a.AuthStatus != "Y" || deref(a.ECI) != "02" || a.Scheme != "mastercard" {
		t.Fatalf("got %s eci %s scheme %s", a.AuthStatus, deref(a.ECI), a.Scheme)
	}
}

// TestChallengePreference: a frictionless card is challenged when the
// merchant prefers or mandates it and the card is enrolled; a challenge
// card is challenged even with no_challenge, with acsChallengeMandated Y.
// acsChallengeMandated comes with C and D only, as EMV 3DS 2.2.0 says.
func TestChallengePreference(t *testing.T) {
	e := newEnv(t)
	y, c := card(t, testcards.Visa, testcards.Frictionless), card(t, testcards.Visa, testcards.Challenge)
	e.enroll(y, issuing.SMS)
	e.enroll(c, issuing.SMS)
	for i, tc := range []struct {
		card      testcards.Card
		pref      threeds.ChallengePreference
		ch        threeds.Channel
		ts, manda string
	}{
		{y, threeds.NoPreference, threeds.Browser, "Y", ""},
		{y, threeds.NoChallenge, threeds.Browser, "Y", ""},
		{y, threeds.Preferred, threeds.Browser, "C", "N"},
		{y, threeds.Mandated, threeds.Browser, "C", "N"},
		{y, threeds.Mandated, threeds.Decoupled, "D", "N"},
		{c, threeds.NoChallenge, threeds.Browser, "C", "Y"},
		{c, threeds.NoPreference, threeds.Decoupled, "D", "Y"},
	} {
		req := purchase(tc.card, tc.ch)
		req.ChallengePreference = tc.pref
		a := e.authenticate("pref-"+string(rune('a'+i)), req)
		if a.AuthStatus != tc.ts || a.Meta.ARes.ACSChallengeMandated != tc.manda {
			t.Errorf("%d: %s %s on %s: got %s mandated %s, want %s %s", i, tc.card.Outcome, tc.pref, tc.ch,
				a.AuthStatus, a.Meta.ARes.ACSChallengeMandated, tc.ts, tc.manda)
		}
	}
}
