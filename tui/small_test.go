package tui_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestResultScrollsAt80x24: the result does not fit at 80×24; it says so,
// and pgdn or the wheel bring the rest, the ECI/CAVV sentence whole
// (issue 8, defect 5).
func TestResultScrollsAt80x24(t *testing.T) {
	h := start(t, 80, 24)
	h.pay("3", -2)
	s := h.until("Authenticated (Y). ECI 05.", "↓ more below")
	if strings.Contains(s, "Value).") {
		t.Fatalf("it all fits; the test needs a result taller than the screen:\n%s", s)
	}
	h.tm.Send(tea.KeyMsg{Type: tea.KeyPgDown})
	h.golden("scrolled", h.until("Value).", "↑ more above"))
	h.tm.Send(tea.KeyMsg{Type: tea.KeyPgUp})
	h.until("The 3DS server's answer", "↓ more below")
	for range 6 { // the wheel, over the page
		h.tm.Send(tea.MouseMsg{X: 10, Y: 10, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	}
	h.until("Value).")
}

// TestChallengeAt60x20: below the phone's width the phone is one key away,
// the page says which, and the challenge can be finished with the code
// read there (issue 8, defect 5).
func TestChallengeAt60x20(t *testing.T) {
	h := start(t, 60, 20)
	h.enroll()
	h.pay("3", 0)
	s := h.until("Verify it's you", "press p to")
	if strings.Contains(s, "phone →") || strings.Contains(s, "WalletsimBank │") {
		t.Fatalf("the page points to a phone that is not there:\n%s", s)
	}
	h.key("p")
	code := h.inboxCode()
	h.golden("phone", h.until("▸ Phone", code+" is your code"))
	h.key("esc")
	h.until("Verify it's you")
	h.key(code, "enter")
	h.until("Final result", "Authenticated (Y).")
}

// TestDecoupledAt60x20: the request is approved on the phone opened with p.
func TestDecoupledAt60x20(t *testing.T) {
	h := start(t, 60, 20)
	h.decoupledCard()
	h.enroll()
	h.pay("4", 0)
	h.until("Waiting for the cardholder's wallet", "press p")
	h.key("p")
	h.until("Approve this purchase?")
	h.key("v", "y") // approve without holding, and confirm
	h.until("Approved.")
	h.key("esc")
	h.until("Final result", "Authenticated (Y).")
}
