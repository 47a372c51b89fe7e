package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// wheelLines is how far one turn of the wheel scrolls.
const wheelLines = 3

// mouse routes a mouse event to the panel under the pointer, in that
// panel's coordinates: the open overlay, the page (in its content's lines,
// scrolled), the phone beside it, or the explainer docked under it.
func (a *App) mouse(m tea.MouseMsg) tea.Cmd {
	l := a.lay
	m.Y-- // the header
	if m.Y < 0 || m.Y >= l.body {
		return nil
	}
	switch {
	case a.overlay == phoneOverlay:
		m.X -= (l.w - min(l.w, OverlayPhoneWidth)) / 2
		return a.updateOverlay(m)
	case a.overlay != noOverlay:
		return a.updateOverlay(m)
	case m.Y >= l.pageH:
		m.Y -= l.pageH
		var cmd tea.Cmd
		a.expl, cmd = a.expl.Update(m)
		return cmd
	case m.X >= l.pageW:
		if l.phoneW == 0 {
			return nil
		}
		m.X -= l.pageW + 1
		var cmd tea.Cmd
		a.phone, cmd = a.phone.Update(m)
		return cmd
	}
	return a.pageMouse(m)
}

// pageMouse: the wheel scrolls a page taller than its area; otherwise the
// page has the event (a list moves its cursor, a click picks a row), at
// the line of its content under the pointer.
func (a *App) pageMouse(m tea.MouseMsg) tea.Cmd {
	wheel := map[tea.MouseButton]int{tea.MouseButtonWheelUp: -wheelLines, tea.MouseButtonWheelDown: wheelLines}[m.Button]
	if content := a.page.View(); wheel != 0 && a.pane.Overflows(content) {
		if m.Action == tea.MouseActionPress {
			a.pane.Scroll(wheel, content)
		}
		return nil
	}
	m.Y += a.pane.Offset()
	var cmd tea.Cmd
	a.page, cmd = a.page.Update(m)
	return cmd
}
