// Package pane shows content taller than its area: a window on it that
// scrolls (page keys and the mouse wheel), with its last line saying that
// there is more above or below.
package pane

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/tui/styles"
)

// Model is a scrolling window, w×h.
type Model struct {
	s    *styles.Styles
	w, h int
	off  int
	// Hint names the keys that scroll, for the "more" line.
	Hint string
}

// New builds a pane.
func New(s *styles.Styles, hint string) *Model { return &Model{s: s, Hint: hint} }

// SetSize sets the window's size.
func (m *Model) SetSize(w, h int) { m.w, m.h = max(w, 0), max(h, 0) }

// Top goes back to the top.
func (m *Model) Top() { m.off = 0 }

// Offset is the first content line shown.
func (m *Model) Offset() int { return m.off }

// Scroll moves the window by lines (negative: up) over content.
func (m *Model) Scroll(lines int, content string) {
	m.off = m.clamp(m.off+lines, Height(content))
}

// Page is how far a page key scrolls.
func (m *Model) Page() int { return max(m.rows()-1, 1) }

// rows is how many content lines show when the content overflows (the
// last line says so).
func (m *Model) rows() int { return max(m.h-1, 1) }

func (m *Model) clamp(off, height int) int {
	if height <= m.h {
		return 0
	}
	return min(max(off, 0), height-m.rows())
}

// Overflows reports whether content is taller than the window.
func (m *Model) Overflows(content string) bool { return Height(content) > m.h }

// Height is content's number of lines.
func Height(content string) int { return strings.Count(content, "\n") + 1 }

// View draws the visible part of content, exactly w×h. Lines wider than
// the window are cut, not wrapped: wrapping here would push the last
// lines, and the "more" line, out of sight.
func (m *Model) View(content string) string {
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) > m.w {
			lines[i] = ansi.Truncate(l, m.w, "…")
		}
	}
	if len(lines) > m.h && m.h > 1 {
		off := m.clamp(m.off, len(lines))
		visible := append([]string(nil), lines[off:off+m.rows()]...)
		more := "↓ more below"
		switch {
		case off+m.rows() >= len(lines):
			more = "↑ more above"
		case off > 0:
			more = "↑↓ more above and below"
		}
		if m.Hint != "" {
			more += " · " + m.Hint
		}
		lines = append(visible, m.s.Subtle.Render(ansi.Truncate(more, m.w, "…")))
	}
	return lipgloss.NewStyle().Width(m.w).Height(m.h).MaxHeight(m.h).MaxWidth(m.w).Render(strings.Join(lines, "\n"))
}
