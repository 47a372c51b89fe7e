// Package helpbar is the TUI's last line: the keys that work right now,
// from the focused page's and the app's key maps, or for a few seconds a
// notice of what just happened (wrapped to up to three lines).
package helpbar

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/tui/common"
)

// NoticeFor is how long a notice stays, on the session's clock.
const NoticeFor = 5 * time.Second

// MaxLines bounds a notice's height.
const MaxLines = 3

// Model is the help bar.
type Model struct {
	c        *common.Common
	help     help.Model
	w        int
	notice   string
	noticeAt time.Time
}

type expireMsg struct{ at time.Time }

// New builds the help bar.
func New(c *common.Common) *Model {
	h := help.New()
	h.ShortSeparator = " • "
	return &Model{c: c, help: h}
}

// SetWidth sets the bar's width.
func (m *Model) SetWidth(w int) {
	m.w = w
	m.help.Width = max(w-2, 0)
}

// Notify shows text instead of the keys for NoticeFor.
func (m *Model) Notify(text string) tea.Cmd {
	m.notice, m.noticeAt = text, m.c.Now()
	return m.tick()
}

func (m *Model) tick() tea.Cmd {
	at := m.noticeAt
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return expireMsg{at} })
}

// Update ends a notice whose time is up.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	e, ok := msg.(expireMsg)
	switch {
	case !ok || !e.at.Equal(m.noticeAt) || m.notice == "":
		return nil
	case m.c.Now().Sub(m.noticeAt) < NoticeFor:
		return m.tick() // the session's clock decides (a test's stands still)
	}
	m.notice = ""
	return nil
}

// Height is how many lines the bar takes: 1, or up to MaxLines for a long
// notice.
func (m *Model) Height() int { return len(m.noticeLines()) }

func (m *Model) noticeLines() []string {
	if m.notice == "" || m.w <= 2 {
		return []string{""}
	}
	lines := strings.Split(ansi.Wrap(m.notice, m.w-2, ""), "\n")
	if len(lines) > MaxLines {
		lines = lines[:MaxLines]
		lines[MaxLines-1] = ansi.Truncate(lines[MaxLines-1]+" …", m.w-2, "…")
	}
	return lines
}

// View draws the notice, or as many of keys as fit whole (never a key cut
// in half). When not all fit, the app's x and i go first (they work on
// every screen, and ? lists them), then the page's keys from the last;
// the app's q and ? at the end stay, and so does the last key in any case.
func (m *Model) View(keys []key.Binding) string {
	s := m.c.Styles
	bar := s.Help.Width(max(m.w, 0))
	if m.notice != "" {
		lines := m.noticeLines()
		for i, l := range lines {
			lines[i] = bar.Render(s.Accent.Render(l))
		}
		return strings.Join(lines, "\n")
	}
	return bar.Render(m.fit(keys))
}

// fit renders the enabled keys that fit in the bar's width.
func (m *Model) fit(keys []key.Binding) string {
	k := m.c.Keys
	always := []key.Binding{k.Quit, k.Help, k.ForceQuit}
	spare := []key.Binding{k.Explain, k.Inspect}
	var on []key.Binding
	for _, b := range keys {
		if b.Enabled() && b.Help().Key != "" {
			on = append(on, b)
		}
	}
	if len(on) == 0 {
		return ""
	}
	n := 1 // the last key, and the app's keys before it
	for n < len(on) && among(on[len(on)-n-1], always) {
		n++
	}
	head, tail := on[:len(on)-n], on[len(on)-n:]
	tries := [][]key.Binding{on}
	for i := len(head) - 1; i >= 0; i-- { // the spare keys go first…
		if among(head[i], spare) {
			head = append(head[:i:i], head[i+1:]...)
			tries = append(tries, append(head[:len(head):len(head)], tail...))
		}
	}
	for i := len(head) - 1; i >= 0; i-- { // …then the page's, from the last…
		tries = append(tries, append(head[:i:i], tail...))
	}
	for i := 1; i < len(tail); i++ { // …then the app's, from the first
		tries = append(tries, tail[i:])
	}
	for _, shown := range tries {
		if v := m.help.ShortHelpView(shown); lipgloss.Width(v) <= m.w-2 && !strings.HasSuffix(ansi.Strip(v), "…") {
			return v
		}
	}
	return ""
}

// among reports whether b is one of keys (by the keys it answers).
func among(b key.Binding, keys []key.Binding) bool {
	for _, k := range keys {
		if slices.Equal(b.Keys(), k.Keys()) {
			return true
		}
	}
	return false
}
