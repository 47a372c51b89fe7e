package tui_test

import (
	"strings"
	"testing"
	"time"
)

// hold holds space for the scan: the terminal repeats it while time
// passes.
func (h *harness) hold() {
	for range 20 {
		h.clock.Advance(100 * time.Millisecond)
		h.key("space")
	}
}

// TestSaveTwoDecoupledAndAnExpiry: approve one decoupled purchase, reject a
// second, let a third expire on the test clock, save with S: the file
// replays with `walletsim run` (issue 8, defect 2 and 7). Each wallet step
// answers its own purchase's request, and the expiry is saved as the
// expiry it was (the request received, then the wait past its deadline),
// not as a FAILED decision.
func TestSaveTwoDecoupledAndAnExpiry(t *testing.T) {
	h := decoupled(t)
	h.hold()
	h.until("Final result", "Authenticated (Y).")
	h.again()
	h.until("Approve this purchase?", "Hold space to approve")
	h.key("r")
	h.until("Final result", "Not authenticated (N).")
	h.again()
	h.until("Approve this purchase?", "5:00 left")
	h.key("t")
	s := h.until("0:10 left", "test clock +4m50s")
	if !strings.Contains(s, "Waiting for the cardholder's wallet") {
		t.Fatalf("the test clock ended the wait early:\n%s", s)
	}
	h.key("t")
	h.until("Final result", "Could not be performed (U).", "Time ran out", "test clock +5m1s")
	h.key("S")
	h.until("Saved 12 steps.")
	sc := replay(t, h.dir, 12)
	var got []string
	for _, st := range sc.Steps {
		got = append(got, st.Action())
	}
	want := "enroll authenticate wallet result authenticate wallet result authenticate wallet wait wait result"
	if strings.Join(got, " ") != want {
		t.Fatalf("steps %v, want %s", got, want)
	}
	if w := sc.Steps[8].Wallet; w == nil || w.Decision != "" || sc.Steps[9].Wait+sc.Steps[10].Wait < 5*time.Minute {
		t.Fatalf("the expiry is not saved as the expiry it was: %+v, waits %v %v", w, sc.Steps[9].Wait, sc.Steps[10].Wait)
	}
}

// TestSaveExpiryWithoutTestClock: a request left to expire (the time passes
// by itself) is saved as received, then the wait past its deadline.
func TestSaveExpiryWithoutTestClock(t *testing.T) {
	h := decoupled(t)
	h.clock.Advance(5*time.Minute + time.Second)
	h.until("Final result", "Could not be performed (U).")
	h.key("S")
	h.until("Saved 5 steps.")
	sc := replay(t, h.dir, 5)
	if w := sc.Steps[2].Wallet; w == nil || w.Decision != "" || sc.Steps[3].Wait <= 5*time.Minute {
		t.Fatalf("%+v", sc.Steps)
	}
}

// TestChallengeOnTheTestClock: t on the challenge page moves the clock to
// just before the page expires, then past it; the code then comes too late,
// and the session replays, the shifts saved as waits (defect 7).
func TestChallengeOnTheTestClock(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll()
	h.pay("3", 0)
	h.until("Verify it's you", "expires 10:05:00")
	h.key("t")
	h.until("test clock +4m50s", "Test clock moved on 4m50s")
	h.key("t") // past the expiry: the page reloads, and the ACS has timed it out
	h.until("test clock +5m1s", "Final result", "Could not be performed (U).")
	h.key("S")
	h.until("Saved 5 steps.")
	sc := replay(t, h.dir, 5)
	if sc.Steps[2].Wait+sc.Steps[3].Wait != 5*time.Minute+time.Second {
		t.Fatalf("waits %v and %v", sc.Steps[2].Wait, sc.Steps[3].Wait)
	}
}
