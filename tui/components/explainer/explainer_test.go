package explainer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/embedded"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/explainer"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func newModel(w, h int) *explainer.Model {
	m := explainer.New(&common.Common{Styles: styles.New(), Keys: keymap.New()})
	m.SetSize(w, h)
	return m
}

// clock is a session clock that stands still.
type clock struct{ t time.Time }

func (c clock) Now() time.Time { return c.t }

// journey runs steps on a fresh sandbox session with a fixed clock, ids and
// randomness, and returns every event it reported.
func journey(t *testing.T, steps func(ctx context.Context, s *flows.Session)) []flows.Event {
	t.Helper()
	var (
		mu     sync.Mutex
		events []flows.Event
		n      atomic.Int64
	)
	s, err := embedded.Open(context.Background(), flows.SandboxTarget(), flows.Options{
		Sink: func(e flows.Event) {
			mu.Lock()
			events = append(events, e)
			mu.Unlock()
		},
		Clock:   clock{time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)},
		NewID:   func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Add(1)) },
		Rand:    rand.NewChaCha8([32]byte{'w', 'a', 'l', 'l', 'e', 't', 's', 'i', 'm'}),
		Retries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	steps(context.Background(), s)
	mu.Lock()
	defer mu.Unlock()
	return append([]flows.Event(nil), events...)
}

func visa(t *testing.T, o testcards.Outcome) (testcards.Card, flows.Card) {
	t.Helper()
	for _, c := range testcards.All {
		if c.Scheme == testcards.Visa && c.Outcome == o {
			return c, flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: c.CardID, CustomerID: testcards.CustomerID}
		}
	}
	t.Fatalf("no Visa test card for %s", o)
	return testcards.Card{}, flows.Card{}
}

func purchase(tc testcards.Card, ch threeds.Channel) flows.PurchaseInput {
	return flows.PurchaseInput{Amount: 4999, Currency: "SAR", Description: "Headphones", Number: tc.PAN, Month: 12, Year: 2030, Channel: ch}
}

// challengeEvents: the Visa challenge card 4000000000000036 is enrolled
// (codes by SMS), the merchant starts 3DS (the ACS answers C) and opens
// the challenge page.
func challengeEvents(t *testing.T) []flows.Event {
	tc, card := visa(t, testcards.Challenge)
	if tc.PAN != "4000000000000036" {
		t.Fatalf("challenge card %s", tc.PAN)
	}
	return journey(t, func(ctx context.Context, s *flows.Session) {
		if r := s.Enrollment(card).Enroll(ctx, issuing.SMS); !r.OK {
			t.Fatal(r)
		}
		p := s.Purchase(purchase(tc, threeds.Browser))
		if r := p.Start(ctx); r.TransStatus != "C" {
			t.Fatal(r)
		}
		if r := p.ReadChallenge(ctx); !r.OK {
			t.Fatal(r)
		}
	})
}

// frictionlessEvents: a card is enrolled, the enrollment viewed, and a
// purchase on the Visa frictionless card authenticated at once (Y).
func frictionlessEvents(t *testing.T) []flows.Event {
	tc, card := visa(t, testcards.Frictionless)
	return journey(t, func(ctx context.Context, s *flows.Session) {
		en := s.Enrollment(card)
		if r := en.Enroll(ctx, issuing.Email); !r.OK {
			t.Fatal(r)
		}
		if r := en.View(ctx); !r.OK {
			t.Fatal(r)
		}
		if r := s.Purchase(purchase(tc, threeds.Browser)).Start(ctx); r.TransStatus != "Y" || r.ECI != "05" {
			t.Fatal(r)
		}
	})
}

// decoupledEvents: the wallet approves a decoupled purchase.
func decoupledEvents(t *testing.T) []flows.Event {
	tc, card := visa(t, testcards.Decoupled)
	return journey(t, func(ctx context.Context, s *flows.Session) {
		if r := s.Enrollment(card).Enroll(ctx, issuing.Email); !r.OK {
			t.Fatal(r)
		}
		p := s.Purchase(purchase(tc, threeds.Decoupled))
		if r := p.Start(ctx); r.TransStatus != "D" {
			t.Fatal(r)
		}
		w := s.Wallet()
		pending, r := w.Next(ctx)
		if !r.OK {
			t.Fatal(r)
		}
		w.Decide(ctx, pending, flows.Decision{Status: wallet.Verified})
		if r := p.Await(ctx, 10*time.Millisecond); r.TransStatus != "Y" {
			t.Fatal(r)
		}
	})
}

func feed(m *explainer.Model, events []flows.Event) {
	for _, e := range events {
		m.Observe(e)
	}
}

// upTo is events up to and including the first one of flow/step of kind k.
func upTo(t *testing.T, events []flows.Event, step string, k flows.Kind) []flows.Event {
	t.Helper()
	for i, e := range events {
		if e.Step == step && e.Kind == k {
			return events[:i+1]
		}
	}
	t.Fatalf("no %s event of step %s", k, step)
	return nil
}

func TestEmpty(t *testing.T) {
	golden.RequireEqual(t, newModel(80, 22).View())
}

func TestChallenge(t *testing.T) {
	events := challengeEvents(t)
	t.Run("ares_C", func(t *testing.T) {
		m := newModel(80, 24)
		feed(m, upTo(t, events, "authenticate", flows.Finished))
		golden.RequireEqual(t, m.View())
	})
	t.Run("challenge_page_in_progress", func(t *testing.T) {
		m := newModel(80, 24)
		feed(m, upTo(t, events, "challenge", flows.StepStarted))
		golden.RequireEqual(t, m.View())
	})
}

func TestFrictionless(t *testing.T) {
	events := frictionlessEvents(t)
	for _, size := range [][2]int{{80, 20}, {120, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			m := newModel(size[0], size[1])
			feed(m, events)
			golden.RequireEqual(t, m.View())
		})
	}
}

// TestFits: after every event of several journeys, at several widths, the
// view is exactly w×h and the content fits PreferredHeight rows.
func TestFits(t *testing.T) {
	journeys := map[string][]flows.Event{
		"challenge":    challengeEvents(t),
		"frictionless": frictionlessEvents(t),
		"decoupled":    decoupledEvents(t),
	}
	for name, events := range journeys {
		for _, w := range []int{50, 80, 120} {
			for _, h := range []int{1, 8, 22} {
				m := newModel(w, h)
				check(t, fmt.Sprintf("%s %dx%d empty", name, w, h), m.View(), w, h)
				for i, e := range events {
					m.Observe(e)
					check(t, fmt.Sprintf("%s %dx%d event %d (%s %s)", name, w, h, i, e.Step, e.Kind), m.View(), w, h)
				}
				// Given its preferred height, nothing is hidden.
				m.SetSize(w, m.PreferredHeight(w))
				if v := m.View(); strings.Contains(v, "more below") {
					t.Errorf("%s at %d: preferred height %d still scrolls:\n%s", name, w, m.PreferredHeight(w), v)
				}
			}
		}
	}
	m := newModel(12, 10) // far too narrow for a diagram: a list
	feed(m, journeys["decoupled"])
	check(t, "decoupled 12x10", m.View(), 12, 10)
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

func started(arrows ...flows.Arrow) flows.Event {
	return flows.Event{Flow: "test", Step: "step", Kind: flows.StepStarted, Explain: &flows.Explanation{
		Title: "A step", Text: "What it does.", Arrows: arrows,
	}}
}

func TestPreferredHeightGrowsWithArrows(t *testing.T) {
	arrows := []flows.Arrow{
		{From: flows.Merchant, To: flows.ThreeDSServer, Label: "authenticate"},
		{From: flows.ThreeDSServer, To: flows.DirectoryServer, Label: "AReq"},
		{From: flows.DirectoryServer, To: flows.ACS, Label: "AReq"},
		{From: flows.ACS, To: flows.DirectoryServer, Label: "ARes"},
	}
	prev := 0
	for n := 1; n <= len(arrows); n++ {
		m := newModel(80, 20)
		m.Observe(started(arrows[:n]...))
		h := m.PreferredHeight(80)
		if h <= prev {
			t.Errorf("%d arrows: preferred height %d, not more than %d with %d", n, h, prev, n-1)
		}
		prev = h
	}
}

func TestArrowDirections(t *testing.T) {
	m := newModel(80, 10)
	m.Observe(started(
		flows.Arrow{From: flows.Cardholder, To: flows.Issuer, Label: "enroll"},
		flows.Arrow{From: flows.Issuer, To: flows.Cardholder, Label: "enrolled"},
	))
	var right, left string
	for _, l := range strings.Split(m.View(), "\n") {
		switch {
		case strings.Contains(l, " enroll "):
			right = l
		case strings.Contains(l, " enrolled "):
			left = l
		}
	}
	col := func(line, s string) int { return lipgloss.Width(line[:strings.Index(line, s)]) }
	if right == "" || left == "" {
		t.Fatalf("arrows not drawn:\n%s", m.View())
	}
	// Cardholder → Issuer: tail on the left, label, head on the right.
	if !(col(right, "├") < col(right, "enroll") && col(right, "enroll") < col(right, "▶")) || strings.Contains(right, "◀") {
		t.Errorf("left-to-right arrow drawn wrong: %q", right)
	}
	// Issuer → Cardholder: head on the left, label, tail on the right.
	if !(col(left, "◀") < col(left, "enrolled") && col(left, "enrolled") < col(left, "┤")) || strings.Contains(left, "▶") {
		t.Errorf("right-to-left arrow drawn wrong: %q", left)
	}
	// Both span the same lifelines.
	if col(right, "├") != col(left, "◀")-1 || col(right, "▶") != col(left, "┤")-1 {
		t.Errorf("arrows do not meet the lifelines:\n%s\n%s", right, left)
	}
}

// TestOnlyInvolvedParties: the diagram draws the parties the arrows
// involve, in flows.Parties order, and no others.
func TestOnlyInvolvedParties(t *testing.T) {
	m := newModel(120, 10)
	m.Observe(started(
		flows.Arrow{From: flows.ACS, To: flows.Cardholder, Label: "code"},
		flows.Arrow{From: flows.Cardholder, To: flows.ACS, Label: "CReq"},
	))
	v := m.View()
	header := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "Issuer ACS") {
			header = l
		}
	}
	if header == "" || strings.Index(header, "Cardholder") > strings.Index(header, "Issuer ACS") {
		t.Errorf("header should be Cardholder then Issuer ACS:\n%s", v)
	}
	for _, p := range []string{"Merchant", "3DS Server", "Directory Server", "Wallet"} {
		if strings.Contains(header, p) {
			t.Errorf("%s drawn but not involved:\n%s", p, v)
		}
	}
}

// TestExchangesIgnored: HTTP exchanges and state changes change nothing.
func TestExchangesIgnored(t *testing.T) {
	events := frictionlessEvents(t)
	all, some := newModel(80, 30), newModel(80, 30)
	for _, e := range events {
		all.Observe(e)
		if e.Kind != flows.Exchanged && e.Kind != flows.StateChanged {
			some.Observe(e)
		}
	}
	if all.View() != some.View() {
		t.Errorf("exchanges changed the view:\n%s\n---\n%s", all.View(), some.View())
	}
}

// TestLastFinishedShown: in the decoupled journey, the merchant's wait
// finishes last, so its result (Y, ECI, CAVV) is what the pane shows.
func TestLastFinishedShown(t *testing.T) {
	m := newModel(100, 60)
	feed(m, decoupledEvents(t))
	v := m.View()
	for _, want := range []string{"The merchant waits for the wallet", "ECI 05", "CAVV", "Before:", "The wallet reports the decision"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q:\n%s", want, v)
		}
	}
}

func TestScroll(t *testing.T) {
	m := newModel(80, 8)
	feed(m, frictionlessEvents(t))
	top := m.View()
	if !strings.Contains(top, "more below") {
		t.Fatalf("no hint that there is more:\n%s", top)
	}
	if h := m.ShortHelp(); len(h) == 0 || !h[0].Enabled() {
		t.Errorf("scroll keys not offered: %v", h)
	}
	m, _ = m.Update(keyMsg("pgdown"))
	m, _ = m.Update(keyMsg("pgdown"))
	m, _ = m.Update(keyMsg("pgdown"))
	if m.View() == top {
		t.Errorf("pgdown did not scroll")
	}
	for range 50 {
		m, _ = m.Update(keyMsg("up"))
	}
	if m.View() != top {
		t.Errorf("up did not scroll back to the top")
	}
	big := newModel(80, 60)
	big.Observe(started(flows.Arrow{From: flows.Merchant, To: flows.ThreeDSServer, Label: "x"}))
	if h := big.ShortHelp(); h[0].Enabled() {
		t.Errorf("scroll keys offered with nothing to scroll")
	}
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}
