// Package messages shows an authentication's EMV 3-D Secure messages: an
// ordered list of who sent which message to whom ("3. ARes  Issuer ACS →
// Directory Server"), each expandable into its fields with a one-line
// meaning from the EMV glossary (emv.Meaning) and, for a coded value, what
// the code means (emv.CodeMeaning).
//
// It shows only messages it is given, never made-up ones: a screen that
// has none for an exchange offers no key to open them.
package messages

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

// Model is the list of messages, w×h, scrolling.
type Model struct {
	s     *styles.Styles
	k     keymap.KeyMap
	title string
	steps []emv.Step
	open  map[int]bool
	cur   int
	off   int
	w, h  int
}

// New builds an empty message view.
func New(s *styles.Styles, k keymap.KeyMap) *Model {
	return &Model{s: s, k: k, open: map[int]bool{}}
}

// Show sets the messages to show, under title; all are closed.
func (m *Model) Show(title string, steps []emv.Step) {
	m.title, m.steps, m.open, m.cur, m.off = title, steps, map[int]bool{}, 0, 0
}

// Len is how many messages there are.
func (m *Model) Len() int { return len(m.steps) }

// SetSize sets the view's size.
func (m *Model) SetSize(w, h int) { m.w, m.h = max(w, 20), max(h, 3) }

// Owns: the view has no text field.
func (m *Model) Owns(tea.KeyMsg) bool { return false }

func (m *Model) ShortHelp() []key.Binding {
	k := m.k
	expand := k.Enter
	expand.SetHelp("enter", "fields")
	if m.open[m.cur] {
		expand.SetHelp("enter", "close")
	}
	if len(m.steps) == 0 {
		return nil
	}
	return []key.Binding{k.Move, expand, k.CopyValue, k.Scroll}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// Update moves between messages, opens and closes one, scrolls.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || len(m.steps) == 0 {
		return m, nil
	}
	k := m.k
	switch {
	case key.Matches(km, k.Up):
		m.cur = max(m.cur-1, 0)
	case key.Matches(km, k.Down):
		m.cur = min(m.cur+1, len(m.steps)-1)
	case key.Matches(km, k.Enter):
		m.open[m.cur] = !m.open[m.cur]
	case key.Matches(km, k.PageUp):
		m.off -= m.rows() - 1
		return m, nil
	case key.Matches(km, k.PageDown):
		m.off += m.rows() - 1
		return m, nil
	case key.Matches(km, k.Top):
		m.cur = 0
	case key.Matches(km, k.Bottom):
		m.cur = len(m.steps) - 1
	case key.Matches(km, k.CopyValue):
		// A value to paste where it is asked for (a course exercise's
		// answer, a bug report): a CAVV or an id is long to retype.
		return m, m.offer()
	default:
		return m, nil
	}
	m.follow()
	return m, nil
}

// offer offers the selected message's fields to copy.
func (m *Model) offer() tea.Cmd {
	st := m.steps[m.cur]
	var values []flows.Field
	for _, f := range fieldsOf(st.Message) {
		values = append(values, flows.Field{Label: f.name, Value: f.value})
	}
	return common.Offer(fmt.Sprintf("Copy a field of the %s (%s → %s)", st.Message.Type(), st.From, st.To), values)
}

// rows is how many lines of the list show (the title and the "more"
// line take the others).
func (m *Model) rows() int { return max(m.h-2, 1) }

// follow scrolls so that the selected message's line shows.
func (m *Model) follow() {
	top := m.lineOf(m.cur)
	if top < m.off {
		m.off = top
	}
	if top >= m.off+m.rows() {
		m.off = top - m.rows() + 1
	}
}

// lineOf is the first line of message i in the list.
func (m *Model) lineOf(i int) int {
	line := 0
	for j := range i {
		line += len(m.entry(j))
	}
	return line
}

// View draws the title, the visible part of the list and a line saying
// what is above or below, exactly h lines.
func (m *Model) View() string {
	var lines []string
	for i := range m.steps {
		lines = append(lines, m.entry(i)...)
	}
	m.off = min(max(m.off, 0), max(len(lines)-m.rows(), 0))
	end := min(m.off+m.rows(), len(lines))
	out := []string{m.s.Subtitle.Render(cut(m.title, m.w))}
	out = append(out, lines[m.off:end]...)
	more := ""
	switch {
	case m.off > 0 && end < len(lines):
		more = "↑↓ more above and below · pgup/pgdn"
	case m.off > 0:
		more = "↑ more above · pgup"
	case end < len(lines):
		more = "↓ more below · pgdn"
	}
	for len(out) < m.h-1 {
		out = append(out, "")
	}
	out = append(out, m.s.Subtle.Render(more))
	return lipgloss.NewStyle().Width(m.w).MaxWidth(m.w).Render(strings.Join(out[:m.h], "\n"))
}

// entry is the lines of message i: its line, and its fields when open.
func (m *Model) entry(i int) []string {
	st := m.steps[i]
	mark, name := "  ", m.s.Value.Render(fmt.Sprintf("%-4s", st.Message.Type()))
	if i == m.cur {
		mark, name = m.s.Selected.Render("▸ "), m.s.Selected.Render(fmt.Sprintf("%-4s", st.Message.Type()))
	}
	route := string(st.From) + " → " + string(st.To)
	if st.Via != "" {
		route += " (via " + string(st.Via) + ")"
	}
	fold := "+"
	if m.open[i] {
		fold = "−"
	}
	head := cut(fmt.Sprintf("%s%2d %s %s  %s", mark, i+1, fold, name, m.s.Subtle.Render(route)), m.w)
	if !m.open[i] {
		return []string{head}
	}
	return append([]string{head}, Fields(m.s, st.Message, m.w-7, "       ")...)
}

// Fields are a message's fields as lines, width columns wide after
// indent: each "name  value", then what the field means and, for a code,
// what the value means.
func Fields(s *styles.Styles, msg emv.Message, width int, indent string) []string {
	var lines []string
	width = max(width, 20)
	for _, f := range fieldsOf(msg) {
		lines = append(lines, indent+cut(s.Label.Render(f.name)+"  "+s.Value.Render(f.value), width))
		meaning := emv.Meaning(f.name)
		if code := emv.CodeMeaning(f.name, f.value); code != "" {
			meaning = f.value + ": " + code + ". " + meaning
		}
		if meaning == "" {
			continue
		}
		for _, l := range strings.Split(lipgloss.NewStyle().Width(width-2).Render(meaning), "\n") {
			lines = append(lines, indent+"  "+s.Subtle.Render(strings.TrimRight(l, " ")))
		}
	}
	return lines
}

type field struct{ name, value string }

// fieldsOf are the fields a message carries, in EMV's order for its type
// (emv.Fields), values as text: strings as they are, anything else as
// compact JSON.
func fieldsOf(msg emv.Message) []field {
	data, err := json.Marshal(msg)
	if err != nil {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return nil
	}
	var out []field
	for _, name := range emv.Fields(msg.Type()) {
		raw, ok := obj[name]
		if !ok || name == "messageType" { // the entry's line names it
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = string(raw)
		}
		out = append(out, field{name, s})
	}
	return out
}

// cut shortens a line to w columns.
func cut(s string, w int) string {
	return ansi.Truncate(s, w, "…")
}
