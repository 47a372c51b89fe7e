// Package cards is the test-card picker: the sandbox's cards, each with
// what it forces, or a card typed by hand on a real target.
package cards

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/common"
)

// Model picks the card in use.
type Model struct {
	c                   *common.Common
	cursor              int
	w, h                int
	form                *huh.Form // typing a card by hand
	number, month, year string
}

// New builds the picker, on the card in use.
func New(c *common.Common) *Model {
	m := &Model{c: c}
	for i, tc := range testcards.All {
		if tc.PAN == c.Card.Number {
			m.cursor = i
		}
	}
	return m
}

func (m *Model) Init() tea.Cmd    { return nil }
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }
func (m *Model) Title() string    { return "Choose a card" }
func (m *Model) Typing() bool     { return m.form != nil }
func (m *Model) WantsPhone() bool { return false }
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp()}
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.form != nil {
		return []key.Binding{k.Tab, k.Enter, k.Back}
	}
	return []key.Binding{k.Move, k.Enter, key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "type a card")), k.Back}
}

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	if m.form != nil {
		return m.updateForm(msg)
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	k := m.c.Keys
	switch {
	case key.Matches(km, k.Up):
		m.cursor = (m.cursor + len(testcards.All) - 1) % len(testcards.All)
	case key.Matches(km, k.Down):
		m.cursor = (m.cursor + 1) % len(testcards.All)
	case key.Matches(km, k.Enter):
		card := common.TestCard(testcards.All[m.cursor])
		return m, func() tea.Msg { return common.CardMsg{Card: card} }
	case km.String() == "t":
		m.form = m.typedForm()
		return m, m.form.Init()
	}
	return m, nil
}

// typedForm asks for a card by hand, validated as seed 004 does.
func (m *Model) typedForm() *huh.Form {
	m.number, m.month, m.year = "", "12", strconv.Itoa(m.c.Now().Year()+3)
	return huh.NewForm(huh.NewGroup(
		huh.NewInput().Title("Card number").Value(&m.number).Validate(func(s string) error {
			if !threeds.Luhn(strings.ReplaceAll(s, " ", "")) {
				return fmt.Errorf("%s", threeds.MsgCardNumber)
			}
			return nil
		}),
		huh.NewInput().Title("Expiry month").Value(&m.month).Validate(intIn(1, 12)),
		huh.NewInput().Title("Expiry year").Value(&m.year).Validate(intIn(2000, 9999)),
	)).WithShowHelp(false).WithWidth(min(m.w, 60))
}

func intIn(lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			return fmt.Errorf("The value must be an integer.")
		case n < lo:
			return fmt.Errorf("%s", threeds.MsgMin(lo))
		case n > hi:
			return fmt.Errorf("%s", threeds.MsgMax(hi))
		}
		return nil
	}
}

func (m *Model) updateForm(msg tea.Msg) (common.Page, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, m.c.Keys.Back) {
		m.form = nil
		return m, nil
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State != huh.StateCompleted {
		return m, cmd
	}
	m.form = nil
	month, _ := strconv.Atoi(m.month)
	year, _ := strconv.Atoi(m.year)
	number := strings.ReplaceAll(m.number, " ", "")
	t := m.c.Session.Target
	card := common.Card{Number: number, Month: month, Year: year,
		Flows: flows.Card{CardholderID: t.CardholderID, WalletID: t.WalletID, CardID: t.CardID, CustomerID: t.CustomerID}}
	if tc, ok := testcards.Lookup(number); ok {
		card = common.TestCard(tc)
		card.Month, card.Year = month, year
	}
	return m, func() tea.Msg { return common.CardMsg{Card: card} }
}

func (m *Model) View() string {
	s := m.c.Styles
	if m.form != nil {
		return s.Title.Render("Type a card") + "\n\n" + m.form.View()
	}
	var b strings.Builder
	b.WriteString(s.Title.Render("Sandbox test cards") + s.Subtle.Render("  each forces an outcome; enroll it to let the ACS challenge it") + "\n\n")
	rows := max(m.h-3, 5)
	start := min(max(0, m.cursor-rows/2), max(0, len(testcards.All)-rows))
	for i := start; i < min(len(testcards.All), start+rows); i++ {
		tc := testcards.All[i]
		line := fmt.Sprintf("%-19s %-10s %s", group(tc.PAN), tc.Scheme, tc.Outcome.Describe())
		line = ansi.Truncate(line, max(m.w-2, 10), "…")
		if i == m.cursor {
			b.WriteString(s.Selected.Render("▸ "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}

func group(pan string) string {
	var parts []string
	for i := 0; i < len(pan); i += 4 {
		parts = append(parts, pan[i:min(i+4, len(pan))])
	}
	return strings.Join(parts, " ")
}
