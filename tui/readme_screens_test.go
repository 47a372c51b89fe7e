package tui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// TestREADMEScreens writes, in colour, the screens the README shows (as
// testdata/TestREADMEScreens/*.golden, ANSI escapes and all): the same
// journeys as the tests above, drawn for a true-colour terminal with a
// dark background. `go generate ./tui` renders them to the README's
// pictures, and TestREADMEImagesShowTheirGoldens checks those are fresh.
func TestREADMEScreens(t *testing.T) {
	dark := lipgloss.HasDarkBackground()
	lipgloss.SetColorProfile(termenv.TrueColor)
	lipgloss.SetHasDarkBackground(true)
	t.Cleanup(func() {
		lipgloss.SetColorProfile(termenv.Ascii)
		lipgloss.SetHasDarkBackground(dark)
	})

	t.Run("home", func(t *testing.T) {
		h := start(t, 100, 30)
		h.golden("home", h.untilShown("Walk through a 3-D Secure journey"))
	})
	t.Run("browser", func(t *testing.T) {
		h := start(t, 100, 30)
		h.enroll()
		h.pay("3", 0)
		// The code field's cursor blinks (in real time): wait for it
		// to be drawn, as reverse video, so that the screen is the same
		// on every run.
		h.golden("challenge", h.untilRaw(cursorOn, "Verify it's you", "is your code to"))
		h.key(h.inboxCode(), "enter")
		h.untilShown("Final result", "Authenticated (Y). ECI 05.", messagesRead)
		h.key("x")
		h.golden("explained", h.untilShown("── The merchant reads the result ──", "✓ Authenticated (Y)"))
		h.key("x", "i")
		h.golden("inspector", h.untilShown("HTTP inspector", "acs.Submit"))
	})
	t.Run("decoupled", func(t *testing.T) {
		h := decoupled(t)
		h.golden("request", h.untilShown("Approve this purchase?", "Hold space to approve"))
	})
}

// untilShown is until for a screen in colour: the texts are looked for in
// what it shows, without its escape sequences (which split a text where
// its style changes).
func (h *harness) untilShown(texts ...string) string {
	h.t.Helper()
	return h.untilRaw("", texts...)
}

// cursorOn is how a text field's cursor is drawn while it is on: the
// character under it in reverse video.
const cursorOn = "\x1b[7m"

// untilRaw is untilShown that also waits for raw in the screen as drawn,
// escapes and all.
func (h *harness) untilRaw(raw string, texts ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a liveness guard, not a timing claim
	for {
		s := h.screen()
		shown, all := ansi.Strip(s), strings.Contains(s, raw)
		for _, text := range texts {
			all = all && strings.Contains(shown, text)
		}
		if all {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the screen never showed %q:\n%s", texts, shown)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
