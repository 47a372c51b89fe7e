// Package filter is the "/" of every list: type to narrow the list to the
// rows that contain every word typed, enter keeps the filter and goes back
// to the list, esc clears it.
package filter

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/keymap"
)

// Model is a list's filter.
type Model struct {
	c     *common.Common
	input textinput.Model
}

// New builds an empty filter.
func New(c *common.Common) *Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "type to filter"
	in.CharLimit = 80
	return &Model{c: c, input: in}
}

// Typing reports whether the filter's field has focus.
func (m *Model) Typing() bool { return m.input.Focused() }

// Active reports whether a filter is set.
func (m *Model) Active() bool { return m.input.Value() != "" }

// Query is what was typed.
func (m *Model) Query() string { return m.input.Value() }

// Owns reports whether the filter takes km: while typing, what a text
// field takes, and enter; once set, esc (which clears it).
func (m *Model) Owns(km tea.KeyMsg) bool {
	if m.Typing() {
		return keymap.TextField(km) || km.Type == tea.KeyEnter
	}
	return m.Active() && km.Type == tea.KeyEscape
}

// Start focuses the filter's field.
func (m *Model) Start() tea.Cmd { return m.input.Focus() }

// Update takes a key; it reports whether the query changed.
func (m *Model) Update(km tea.KeyMsg) (bool, tea.Cmd) {
	before := m.Query()
	switch {
	case key.Matches(km, m.c.Keys.Back):
		m.input.SetValue("")
		m.input.Blur()
	case km.Type == tea.KeyEnter:
		m.input.Blur()
	default:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(km)
		return m.Query() != before, cmd
	}
	return m.Query() != before, nil
}

// Match reports whether text contains every word of the query, ignoring
// case.
func (m *Model) Match(text string) bool {
	text = strings.ToLower(text)
	for _, w := range strings.Fields(strings.ToLower(m.Query())) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// View is the filter's line: the field while typing, the query once set,
// "" otherwise.
func (m *Model) View(shown, total int) string {
	s := m.c.Styles
	switch {
	case m.Typing():
		return m.input.View() + s.Subtle.Render("  enter keeps it · esc clears")
	case m.Active():
		return s.Accent.Render("/"+m.Query()) + s.Subtle.Render(" · "+count(shown, total)+" · esc clears")
	}
	return ""
}

func count(shown, total int) string {
	return strconv.Itoa(shown) + " of " + strconv.Itoa(total) + " shown"
}

// Help is the filter's keys for a help bar.
func (m *Model) Help() []key.Binding {
	k := m.c.Keys
	switch {
	case m.Typing():
		enter := k.Enter
		enter.SetHelp("enter", "keep filter")
		clear := k.Back
		clear.SetHelp("esc", "clear filter")
		return []key.Binding{enter, clear}
	case m.Active():
		clear := k.Back
		clear.SetHelp("esc", "clear filter")
		return []key.Binding{k.Filter, clear}
	}
	return []key.Binding{k.Filter}
}
