package tui_test

import (
	"strings"
	"testing"
	"time"
)

// TestReleaseAt60PercentStops: the scan ends with the presses. Let go at
// 60 % and the scan stops there, says so, and approves nothing — however
// late the next tick looks (issue 8, defect 8; before, the scan ran on for
// 0.65 s after the last press and a release at about 57 % still approved).
func TestReleaseAt60PercentStops(t *testing.T) {
	h := decoupled(t)
	h.key("space")
	for range 9 { // 900 ms of holding: 60 %
		h.clock.Advance(100 * time.Millisecond)
		h.key("space")
	}
	h.until("Scanning… 60%")
	h.clock.Advance(600 * time.Millisecond) // let go
	s := h.until("Scan stopped at 60%")
	if strings.Contains(s, "Approved") || strings.Contains(s, "Final result") {
		t.Fatalf("a scan released at 60%% approved:\n%s", s)
	}
}

// TestApproveWithoutHolding: v asks to confirm, esc goes back, y approves
// (for terminals without key repeat). Enter does neither: an enter too many
// through the checkout's form must not approve a purchase.
func TestApproveWithoutHolding(t *testing.T) {
	h := decoupled(t)
	h.key("enter", "enter")
	if s := h.screen(); !strings.Contains(s, "Hold space to approve") {
		t.Fatalf("enter acted on the request:\n%s", s)
	}
	h.key("v")
	h.until("walletsim demo shop? y")
	h.key("esc")
	s := h.until("Hold space to approve")
	if strings.Contains(s, "Cancelled") {
		t.Fatalf("esc left the checkout instead of the confirmation:\n%s", s)
	}
	h.key("v", "y")
	h.until("Final result", "Authenticated (Y).", "Approved.")
}
