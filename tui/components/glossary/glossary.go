// Package glossary is the overlay of the words a newcomer to 3-D Secure
// meets in walletsim — the parties, the messages, transStatus, ECI, CAVV,
// the ways a cardholder is checked, the wallet's webhook — each in a few
// plain sentences, grouped in the order the journey meets them.
package glossary

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/filter"
)

const (
	// maxWidth is the widest the glossary is laid out, for readability;
	// on a wider screen it is centred.
	maxWidth = 110
	// twoColumns is the width from which terms sit beside their text.
	twoColumns = 60
)

// Model is the glossary overlay.
type Model struct {
	c      *common.Common
	w, h   int
	lines  int // content height at w
	vp     viewport.Model
	scroll key.Binding
	page   key.Binding
	filter *filter.Model
	stale  bool // the size changed since the terms were laid out
}

// New returns the glossary.
func New(c *common.Common) *Model {
	m := &Model{c: c, vp: viewport.New(0, 0), filter: filter.New(c)}
	m.vp.KeyMap = viewport.KeyMap{
		Up:       c.Keys.Up,
		Down:     c.Keys.Down,
		PageUp:   c.Keys.PageUp,
		PageDown: c.Keys.PageDown,
	}
	m.scroll, m.page = c.Keys.ScrollLines, c.Keys.Scroll
	return m
}

// SetSize lays the glossary out for w×h, keeping the scroll position.
func (m *Model) SetSize(w, h int) {
	w, h = max(w, 0), max(h, 0)
	if w == m.w && h == m.h {
		return
	}
	m.w, m.h = w, h
	m.stale = true
}

// fresh lays the terms out if the size changed since they were. The app
// sizes every overlay on each resize while at most one is shown: laying
// the whole glossary out then was a tenth of the TUI's start-up.
func (m *Model) fresh() {
	if m.stale {
		m.layout()
	}
}

// layout lays the terms that pass the filter out again.
func (m *Model) layout() {
	m.stale = false
	w := m.w
	content := m.content(w)
	m.lines = strings.Count(content, "\n") + 1
	m.vp.Width, m.vp.Height = min(w, maxWidth), max(m.h-m.chrome(), 0)
	m.vp.SetContent(content)
	m.vp.SetYOffset(m.vp.YOffset)
}

// header is the title above the terms; it does not scroll.
func (m *Model) header() []string {
	s := m.c.Styles
	bw := min(m.w, maxWidth)
	title := s.Title.Render("Glossary") + s.Subtle.Render(" · the words of 3-D Secure")
	if lipgloss.Width(title) > bw {
		title = s.Title.Render(ansi.Truncate("Glossary", bw, ""))
	}
	shown, total := m.counts()
	return []string{title, ansi.Truncate(m.filter.View(shown, total), bw, "…")}
}

// chrome is the rows around the scrolling terms: the header, and a footer
// when the terms do not fit.
func (m *Model) chrome() int {
	if m.h < 4 {
		return 0
	}
	n := len(m.header())
	if m.lines > m.h-n {
		n++
	}
	return n
}

// scrollable reports whether some terms are out of view.
func (m *Model) scrollable() bool { return m.lines > m.vp.Height }

// Owns reports whether the glossary takes km before the app's keys: its
// filter's.
func (m *Model) Owns(km tea.KeyMsg) bool { return m.filter.Owns(km) }

// Update scrolls: up/down, pgup/pgdown, the mouse wheel; / filters.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	m.fresh()
	if km, ok := msg.(tea.KeyMsg); ok && m.filter.Owns(km) {
		changed, cmd := m.filter.Update(km)
		if changed {
			m.layout()
			m.vp.GotoTop()
		}
		return m, cmd
	}
	if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, m.c.Keys.Filter) {
		return m, m.filter.Start()
	}
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg:
		var cmd tea.Cmd
		m.vp, cmd = m.vp.Update(msg)
		return m, cmd
	}
	return m, nil
}

// View draws the glossary, exactly w×h.
func (m *Model) View() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	m.fresh()
	var rows []string
	if m.chrome() > 0 {
		rows = append(rows, m.header()...)
	}
	rows = append(rows, strings.Split(m.vp.View(), "\n")...)
	if m.chrome() > len(m.header()) {
		pct := int(m.vp.ScrollPercent()*100 + 0.5)
		more := fmt.Sprintf("↑/↓ pgup/pgdn to scroll · %d%%", pct)
		rows = append(rows, m.c.Styles.Subtle.Render(ansi.Truncate(more, min(m.w, maxWidth), "")))
	}
	margin := strings.Repeat(" ", max(m.w-maxWidth, 0)/2)
	for i, r := range rows {
		rows[i] = margin + r
	}
	return lipgloss.NewStyle().Width(m.w).Height(m.h).MaxHeight(m.h).Render(strings.Join(rows, "\n"))
}

// ShortHelp lists the glossary's keys that work now.
func (m *Model) ShortHelp() []key.Binding {
	m.fresh()
	if m.filter.Typing() {
		return m.filter.Help()
	}
	scroll, page := m.scroll, m.page
	scroll.SetEnabled(m.scrollable())
	page.SetEnabled(m.scrollable())
	return append([]key.Binding{scroll, page}, m.filter.Help()...)
}

// FullHelp lists every key of the glossary.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.scroll, m.page, m.c.Keys.Filter}}
}

// counts is how many terms the filter shows, of all.
func (m *Model) counts() (shown, total int) {
	for _, g := range groups {
		for _, t := range g.Terms {
			total++
			if m.matches(t) {
				shown++
			}
		}
	}
	return shown, total
}

func (m *Model) matches(t term) bool {
	text := t.Name + " " + t.Text
	for _, it := range t.List {
		text += " " + it[0] + " " + it[1]
	}
	return m.filter.Match(text)
}

// content is every group and term laid out at width w (at most maxWidth).
func (m *Model) content(w int) string {
	s := m.c.Styles
	bw := max(min(w, maxWidth), 1)
	var out []string
	for _, g := range groups {
		var terms []string
		for _, t := range g.Terms {
			if m.matches(t) {
				terms = append(terms, m.entry(t, bw))
			}
		}
		if len(terms) == 0 {
			continue
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		heading := s.Title.Render(g.Title)
		if fill := bw - lipgloss.Width(heading) - 1; fill > 0 {
			heading += " " + s.Lifeline.Render(strings.Repeat("─", fill))
		}
		out = append(append(out, heading), terms...)
	}
	if len(out) == 0 {
		return s.Subtle.Render("No term matches the filter.")
	}
	return strings.Join(out, "\n")
}

// entry lays out one term: beside its text on a wide screen, above it
// (the text indented) on a narrow one.
func (m *Model) entry(t term, w int) string {
	s := m.c.Styles
	if w < twoColumns {
		return s.Subtitle.Render(t.Name) + "\n" + indent(m.definition(t, max(w-2, 1)), 2)
	}
	tc := min(max(w/4, 16), 24)
	name := wrap(s.Subtitle.Render(t.Name), tc)
	return trimLines(lipgloss.JoinHorizontal(lipgloss.Top,
		lipgloss.NewStyle().Width(tc+2).Render(name), m.definition(t, w-tc-2)))
}

// definition is a term's text and its table, w columns wide.
func (m *Model) definition(t term, w int) string {
	s := m.c.Styles
	parts := []string{wrap(s.Text.Render(t.Text), w)}
	kw := 0
	for _, it := range t.List {
		kw = max(kw, lipgloss.Width(it[0]))
	}
	for _, it := range t.List {
		k := s.Value.Render(it[0]) + strings.Repeat(" ", kw-lipgloss.Width(it[0])+2)
		if w-kw-2 < 12 { // too narrow for a column: the meaning below its code
			parts = append(parts, s.Value.Render(it[0]), indent(wrap(s.Text.Render(it[1]), max(w-2, 1)), 2))
			continue
		}
		parts = append(parts, trimLines(lipgloss.JoinHorizontal(lipgloss.Top, k, wrap(s.Text.Render(it[1]), w-kw-2))))
	}
	return strings.Join(parts, "\n")
}

// wrap wraps text to w columns, without padding.
func wrap(text string, w int) string {
	return trimLines(lipgloss.NewStyle().Width(max(w, 1)).Render(text))
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
