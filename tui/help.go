package tui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/keys"
)

// typing reports whether the app's letter keys are with a text field now.
func (a *App) typing() bool { return a.owns(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'x'}}) }

// ShortHelp is the keys that work now: the overlay's, or the phone's and
// the page's; then the app's, unless a text field has them.
func (a *App) ShortHelp() []key.Binding {
	k := a.c.Keys
	var b []key.Binding
	if p := a.panel(); p != nil {
		if !p.Owns(tea.KeyMsg{Type: tea.KeyEscape}) {
			b = append(b, k.Close)
		}
		b = append(b, p.ShortHelp()...)
	} else {
		if a.page.WantsPhone() && !a.c.PhoneBeside && !a.typing() {
			b = append(b, k.Phone) // the way to what the page talks about
		}
		if a.page.WantsPhone() {
			b = append(b, a.phone.ShortHelp()...)
		}
		b = append(b, a.page.ShortHelp()...)
	}
	if a.typing() {
		return append(b, k.ForceQuit)
	}
	return append(b, k.Explain, k.Inspect, k.Quit, k.Help)
}

// FullHelp is every key of the screen and of the app.
func (a *App) FullHelp() [][]key.Binding {
	return append(a.screenKeys().FullHelp(), keys.Global(a.c.Keys)...)
}

// shiftClock moves the test clock forward: the sandbox, the phone's
// countdown and the challenge page all live on it.
func (a *App) shiftClock(by time.Duration) tea.Cmd {
	if a.c.Clock == nil || by <= 0 {
		return nil
	}
	a.c.Clock.Advance(by)
	a.c.Shift += by
	a.c.Recorder.Shifted()
	return tea.Batch(a.notify(fmt.Sprintf("Test clock moved on %s: the sandbox's time is now %s (real time +%s).",
		by.Round(time.Second), a.c.Now().Format("15:04:05"), a.c.Shift.Round(time.Second))),
		a.toPhoneAndPage(common.ClockShiftedMsg{}))
}
