package sandbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// TestDecoupledMaxTime: the 3DS Requestor's maximum decoupled time
// (Config.DecoupledMaxTime, the AReq's threeDSRequestorDecMaxTime) is
// honoured: the ACS waits no longer (reason 24 when it runs out, 14 when
// the ACS's own shorter expiry does, challengeCancel 03 either way), and
// with less than MinDecoupledTime it does not try (U, reason 25).
func TestDecoupledMaxTime(t *testing.T) {
	for _, tc := range []struct {
		name           string
		expiry, max    time.Duration
		wantAReq       string // threeDSRequestorDecMaxTime
		advance        time.Duration
		ares           string
		reason         emv.Reason
		cancel         emv.ChallengeCancel
		pendingAtFirst bool
	}{
		{"the requestor's time runs out first", 5 * time.Minute, 3 * time.Minute, "00003", 3 * time.Minute, "D", emv.ReasonDecoupledMaxTime, emv.CancelDecoupledTimeout, true},
		{"the ACS's expiry comes first", 2 * time.Minute, 10 * time.Minute, "00010", 2 * time.Minute, "D", emv.ReasonTimedOutAtACS, emv.CancelDecoupledTimeout, true},
		{"the default is the expiry", 4 * time.Minute, 0, "00004", 4 * time.Minute, "D", emv.ReasonDecoupledMaxTime, emv.CancelDecoupledTimeout, true},
		{"too little time to try", 5 * time.Minute, time.Minute, "00001", 0, "U", emv.ReasonDecoupledTooShort, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *sandbox.Config) { c.Expiry, c.DecoupledMaxTime = tc.expiry, tc.max })
			c := card(t, testcards.Visa, testcards.Decoupled)
			e.enroll(c, issuing.SMS)
			a := e.authenticate("dec", purchase(c, threeds.Decoupled))
			if a.AuthStatus != tc.ares || a.Meta.ARes.TransStatus != tc.ares {
				t.Fatalf("ARes %s, want %s", a.AuthStatus, tc.ares)
			}
			pending, err := e.wallet.List(context.Background(), testcards.CustomerID, c.CardID)
			if err != nil || (len(pending) == 1) != tc.pendingAtFirst {
				t.Fatalf("pending %v, %v", pending, err)
			}
			if tc.advance > 0 {
				e.clock.Advance(tc.advance - time.Second)
				if got := e.result("dec").AuthStatus; got != "D" {
					t.Fatalf("a second before the end: %s", got)
				}
				e.clock.Advance(time.Second)
			}
			steps, err := e.tds.Messages(context.Background(), "dec")
			if err != nil {
				t.Fatal(err)
			}
			if vs := emv.CheckExchange(steps); len(vs) > 0 {
				t.Errorf("the exchange breaks EMV's rules: %v", vs)
			}
			areq, _ := emv.Find[emv.AReq](steps)
			reason, cancel := a.Meta.ARes.TransStatusReason, emv.ChallengeCancel("")
			if rreq, ok := emv.Find[emv.RReq](steps); ok {
				reason, cancel = string(rreq.TransStatusReason), rreq.ChallengeCancel
			}
			if areq.RequestorDecMaxTime != tc.wantAReq || reason != string(tc.reason) || cancel != tc.cancel || e.result("dec").AuthStatus != "U" {
				t.Errorf("AReq max time %s, reason %s, cancel %q; want %s %s %q", areq.RequestorDecMaxTime, reason, cancel, tc.wantAReq, tc.reason, tc.cancel)
			}
		})
	}
}
