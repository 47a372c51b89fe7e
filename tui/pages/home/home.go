// Package home is the TUI's first screen: the walkthroughs to choose from,
// the target and the card in use.
package home

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/tui/common"
)

// Walkthrough is one entry of the menu.
type Walkthrough struct {
	Page             common.PageID
	Title, Who, What string
}

// Walkthroughs are the menu, in the order a newcomer should try them.
var Walkthroughs = []Walkthrough{
	{common.Enroll, "Enroll a card in 3DS", "as the issuer", "choose how one-time codes reach the cardholder: SMS or email"},
	{common.Manage, "Manage the enrollment", "as the issuer", "view it, change the OTP method, unenroll"},
	{common.PayBrowser, "Pay online (browser)", "as the merchant", "frictionless, or the issuer's challenge page with a one-time code"},
	{common.PayDecoupled, "Pay online (decoupled, wallet approval)", "as the merchant", "the cardholder approves in their wallet with a fingerprint"},
	{common.WalletInbox, "Wallet inbox", "as the cardholder", "pending 3DS requests, SMS and email on the phone"},
	{common.Scenario, "Run a scenario", "as QA", "replay a scenario file headlessly and see its results"},
}

// Course is the menu's last entry when the app has the course.
var Course = Walkthrough{common.Course, "Learn 3-D Secure", "as a newcomer", "a short course; the simulator checks your exercises"}

// entries are the menu: the walkthroughs, and the course when there is one.
func (m *Model) entries() []Walkthrough {
	if m.c.Learn == nil {
		return Walkthroughs
	}
	return append(Walkthroughs[:len(Walkthroughs):len(Walkthroughs)], Course)
}

// menuTop is the content line of the first walkthrough.
const menuTop = 3

// Model is the home page.
type Model struct {
	c      *common.Common
	cursor int
	w, h   int
}

// New builds the home page.
func New(c *common.Common) *Model { return &Model{c: c} }

func (m *Model) Init() tea.Cmd        { return nil }
func (m *Model) SetSize(w, h int)     { m.w, m.h = w, h }
func (m *Model) Title() string        { return "Home" }
func (m *Model) Owns(tea.KeyMsg) bool { return false }
func (m *Model) WantsPhone() bool     { return false }
func (m *Model) Selected() int        { return m.cursor }
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	pick := k.Walkthrough
	pick.SetHelp(fmt.Sprintf("1–%d", len(m.entries())), "walkthrough")
	return [][]key.Binding{{pick, k.Move, k.Enter, k.Card}}
}

// compact shows only the selected entry's description: when all of them
// would not fit (22 rows for the six walkthroughs).
func (m *Model) compact() bool { return m.h < 10+2*len(m.entries()) }
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Move, k.Enter, k.Card}
}

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		if i := m.itemAt(msg.Y); i >= 0 && msg.Action == tea.MouseActionRelease && msg.Button == tea.MouseButtonLeft {
			m.cursor = i
			return m, common.Go(m.entries()[i].Page)
		}
	}
	return m, nil
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(km, k.Up):
		m.cursor = (m.cursor + len(m.entries()) - 1) % len(m.entries())
	case key.Matches(km, k.Down), key.Matches(km, k.Tab):
		m.cursor = (m.cursor + 1) % len(m.entries())
	case key.Matches(km, k.Enter):
		return common.Go(m.entries()[m.cursor].Page)
	case key.Matches(km, k.Card):
		return common.Go(common.Cards)
	case key.Matches(km, k.Walkthrough):
		if n := int(km.String()[0] - '1'); n >= 0 && n < 7 && n < len(m.entries()) {
			m.cursor = n
			return common.Go(m.entries()[n].Page)
		}
	}
	return nil
}

// itemAt is the walkthrough drawn on content line y, or -1.
func (m *Model) itemAt(y int) int {
	line := menuTop + lipgloss.Height(m.subtitle()) - 1
	for i := range m.entries() {
		lines := lipgloss.Height(m.item(i))
		if y >= line && y < line+lines {
			return i
		}
		line += lines
	}
	return -1
}

func (m *Model) subtitle() string {
	return m.c.Styles.Subtle.Render(wrap("You play every party: the issuer, the merchant and the cardholder's wallet.", m.w))
}

// item draws walkthrough i: its line, and its description when there is
// room or it is selected.
func (m *Model) item(i int) string {
	s := m.c.Styles
	w := m.entries()[i]
	cursor, title := "  ", s.Unselected.Render(w.Title)
	if i == m.cursor {
		cursor, title = s.Selected.Render("▸ "), s.Selected.Render(w.Title)
	}
	out := fmt.Sprintf("%s%d  %s %s", cursor, i+1, title, s.Subtle.Render("— "+w.Who))
	if !m.compact() || i == m.cursor {
		out += "\n" + s.Subtle.Render(lipgloss.NewStyle().PaddingLeft(7).Width(m.w).Render(w.What))
	}
	return out
}

func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Walk through a 3-D Secure journey") + "\n")
	b.WriteString(m.subtitle() + "\n\n")
	for i := range m.entries() {
		b.WriteString(m.item(i) + "\n")
	}
	b.WriteString("\n" + s.Label.Render("Card   ") + s.Value.Render(m.c.Card.Label()) + s.Subtle.Render("   (c to change)") + "\n")
	if m.c.Session != nil {
		target := m.c.Session.Target.Name
		if m.c.Session.Target.Sandbox {
			target += " — the embedded sandbox plays the issuer, the 3DS server and the wallet platform"
		}
		b.WriteString(wrap(s.Label.Render("Target ")+s.Value.Render(target), m.w) + "\n")
	}
	if !m.compact() {
		b.WriteString("\n" + s.Subtle.Render(wrap("New to 3DS? Try 1, then 3 and 4. Press x at any time to see what just "+
			"happened, g for the glossary, ? for every key.", m.w)))
	}
	return strings.TrimRight(b.String(), "\n")
}

func wrap(s string, w int) string { return lipgloss.NewStyle().Width(max(w, 20)).Render(s) }
