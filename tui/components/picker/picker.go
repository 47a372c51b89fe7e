// Package picker offers the single values of a result or an exchange (a
// CAVV, an id) to copy one: to the clipboard, or to a file when the
// clipboard cannot be reached.
package picker

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/filter"
	"github.com/walletsim/walletsim/tui/export"
)

// Model is the picker.
type Model struct {
	c      *common.Common
	title  string
	values []flows.Field
	cursor int // index into values
	filter *filter.Model
	status string
	w, h   int
	// SaveDir is where w saves a value.
	SaveDir string
}

// New builds an empty picker.
func New(c *common.Common) *Model { return &Model{c: c, filter: filter.New(c), SaveDir: "."} }

// Offer sets the values to pick from.
func (m *Model) Offer(title string, values []flows.Field) {
	m.title, m.values, m.cursor, m.status = title, values, 0, ""
	m.filter = filter.New(m.c)
}

// SetSize sets the picker's size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// Owns: the filter's keys.
func (m *Model) Owns(km tea.KeyMsg) bool { return m.filter.Owns(km) }

// visible are the values the filter lets through.
func (m *Model) visible() []int {
	var out []int
	for i, v := range m.values {
		if m.filter.Match(v.Label + " " + v.Value) {
			out = append(out, i)
		}
	}
	return out
}

// Update moves, copies, saves and filters.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		vis := m.visible()
		switch {
		case msg.Button == tea.MouseButtonWheelUp && msg.Action == tea.MouseActionPress:
			m.move(vis, -1)
		case msg.Button == tea.MouseButtonWheelDown && msg.Action == tea.MouseActionPress:
			m.move(vis, 1)
		case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionRelease:
			if r := m.start(vis) + msg.Y - 2; msg.Y >= 2 && r < len(vis) {
				if vis[r] == m.cursor {
					m.copy()
				}
				m.cursor = vis[r]
			}
		}
	}
	return m, nil
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	vis := m.visible()
	if m.filter.Owns(km) {
		_, cmd := m.filter.Update(km)
		if vis = m.visible(); len(vis) > 0 && !contains(vis, m.cursor) {
			m.cursor = vis[0]
		}
		return cmd
	}
	switch {
	case key.Matches(km, k.Up):
		m.move(vis, -1)
	case key.Matches(km, k.Down):
		m.move(vis, 1)
	case key.Matches(km, k.Enter), key.Matches(km, k.CopyValue):
		m.copy()
	case key.Matches(km, k.Write):
		m.save()
	case key.Matches(km, k.Filter):
		return m.filter.Start()
	}
	return nil
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (m *Model) move(vis []int, d int) {
	for i, v := range vis {
		if v == m.cursor {
			m.cursor = vis[min(max(i+d, 0), len(vis)-1)]
			return
		}
	}
	if len(vis) > 0 {
		m.cursor = vis[0]
	}
}

// copy puts the value under the cursor on the clipboard, and says what
// was done.
func (m *Model) copy() {
	if m.cursor >= len(m.values) {
		return
	}
	v := m.values[m.cursor]
	said, err := m.c.Copy(v.Value)
	if err != nil {
		m.status = "Could not copy " + v.Label + ": " + err.Error() + ". w saves it to a file."
		return
	}
	m.status = v.Label + " " + said + ". Nothing arrived? w saves it to a file."
}

// save writes the value under the cursor to a new file.
func (m *Model) save() {
	if m.cursor >= len(m.values) {
		return
	}
	v := m.values[m.cursor]
	path, err := export.Save(m.SaveDir, "walletsim-value-"+export.SafeName(v.Label), ".txt", []byte(v.Value+"\n"))
	if err != nil {
		m.status = "Could not save " + v.Label + ": " + err.Error()
		return
	}
	m.status = "Saved " + v.Label + " to " + path
}

// rows is how many values fit.
func (m *Model) rows() int { return max(m.h-5, 1) }

func (m *Model) start(vis []int) int {
	at := 0
	for i, v := range vis {
		if v == m.cursor {
			at = i
		}
	}
	return min(max(0, at-m.rows()/2), max(0, len(vis)-m.rows()))
}

// View draws the picker, w×h.
func (m *Model) View() string {
	s := m.c.Styles
	lines := []string{s.Title.Render(m.title), ""}
	vis := m.visible()
	labelW := 0
	for _, v := range m.values {
		labelW = max(labelW, ansi.StringWidth(v.Label))
	}
	labelW = min(labelW, max(m.w/3, 8))
	start := m.start(vis)
	for _, i := range vis[start:min(len(vis), start+m.rows())] {
		v := m.values[i]
		label := ansi.Truncate(v.Label, labelW, "…")
		line := fmt.Sprintf("%-*s  %s", labelW, label, strings.ReplaceAll(v.Value, "\n", " "))
		line = ansi.Truncate(line, max(m.w-2, 4), "…")
		if i == m.cursor {
			lines = append(lines, s.Selected.Render("▸ "+line))
		} else {
			lines = append(lines, "  "+line)
		}
	}
	if len(vis) == 0 {
		lines = append(lines, s.Subtle.Render("  Nothing matches the filter."))
	}
	if f := m.filter.View(len(vis), len(m.values)); f != "" {
		lines = append(lines, "", f)
	}
	if m.status != "" {
		lines = append(lines, "", s.Accent.Render(ansi.Wrap(m.status, max(m.w, 10), "")))
	}
	return strings.Join(lines, "\n")
}

// ShortHelp is the picker's keys.
func (m *Model) ShortHelp() []key.Binding {
	if m.filter.Typing() {
		return m.filter.Help()
	}
	k := m.c.Keys
	enter := k.Enter
	enter.SetHelp("enter", "copy")
	write := k.Write
	write.SetHelp("w", "save to a file")
	return append([]key.Binding{k.Move, enter, write}, m.filter.Help()...)
}

// FullHelp is the picker's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
