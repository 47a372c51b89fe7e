package glossary

import (
	"fmt"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func newModel(w, h int) *Model {
	m := New(&common.Common{Styles: styles.New(), Keys: keymap.New()})
	m.SetSize(w, h)
	return m
}

func TestTop(t *testing.T) {
	golden.RequireEqual(t, newModel(80, 20).View())
}

// TestFits: at every width and scroll position the view is exactly w×h.
func TestFits(t *testing.T) {
	for _, w := range []int{30, 50, 80, 120, 160} {
		for _, h := range []int{3, 20, 50} {
			m := newModel(w, h)
			for i := 0; ; i++ {
				check(t, fmt.Sprintf("%dx%d page %d", w, h, i), m.View(), w, h)
				if m.vp.AtBottom() || i > 200 {
					break
				}
				m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
			}
		}
	}
}

func check(t *testing.T, what, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%s: %d lines, want %d", what, len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw != w {
			t.Errorf("%s: line %d is %d wide, want %d: %q", what, i, lw, w, l)
		}
	}
}

// TestTerms: every term a newcomer needs is there, with the facts of
// EMV 3DS 2.2 that walletsim shows.
func TestTerms(t *testing.T) {
	m := newModel(200, 400)
	// One column: term names on their own line, not wrapped.
	all := strings.Join(strings.Fields(m.content(twoColumns-1)), " ")
	for _, want := range []string{
		"3-D Secure", "Issuer", "ACS (Access Control Server)", "3DS Server", "Directory Server (DS)",
		"AReq / ARes", "CReq / CRes", "RReq / RRes", "transStatus", "ECI", "CAVV / AAV", "Frictionless",
		"Challenge", "Decoupled authentication", "One-time code (OTP)", "Liability shift", "Attempts (A)",
		"Challenge indicator", "Webhook, ThreeDSecureEvent", "Signature (HMAC)", "Enrollment",
		// transStatus, every value
		"Y authenticated", "A attempted", "C challenge required", "D decoupled", "N not authenticated",
		"R rejected", "U could not be performed", "I informational only",
		// ECI per scheme
		"Visa, mada 05 authenticated, 06 attempted, 07 not authenticated",
		"Mastercard 02 authenticated, 01 attempted, 00 not authenticated",
		// CAVV
		"28 base64 characters", "cryptographic proof",
		// challenge indicator
		"01 no_preference", "02 no_challenge", "03 preferred", "04 mandated",
		"HMAC-SHA256",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("glossary lacks %q", want)
		}
	}
	for _, g := range groups {
		for _, term := range g.Terms {
			if n := strings.Count(term.Text, ". ") + 1; n > 3 {
				t.Errorf("%s: %d sentences, want at most 3", term.Name, n)
			}
		}
	}
}

func TestScroll(t *testing.T) {
	m := newModel(80, 20)
	top := m.View()
	if h := m.ShortHelp(); !h[0].Enabled() {
		t.Errorf("scroll keys not offered")
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyDown})
	if m.View() == top {
		t.Errorf("down did not scroll")
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyUp})
	if m.View() != top {
		t.Errorf("up did not scroll back")
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	if !strings.Contains(m.View(), "Issuer") || strings.Contains(m.View(), "Enrollment") {
		t.Errorf("pgdown did not go a page down:\n%s", m.View())
	}
	// Keys of the rest of the TUI are not taken.
	for _, k := range []string{" ", "f", "b", "d", "u", "h", "l"} {
		before := m.View()
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		if m.View() != before {
			t.Errorf("key %q scrolled", k)
		}
	}
	big := newModel(160, 300)
	if h := big.ShortHelp(); h[0].Enabled() {
		t.Errorf("scroll keys offered with nothing to scroll")
	}
}

// TestACSIsNotTheThreeDSServer: the ACS is the issuer's side; "3DS Server"
// is the merchant's, with its own entry (issue 8, defect 9).
func TestACSIsNotTheThreeDSServer(t *testing.T) {
	for _, g := range groups {
		for _, tm := range g.Terms {
			if strings.HasPrefix(tm.Name, "ACS") && strings.Contains(strings.ToLower(tm.Text), "3ds server.") {
				t.Errorf("the ACS is called the 3DS server: %q", tm.Text)
			}
			if strings.HasPrefix(tm.Name, "ACS") && strings.Contains(tm.Text, "issuer's 3DS server") {
				t.Errorf("the ACS is called the issuer's 3DS server: %q", tm.Text)
			}
		}
	}
}

// TestResizedWhileShown: the glossary is laid out when shown, not when
// sized; a resize while it is shown, and a scroll after one, draw what a
// glossary made at the new size draws.
func TestResizedWhileShown(t *testing.T) {
	m := newModel(80, 20)
	m.View()
	m.SetSize(50, 12)
	if got, want := m.View(), newModel(50, 12).View(); got != want {
		t.Errorf("after a resize:\n%s\nwant:\n%s", got, want)
	}
	m.SetSize(120, 30)
	m.Update(tea.KeyMsg{Type: tea.KeyDown})
	fresh := newModel(120, 30)
	fresh.Update(tea.KeyMsg{Type: tea.KeyDown})
	if got, want := m.View(), fresh.View(); got != want {
		t.Errorf("scrolled after a resize:\n%s\nwant:\n%s", got, want)
	}
}
