package tui_test

import (
	"strings"
	"testing"
)

// TestRefusedStepExplained: enrolling again, by EMAIL, is refused with
// HTTP 400; the explainer says so, draws the refusal coming back, and does
// not claim that codes will now go by EMAIL (issue 8, defect 4).
func TestRefusedStepExplained(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll() // by SMS
	h.key("1")
	h.until("How should the issuer send one-time codes?")
	h.key("down", "enter") // EMAIL
	s := h.until("HTTP 400")
	if strings.Contains(s, "Enrolled by EMAIL") || !strings.Contains(s, "Nothing changed") {
		t.Fatalf("the enroll page misreads the refusal:\n%s", s)
	}
	h.key("x")
	s = h.until("What just happened", "Refused (HTTP 400)")
	for _, wrong := range []string{"◀── enrolled", "enrolled ─", "by EMAIL to the address"} {
		if strings.Contains(s, wrong) {
			t.Errorf("the explainer tells a success (%q):\n%s", wrong, s)
		}
	}
	if !strings.Contains(s, "HTTP 400") || !strings.Contains(s, "nothing changed") {
		t.Errorf("the explainer does not show the refusal:\n%s", s)
	}
	h.golden("refused", s)
}

// TestWrongCodeExplained: a wrong code is drawn as the CReq and the CRes
// that asks again, marked ✗; no RReq (issue 8, defect 4).
func TestWrongCodeExplained(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll()
	h.pay("3", 0)
	h.until("Verify it's you", "is your code to")
	h.key(wrong(h.inboxCode()), "enter")
	h.until("Wrong code. 2 attempts left.")
	h.key("x")
	s := h.until("── The cardholder types the code", "CRes: wrong code, try again")
	if !strings.Contains(s, "✗ Wrong code.") || strings.Contains(s, "RReq (transStatus)") {
		t.Fatalf("%s", s)
	}
}
