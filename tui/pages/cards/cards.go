// Package cards is the test-card picker: the sandbox's cards, each with
// what it forces, or a card typed by hand.
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
	"github.com/walletsim/walletsim/tui/components/filter"
)

// listTop is the content line of the first card row.
const listTop = 2

// Model picks the card in use.
type Model struct {
	c                   *common.Common
	cursor              int // index into testcards.All
	top                 int // first row shown
	w, h                int
	filter              *filter.Model
	form                *huh.Form // typing a card by hand
	left                bool      // esc left the form's field
	number, month, year string
}

// New builds the picker, on the card in use.
func New(c *common.Common) *Model {
	m := &Model{c: c, filter: filter.New(c)}
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
func (m *Model) WantsPhone() bool { return false }

func (m *Model) Owns(km tea.KeyMsg) bool {
	if m.form != nil {
		return !m.left && (common.FormOwns(m.form, km) || km.Type == tea.KeyEnter || km.Type == tea.KeyTab)
	}
	return m.filter.Owns(km)
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Move, k.Enter, k.Filter, k.TypeCard, k.Back}, {k.Tab, k.LeaveField, k.EnterField}}
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.form != nil && m.left:
		return []key.Binding{k.EnterField, k.Back}
	case m.form != nil:
		return []key.Binding{k.Tab, k.Enter, k.LeaveField}
	case m.filter.Typing():
		return m.filter.Help()
	}
	return append([]key.Binding{k.Move, k.Enter}, append(m.filter.Help(), k.TypeCard, k.Back)...)
}

// visible are the indexes of the cards the filter lets through.
func (m *Model) visible() []int {
	var out []int
	for i, tc := range testcards.All {
		if m.filter.Match(tc.PAN + " " + testcards.GroupPAN(tc.PAN) + " " + string(tc.Scheme) + " " + tc.Describe()) {
			out = append(out, i)
		}
	}
	return out
}

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	if m.form != nil {
		return m, m.formUpdate(msg)
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		return m, m.mouse(msg)
	}
	return m, nil
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if m.filter.Owns(km) {
		changed, cmd := m.filter.Update(km)
		if changed {
			m.keepCursorVisible()
		}
		return cmd
	}
	switch {
	case key.Matches(km, k.Up):
		m.move(-1)
	case key.Matches(km, k.Down):
		m.move(1)
	case key.Matches(km, k.Enter):
		if len(m.visible()) == 0 {
			return nil
		}
		card := common.TestCard(testcards.All[m.cursor])
		return func() tea.Msg { return common.CardMsg{Card: card} }
	case key.Matches(km, k.Filter):
		return m.filter.Start()
	case key.Matches(km, k.TypeCard):
		m.form, m.left = m.typedForm(), false
		return m.form.Init()
	case key.Matches(km, k.Back):
		return common.GoHome
	}
	return nil
}

// move moves the cursor by d among the visible cards.
func (m *Model) move(d int) {
	vis := m.visible()
	if len(vis) == 0 {
		return
	}
	at := 0
	for i, v := range vis {
		if v == m.cursor {
			at = i
		}
	}
	m.cursor = vis[(at+d+len(vis))%len(vis)]
}

// keepCursorVisible puts the cursor on a card the filter shows.
func (m *Model) keepCursorVisible() {
	vis := m.visible()
	for _, v := range vis {
		if v == m.cursor {
			return
		}
	}
	if len(vis) > 0 {
		m.cursor = vis[0]
	}
}

func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	vis := m.visible()
	switch {
	case msg.Button == tea.MouseButtonWheelUp && msg.Action == tea.MouseActionPress:
		m.move(-1)
	case msg.Button == tea.MouseButtonWheelDown && msg.Action == tea.MouseActionPress:
		m.move(1)
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionRelease:
		row := msg.Y - listTop + m.start(vis)
		if row < 0 || row >= len(vis) || msg.Y < listTop {
			return nil
		}
		if m.cursor == vis[row] { // a second click takes it
			card := common.TestCard(testcards.All[m.cursor])
			return func() tea.Msg { return common.CardMsg{Card: card} }
		}
		m.cursor = vis[row]
	}
	return nil
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

// formUpdate runs the typed-card form: esc leaves a field (then esc goes
// back to the list), enter or tab return to it.
func (m *Model) formUpdate(msg tea.Msg) tea.Cmd {
	k := m.c.Keys
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case m.left && key.Matches(km, k.EnterField):
			m.left = false
			return m.form.GetFocusedField().Focus()
		case m.left && key.Matches(km, k.Back):
			m.form = nil
			return nil
		case m.left:
			return nil
		case key.Matches(km, k.LeaveField):
			m.left = true
			return m.form.GetFocusedField().Blur()
		}
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State != huh.StateCompleted {
		return cmd
	}
	m.form = nil
	return m.typedCard()
}

// typedCard is the card typed: a sandbox test card keeps its ids.
func (m *Model) typedCard() tea.Cmd {
	month, _ := strconv.Atoi(m.month)
	year, _ := strconv.Atoi(m.year)
	number := strings.ReplaceAll(m.number, " ", "")
	t := m.c.Session.Target
	card := common.Card{Number: number, Month: month, Year: year,
		Flows: flows.Card{CardholderID: t.CardholderID, WalletID: t.WalletID, CardID: t.CardID, CustomerID: t.CustomerID, Number: number}}
	if tc, ok := testcards.Lookup(number); ok {
		card = common.TestCard(tc)
		card.Month, card.Year = month, year
	}
	return func() tea.Msg { return common.CardMsg{Card: card} }
}

// rows is how many cards fit.
func (m *Model) rows() int { return max(m.h-listTop-1, 3) }

// start is the first visible card shown, keeping the cursor in view.
func (m *Model) start(vis []int) int {
	at := 0
	for i, v := range vis {
		if v == m.cursor {
			at = i
		}
	}
	rows := m.rows()
	return min(max(0, at-rows/2), max(0, len(vis)-rows))
}

func (m *Model) View() string {
	s := m.c.Styles
	if m.form != nil {
		head := s.Title.Render("Type a card") + "\n\n"
		if m.left {
			head += s.Warn.Render("You left the field: enter goes back to it, esc back to the list.") + "\n\n"
		}
		return head + m.form.View()
	}
	var b strings.Builder
	title := s.Title.Render("Sandbox test cards") + s.Subtle.Render("  each forces an outcome; enroll it to let the ACS challenge it")
	b.WriteString(ansi.Truncate(title, max(m.w, 10), "…") + "\n\n")
	vis := m.visible()
	if len(vis) == 0 {
		b.WriteString(s.Subtle.Render("  No card matches.") + "\n")
	}
	start := m.start(vis)
	for _, i := range vis[start:min(len(vis), start+m.rows())] {
		tc := testcards.All[i]
		line := fmt.Sprintf("%-19s %-4s %s", testcards.GroupPAN(tc.PAN), tc.Scheme.Short(), tc.Describe())
		line = ansi.Truncate(line, max(m.w-2, 10), "…")
		if i == m.cursor {
			b.WriteString(s.Selected.Render("▸ "+line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	if f := m.filter.View(len(vis), len(testcards.All)); f != "" {
		b.WriteString(f)
	}
	return strings.TrimRight(b.String(), "\n")
}
