package messages_test

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/tui/components/messages"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

// challenged is a browser challenge passed with one wrong code first: the
// whole exchange, built by client/emv (test input: the sandbox serves the
// same messages).
func challenged(t *testing.T) []emv.Step {
	t.Helper()
	a := emv.Authentication{
		IDs: emv.IDs{ThreeDSServer: "8a880dc0-d2d2-4067-bcb1-b08d1690b26e", DS: "5b8ad4e2-6a0c-4f3e-9d4f-0f7c1d2e3a4b",
			ACS: "9c3e4d2a-1b5f-4e6d-8a7c-2b3d4e5f6a7b"},
		Time: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC), Scheme: emv.Visa,
		Card:   emv.Card{Number: "4000000000000036", Month: 12, Year: 2030, Name: "Layla Haddad"},
		Amount: 4999, Currency: "SAR", Channel: emv.ChannelBrowser, ChallengePreference: "no_preference",
		ReturnURL: "https://shop.example/3ds/return", Parties: emv.SandboxParties,
	}
	steps, err := emv.Build(a, emv.Outcome{Status: emv.ChallengeRequired, ACSURL: "https://acs.walletsim.example/challenge/9c3e",
		Result: &emv.Result{Status: emv.Authenticated, CAVV: "AAABBBCCCDDDEEEFFFGGGHHHIII=", Interactions: 2, Method: emv.MethodSMSOTP}})
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

func view(t *testing.T) *messages.Model {
	lipgloss.SetColorProfile(termenv.Ascii)
	m := messages.New(styles.New(), keymap.New())
	m.SetSize(80, 22)
	m.Show("EMV messages of authentication 8a880dc0…", challenged(t))
	return m
}

func press(m *messages.Model, keys ...tea.KeyMsg) {
	for _, k := range keys {
		m.Update(k)
	}
}

var (
	down  = tea.KeyMsg{Type: tea.KeyDown}
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	pgdn  = tea.KeyMsg{Type: tea.KeyPgDown}
)

func TestList(t *testing.T) {
	m := view(t)
	v := m.View()
	golden.RequireEqual(t, []byte(v))
	if got := strings.Count(v, "\n") + 1; got != 22 {
		t.Fatalf("%d lines, want 22", got)
	}
	for _, want := range []string{"AReq  3DS Server → Directory Server", "CReq  Merchant → Issuer ACS (via Cardholder)", "RRes"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in\n%s", want, v)
		}
	}
}

// TestExpanded: the ARes (the third message) opened shows its fields with
// their meanings and its codes' meanings; the list scrolls to the end.
func TestExpanded(t *testing.T) {
	m := view(t)
	press(m, down, down, enter)
	v := m.View()
	golden.RequireEqual(t, []byte(v))
	for _, want := range []string{"transStatus  C", "C: ", "dsTransID  5b8ad4e2-6a0c-4f3e-9d4f-0f7c1d2e3a4b", "↓ more below"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in\n%s", want, v)
		}
	}
	t.Run("scrolled", func(t *testing.T) {
		press(m, pgdn, pgdn, pgdn, pgdn, pgdn, pgdn)
		v := m.View()
		golden.RequireEqual(t, []byte(v))
		if !strings.Contains(v, "RRes") || !strings.Contains(v, "↑ more above") {
			t.Errorf("not at the end:\n%s", v)
		}
	})
}

// TestEmpty: no messages, nothing invented and no keys offered.
func TestEmpty(t *testing.T) {
	m := messages.New(styles.New(), keymap.New())
	m.SetSize(80, 10)
	m.Show("EMV messages", nil)
	if len(m.ShortHelp()) != 0 || strings.Contains(m.View(), "AReq") {
		t.Fatalf("%q %v", m.View(), m.ShortHelp())
	}
	press(m, down, enter)
}

// TestEveryFieldHasAMeaning: whatever a message of the exchange carries,
// the view has a meaning to show beside it.
func TestEveryFieldHasAMeaning(t *testing.T) {
	s := styles.New()
	for _, st := range challenged(t) {
		lines := messages.Fields(s, st.Message, 70, "")
		var names int
		for _, l := range lines {
			if !strings.HasPrefix(l, "  ") {
				names++
			}
		}
		if names == 0 || len(lines) < 2*names {
			t.Errorf("%s: %d fields, %d lines: a field lacks its meaning\n%s", st.Message.Type(), names, len(lines), strings.Join(lines, "\n"))
		}
	}
}
