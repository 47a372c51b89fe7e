package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// overlay is a panel drawn over the page.
type overlay int

const (
	noOverlay overlay = iota
	inspectorOverlay
	glossaryOverlay
	explainerOverlay
	keysOverlay
	phoneOverlay
	pickerOverlay
	messagesOverlay
)

// crumb names an overlay in the header.
func (o overlay) crumb() string {
	return [...]string{"", "HTTP inspector", "Glossary", "What just happened", "Keys", "Phone", "Copy a value", "EMV messages"}[o]
}

// panel is an overlay as the router sees it.
type panel interface {
	help.KeyMap
	View() string
	Owns(tea.KeyMsg) bool
}

// panel is the open overlay's panel (nil without one).
func (a *App) panel() panel {
	switch a.overlay {
	case inspectorOverlay:
		return a.insp
	case glossaryOverlay:
		return a.gloss
	case explainerOverlay:
		return a.expl
	case keysOverlay:
		return a.keys
	case phoneOverlay:
		return phonePanel{a.phone}
	case pickerOverlay:
		return a.picker
	case messagesOverlay:
		return a.msgs
	}
	return nil
}

// updateOverlay gives msg to the open overlay.
func (a *App) updateOverlay(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch a.overlay {
	case inspectorOverlay:
		a.insp, cmd = a.insp.Update(msg)
	case glossaryOverlay:
		a.gloss, cmd = a.gloss.Update(msg)
	case explainerOverlay:
		a.expl, cmd = a.expl.Update(msg)
	case keysOverlay:
		a.keys, cmd = a.keys.Update(msg)
	case phoneOverlay:
		if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, a.c.Keys.PageUp, a.c.Keys.PageDown) {
			a.phone.Scroll(map[bool]int{true: -a.lay.body / 2, false: a.lay.body / 2}[km.Type == tea.KeyPgUp])
			return nil
		}
		a.phone, cmd = a.phone.Update(msg)
	case pickerOverlay:
		a.picker, cmd = a.picker.Update(msg)
	case messagesOverlay:
		a.msgs, cmd = a.msgs.Update(msg)
	}
	return cmd
}

// show opens (or, when it is open, closes) an overlay.
func (a *App) show(o overlay) {
	if a.overlay == o {
		o = noOverlay
	}
	if a.overlay == explainerOverlay {
		a.explain = false
	}
	a.overlay = o
	switch o {
	case inspectorOverlay:
		a.insp.Open()
	case keysOverlay:
		a.keys.Show(a.page.Title(), a.screenKeys())
	case phoneOverlay:
		a.phone.Scroll(-1 << 20)
	}
	a.relayout()
}

// toggleExplainer turns the explainer on or off: docked under the page
// when the terminal is tall enough, else over it.
func (a *App) toggleExplainer() {
	if a.overlay == explainerOverlay || a.explain && a.overlay == noOverlay {
		a.explain, a.overlay = false, noOverlay
		a.relayout()
		return
	}
	a.explain = true
	if !a.dockable() {
		a.overlay = explainerOverlay
	} else {
		a.overlay = noOverlay
	}
	a.relayout()
}

// phonePanel is the phone as an overlay.
type phonePanel struct{ phone phoneModel }

type phoneModel interface {
	help.KeyMap
	View() string
}

func (p phonePanel) ShortHelp() []key.Binding  { return p.phone.ShortHelp() }
func (p phonePanel) FullHelp() [][]key.Binding { return p.phone.FullHelp() }
func (p phonePanel) View() string              { return p.phone.View() }
func (p phonePanel) Owns(tea.KeyMsg) bool      { return false }

// screenKeys is every key of the page and, when it is shown, the phone.
func (a *App) screenKeys() help.KeyMap {
	groups := a.page.FullHelp()
	if a.page.WantsPhone() {
		groups = append(groups, a.phone.FullHelp()...)
	}
	return fullHelp(groups)
}

type fullHelp [][]key.Binding

func (f fullHelp) ShortHelp() []key.Binding  { return nil }
func (f fullHelp) FullHelp() [][]key.Binding { return f }
