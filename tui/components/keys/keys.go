// Package keys is the "?" overlay: every key of the screen the person is
// on and of the app, from their key maps, with the rule that decides who
// gets a key while a text field has focus.
package keys

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/keymap"
)

// Model is the keys overlay.
type Model struct {
	c      *common.Common
	w, h   int
	vp     viewport.Model
	help   help.Model
	screen [][]key.Binding
	title  string
	stale  bool // the size changed since the keys were laid out
}

// New builds the overlay.
func New(c *common.Common) *Model {
	m := &Model{c: c, vp: viewport.New(0, 0), help: help.New()}
	m.vp.KeyMap = viewport.KeyMap{Up: c.Keys.Up, Down: c.Keys.Down, PageUp: c.Keys.PageUp, PageDown: c.Keys.PageDown}
	return m
}

// Show sets what the overlay lists: the keys of the screen called title.
func (m *Model) Show(title string, screen help.KeyMap) {
	m.title, m.screen = title, screen.FullHelp()
	m.layout()
	m.vp.GotoTop()
}

// SetSize sizes the overlay w×h; it is laid out when next shown (the app
// sizes every overlay on each resize, shown or not).
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.stale = true
}

func (m *Model) fresh() {
	if m.stale {
		m.layout()
	}
}

func (m *Model) layout() {
	m.stale = false
	m.vp.Width, m.vp.Height = max(m.w, 1), max(m.h, 1)
	m.vp.SetContent(m.content())
}

// Global is the app's own keys, by group.
func Global(k keymap.KeyMap) [][]key.Binding {
	return [][]key.Binding{
		{k.Explain, k.Inspect, k.Glossary, k.Help},
		{k.Save, k.Phone, k.Learn, k.Back, k.Quit, k.ForceQuit},
		{k.Scroll, k.Filter, k.LeaveField, k.EnterField},
	}
}

func (m *Model) content() string {
	s := m.c.Styles
	w := max(m.w-2, 20)
	m.help.Width = w
	para := func(text string) string { return s.Subtle.Render(lipgloss.NewStyle().Width(w).Render(text)) }
	parts := []string{
		s.Title.Render("Keys on this screen") + s.Subtle.Render(" · "+m.title),
		m.help.FullHelpView(m.screen),
		"",
		s.Title.Render("Keys on every screen"),
		m.help.FullHelpView(Global(m.c.Keys)),
		"",
		s.Subtitle.Render("Who gets a key"),
		para(keymap.Rule),
		"",
		s.Subtitle.Render("The phone"),
		para("Hold space to scan the fingerprint: terminals report no key release, so the scan lasts while your " +
			"key repeat keeps sending space, and stops as soon as the repeats do. Without key repeat, press v " +
			"and confirm with y. r rejects. On the embedded sandbox, t moves the test clock on: to just before " +
			"the request expires, then past it."),
		"",
		s.Subtitle.Render("The mouse"),
		para("The wheel scrolls the panel under the pointer; a click picks a row. Start walletsim with --no-mouse " +
			"to leave the mouse to your terminal (for selecting text)."),
		"",
		para("S saves what you did as a scenario that `walletsim run` replays."),
	}
	return lipgloss.NewStyle().Padding(0, 1).Render(strings.Join(parts, "\n"))
}

// Owns: nothing; the overlay has no field.
func (m *Model) Owns(tea.KeyMsg) bool { return false }

// Update scrolls.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	m.fresh()
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return m, cmd
}

// View draws the overlay, w×h.
func (m *Model) View() string {
	m.fresh()
	return m.vp.View()
}

// ShortHelp is the overlay's keys.
func (m *Model) ShortHelp() []key.Binding {
	m.fresh()
	if m.vp.TotalLineCount() > m.vp.Height {
		return []key.Binding{m.c.Keys.Move, m.c.Keys.Scroll}
	}
	return nil
}

// FullHelp is the overlay's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
