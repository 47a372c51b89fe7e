package tui

import (
	"github.com/charmbracelet/lipgloss"
)

// Sizes of the layout.
const (
	// PhoneWidth is the phone's width beside the page; below
	// MinPhoneWidth columns it is not beside the page but one key away.
	PhoneWidth    = 32
	MinPhoneWidth = 76
	// The explainer docks under the page when the body has DockFrom
	// rows, taking DockShare of them; otherwise it opens over the page.
	// The choice depends on the terminal's size only, never on what the
	// explainer has to say, so x always does the same thing.
	DockFrom  = 30
	DockShare = 0.4
	// OverlayPhoneWidth is the phone's width when it is opened over the
	// page.
	OverlayPhoneWidth = 44
)

// layout is where everything goes at the current size.
type layout struct {
	w, h         int
	body         int // rows between the header and the help bar
	pageW, pageH int
	phoneW       int // the phone beside the page (0: not beside)
	dockH        int // the explainer docked under the page (0: not docked)
}

// dockable reports whether the explainer docks at this size.
func (a *App) dockable() bool { return a.lay.body >= DockFrom }

// relayout recomputes the layout and gives every component its size. It
// runs on every change of size, page, overlay or help-bar height: never
// in View.
func (a *App) relayout() {
	if !a.ready {
		return
	}
	l := layout{w: a.lay.w, h: a.lay.h}
	a.header.SetWidth(l.w)
	a.bar.SetWidth(l.w)
	l.body = max(l.h-1-a.bar.Height(), 1)
	a.lay = l
	if a.explain && a.overlay == noOverlay && a.dockable() {
		l.dockH = int(float64(l.body) * DockShare)
	}
	a.c.PhoneBeside = a.page.WantsPhone() && l.w >= MinPhoneWidth
	if a.c.PhoneBeside {
		l.phoneW = PhoneWidth
	}
	l.pageH = l.body - l.dockH
	l.pageW = l.w
	if l.phoneW > 0 {
		l.pageW = l.w - l.phoneW - 1
	}
	a.lay = l
	a.c.Width, a.c.Height = l.w, l.body
	a.page.SetSize(l.pageW, l.pageH)
	a.pane.SetSize(l.pageW, l.pageH)
	if a.overlay == phoneOverlay {
		a.phone.SetSize(min(l.w, OverlayPhoneWidth), l.body)
	} else {
		a.phone.SetSize(PhoneWidth, l.pageH)
	}
	a.insp.SetSize(l.w, l.body)
	a.gloss.SetSize(l.w, l.body)
	a.keys.SetSize(l.w, l.body)
	a.picker.SetSize(l.w, l.body)
	a.msgs.SetSize(l.w, l.body)
	if a.overlay == explainerOverlay {
		a.expl.SetSize(l.w, l.body)
	} else {
		a.expl.SetSize(l.w, l.dockH)
	}
}

// body draws everything between the header and the help bar, exactly
// w×body.
func (a *App) body() string {
	l := a.lay
	var body string
	switch {
	case a.overlay == phoneOverlay:
		body = lipgloss.PlaceHorizontal(l.w, lipgloss.Center, a.phone.View())
	case a.overlay != noOverlay:
		body = a.panel().View()
	default:
		body = a.pane.View(a.page.View())
		if l.phoneW > 0 {
			body = lipgloss.JoinHorizontal(lipgloss.Top, body, " ", a.phone.View())
		}
		if l.dockH > 0 {
			body = lipgloss.JoinVertical(lipgloss.Left, body, a.expl.View())
		}
	}
	return lipgloss.NewStyle().Width(l.w).Height(l.body).MaxHeight(l.body).MaxWidth(l.w).Render(body)
}
