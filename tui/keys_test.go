package tui_test

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// helpBar is the screen's last line.
func helpBar(screen string) string {
	lines := strings.Split(screen, "\n")
	return lines[len(lines)-1]
}

// TestChallengeKeysReachTheApp: the one-time code field takes digits only,
// so the app's keys work beside it, whatever the timing: x, i, g and ?
// open their overlays, S saves, and none of them is typed into the code
// (which would send "otp":"xig?S" and burn an attempt). Issue 8, defect 1.
func TestChallengeKeysReachTheApp(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll()
	h.pay("3", 0)
	h.until("Verify it's you", "3 attempts left")
	for _, o := range []struct{ key, crumb string }{
		{"x", "What just happened"}, {"i", "HTTP inspector"}, {"g", "Glossary"}, {"?", "Keys"},
	} {
		h.key(o.key)
		h.until("▸ Pay online (browser) ▸ " + o.crumb)
	}
	h.key("esc")
	h.until("Verify it's you")
	h.key("S")
	h.until("Saved")
	h.key("enter")
	s := h.until("Type the code first.")
	if !strings.Contains(s, "3 attempts left") {
		t.Fatalf("an attempt was spent:\n%s", s)
	}
	// What is typed or pasted keeps its digits, up to the code's length.
	h.key("12ab34", "5", "6", "7", "8")
	if s := h.until("> 123456"); strings.Contains(s, "1234567") {
		t.Fatalf("the code is longer than the ACS's:\n%s", s)
	}
	h.clock.Advance(time.Minute) // the notice of the save goes
	if bar := helpBar(h.until("enter verify •")); !strings.Contains(bar, "x explain") || strings.Contains(bar, "ctrl+c quit") {
		t.Fatalf("the help bar does not offer the app's keys beside the code field: %q", bar)
	}
}

// TestTextFieldTakesLetters: a text field with focus takes what is typed,
// x included, and the help bar offers only what works: esc to leave the
// field, ctrl+c to quit. After esc, x is the explainer again.
func TestTextFieldTakesLetters(t *testing.T) {
	h := start(t, 100, 30)
	h.key("3")
	h.until("Test card")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	h.until("┃ Amount")
	h.key("x")
	s := h.until("> 49.99x")
	if bar := helpBar(s); strings.Contains(bar, "x explain") || !strings.Contains(bar, "esc leave field") || !strings.Contains(bar, "ctrl+c quit") {
		t.Fatalf("help bar while typing: %q", bar)
	}
	h.key("esc")
	s = h.until("You left the field")
	if bar := helpBar(s); !strings.Contains(bar, "x explain") {
		t.Fatalf("help bar after leaving the field: %q", bar)
	}
	h.key("x")
	h.until("▸ What just happened")
	h.key("esc", "enter", "\x7f")
	h.until("┃ Amount")
}

// TestExplainerPlaceDependsOnSizeOnly: x puts the explainer under the page
// when the terminal is tall enough and over it otherwise, whatever the
// explainer has to say — never somewhere it cannot be seen. (Before, the
// choice was made from the content's height at every frame: a step that
// grew after x hid the explainer, and TestBrowserChallenge failed one run
// in four.)
func TestExplainerPlaceDependsOnSizeOnly(t *testing.T) {
	h := start(t, 100, 30) // 28 rows of body: too short to share
	h.enroll()
	h.key("x")
	h.until("▸ Home ▸ What just happened", "Enroll the card in 3-D Secure")
	h.key("x")
	h.until("Walk through")

	h.tm.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.key("x")
	s := h.until("Walk through", "── Enroll the card in 3-D Secure")
	if strings.Contains(s, "What just happened") {
		t.Fatalf("the explainer opened over the page at 120×40:\n%s", s)
	}
	// It stays as the steps that follow grow and shrink it.
	h.key("2")
	h.until("Enroll 3DS details fetched successfully.", "── View the enrollment")
	h.key("u")
	h.until("── Unenroll the card")
}
