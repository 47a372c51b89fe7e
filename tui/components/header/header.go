// Package header is the TUI's first line: where the person is (walletsim ▸
// page ▸ overlay) on the left; the target, the card and, while it is moved
// forward, the test clock on the right.
package header

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/tui/common"
)

// Model is the header.
type Model struct {
	c *common.Common
	w int
}

// New builds the header.
func New(c *common.Common) *Model { return &Model{c: c} }

// SetWidth sets the header's width.
func (m *Model) SetWidth(w int) { m.w = w }

// View draws the header over crumbs ("Pay online (browser)", "HTTP
// inspector"), one line exactly w wide. When space is short the card's
// label goes first, then the crumbs are cut.
func (m *Model) View(crumbs ...string) string {
	s := m.c.Styles
	left := s.HeaderApp.Render("walletsim")
	for _, c := range crumbs {
		left += " ▸ " + c
	}
	// What the right side says, most important first: what goes when
	// space is short goes from the end.
	var right []string
	if m.c.Shift > 0 {
		right = append(right, s.Warn.Render("test clock +"+m.c.Shift.Round(time.Second).String()))
	}
	right = append(right, s.HeaderInfo.Render(m.c.Session.Target.Name), s.HeaderInfo.Render(m.c.Card.Label()))
	room := m.w - 2
	line := left
	for n := len(right); n > 0; n-- {
		if l := spread(left, strings.Join(right[:n], s.HeaderInfo.Render(" · ")), room); lipgloss.Width(l) <= room {
			line = l
			break
		}
	}
	return s.Header.Width(max(m.w, 0)).Render(ansi.Truncate(line, max(room, 0), "…"))
}

// spread puts left and right at the two ends of width (at least one
// space between them).
func spread(left, right string, width int) string {
	gap := max(width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	return left + strings.Repeat(" ", gap) + right
}
