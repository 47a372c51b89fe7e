// Package tui is walletsim's terminal UI: a guided, teachable walkthrough
// of enrollment, authentication and biometric approval. It drives flows and
// renders their events; it makes no HTTP calls itself.
//
// The App is a router: it switches pages, opens overlays (the explainer,
// the HTTP inspector, the glossary, the keys, the phone, the value picker),
// lays them out when the size changes, and routes keys and the mouse by one
// rule (see package keymap). Everything it draws is a component: the
// header, the page in a scrolling pane, the phone, the help bar.
package tui

import (
	"context"
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/explainer"
	"github.com/walletsim/walletsim/tui/components/glossary"
	"github.com/walletsim/walletsim/tui/components/header"
	"github.com/walletsim/walletsim/tui/components/helpbar"
	"github.com/walletsim/walletsim/tui/components/inspector"
	"github.com/walletsim/walletsim/tui/components/keys"
	"github.com/walletsim/walletsim/tui/components/messages"
	"github.com/walletsim/walletsim/tui/components/pane"
	"github.com/walletsim/walletsim/tui/components/phone"
	"github.com/walletsim/walletsim/tui/components/picker"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/recorder"
	"github.com/walletsim/walletsim/tui/styles"
)

// App is the root model.
type App struct {
	c      *common.Common
	opts   Options
	cancel context.CancelFunc

	pageID common.PageID
	page   common.Page
	pane   *pane.Model // the page's window, when it is taller than its area
	phone  *phone.Model
	insp   *inspector.Model
	expl   *explainer.Model
	gloss  *glossary.Model
	keys   *keys.Model
	picker *picker.Model
	msgs   *messages.Model
	header *header.Model
	bar    *helpbar.Model

	overlay overlay
	explain bool // the explainer is on (docked or over the page)
	lay     layout
	ready   bool
}

type eventMsg flows.Event

// New builds the app on an open session.
func New(opts Options) *App {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := styles.New()
	c := &common.Common{Styles: s, Keys: keymap.New(), Session: opts.Session, Ctx: ctx, OpenURL: opts.OpenURL,
		Copy: opts.Copy, Clock: opts.Clock, Learn: opts.Learn, EMV: map[string][]emv.Step{}, Recorder: recorder.New(opts.Session.Target.Name, opts.Session.Now)}
	a := &App{c: c, opts: opts, cancel: cancel, pane: pane.New(s, "pgup/pgdn, wheel")}
	a.useCard(opts.card())
	a.phone, a.insp, a.expl = phone.New(c), inspector.New(c), explainer.New(c)
	a.gloss, a.keys, a.picker = glossary.New(c), keys.New(c), picker.New(c)
	a.header, a.bar = header.New(c), helpbar.New(c)
	a.msgs = messages.New(s, c.Keys)
	a.insp.SaveDir, a.picker.SaveDir = opts.SaveDir, opts.SaveDir
	a.expl.More = "X to read it all"
	a.pageID, a.page = opts.Start, a.newPage(opts.Start)
	return a
}

// useCard makes c the card in use; it reports whether that started a new
// recording.
func (a *App) useCard(c common.Card) bool {
	a.c.Card = c
	return a.c.Recorder.UseCard(scenario.Card{Number: c.Number, Month: c.Month, Year: c.Year,
		CardholderID: c.Flows.CardholderID, WalletID: c.Flows.WalletID, CardID: c.Flows.CardID, CustomerID: c.Flows.CustomerID})
}

// Close stops everything the app started.
func (a *App) Close() { a.cancel() }

// Init starts the phone's wallet listening and the event stream.
func (a *App) Init() tea.Cmd { return tea.Batch(a.waitEvent(), a.phone.Init(), a.page.Init()) }

func (a *App) waitEvent() tea.Cmd {
	events, done := a.opts.Events, a.c.Ctx.Done()
	if events == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case e := <-events:
			return eventMsg(e)
		case <-done:
			return nil
		}
	}
}

// open switches to the page id names.
func (a *App) open(id common.PageID) tea.Cmd {
	a.pageID, a.page, a.overlay = id, a.newPage(id), noOverlay
	a.pane.Top()
	a.relayout()
	return a.page.Init()
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.lay.w, a.lay.h, a.ready = msg.Width, msg.Height, true
		a.relayout()
		if a.explain && a.overlay == noOverlay && !a.dockable() {
			a.overlay = explainerOverlay // too short to dock it now
			a.relayout()
		}
		return a, nil
	case tea.KeyMsg:
		return a, a.key(msg)
	case tea.MouseMsg:
		return a, a.mouse(msg)
	case eventMsg:
		e := flows.Event(msg)
		if e.Exchange != nil {
			a.insp.Add(*e.Exchange)
		}
		a.expl.Observe(e)
		return a, tea.Batch(a.waitEvent(), a.toPhoneAndPage(common.EventMsg(e)))
	case common.GoMsg:
		return a, a.open(msg.Page)
	case common.CardMsg:
		text := "Card: " + msg.Card.Label()
		if a.useCard(msg.Card) {
			text += " (a new card starts a new recording for S)"
		}
		cmd := a.notify(text)
		if a.pageID == common.Cards {
			return a, tea.Batch(cmd, a.open(common.Home))
		}
		return a, cmd
	case common.NoticeMsg:
		return a, a.notify(msg.Text)
	case common.ShiftClockMsg:
		return a, a.shiftClock(msg.By)
	case common.MessagesMsg:
		a.msgs.Show(msg.Title, msg.Steps)
		a.overlay = noOverlay
		a.show(messagesOverlay)
		return a, nil
	case common.MessagesReadMsg:
		a.c.EMV[msg.ID] = msg.Steps
		a.expl.SetMessages(msg.ID, msg.Steps)
		return a, nil
	case common.CopyMsg:
		a.picker.Offer(msg.Title, msg.Values)
		a.overlay = noOverlay
		a.show(pickerOverlay)
		return a, nil
	}
	cmd := a.bar.Update(msg)
	return a, tea.Batch(cmd, a.toPhoneAndPage(msg))
}

// toPhoneAndPage gives msg to the phone and the page; each ignores what is
// not its own.
func (a *App) toPhoneAndPage(msg tea.Msg) tea.Cmd {
	var pc, gc tea.Cmd
	a.phone, pc = a.phone.Update(msg)
	a.page, gc = a.page.Update(msg)
	return tea.Batch(pc, gc)
}

func (a *App) notify(text string) tea.Cmd {
	cmd := a.bar.Notify(text)
	a.relayout() // a long notice takes two lines
	return cmd
}

// key routes a key by the rule: ctrl+c quits; a key the focused panel owns
// (what its text field types) is its own; then the app's keys, the open
// overlay, the phone while it is shown, the page's scrolling, the page.
func (a *App) key(km tea.KeyMsg) tea.Cmd {
	k := a.c.Keys
	if key.Matches(km, k.ForceQuit) {
		return a.quit()
	}
	if a.owns(km) {
		if a.overlay != noOverlay {
			return a.updateOverlay(km)
		}
		var cmd tea.Cmd
		a.page, cmd = a.page.Update(km)
		return cmd
	}
	if cmd, ok := a.global(km); ok {
		return cmd
	}
	if a.overlay != noOverlay {
		return a.updateOverlay(km)
	}
	if a.page.WantsPhone() && a.phone.Wants(km) {
		var cmd tea.Cmd
		a.phone, cmd = a.phone.Update(km)
		return cmd
	}
	if content := a.page.View(); key.Matches(km, k.PageUp, k.PageDown) && a.pane.Overflows(content) {
		a.pane.Scroll(map[bool]int{true: -a.pane.Page(), false: a.pane.Page()}[key.Matches(km, k.PageUp)], content)
		return nil
	}
	var cmd tea.Cmd
	a.page, cmd = a.page.Update(km)
	return cmd
}

// owns reports whether the focused panel (the overlay, else the page)
// takes km before the app.
func (a *App) owns(km tea.KeyMsg) bool {
	if p := a.panel(); p != nil {
		return p.Owns(km)
	}
	return a.page.Owns(km)
}

// global handles the app's own keys; ok is false for any other key.
func (a *App) global(km tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	k := a.c.Keys
	switch {
	case key.Matches(km, k.Quit):
		return a.quit(), true
	case key.Matches(km, k.Back) && a.overlay != noOverlay:
		a.show(a.overlay) // closes it
	case key.Matches(km, k.Explain):
		a.toggleExplainer()
	case key.Matches(km, k.ExplainAll):
		a.show(explainerOverlay)
		a.explain = a.overlay == explainerOverlay
	case key.Matches(km, k.Inspect):
		a.show(inspectorOverlay)
	case key.Matches(km, k.Glossary):
		a.show(glossaryOverlay)
	case key.Matches(km, k.Help):
		a.show(keysOverlay)
	case key.Matches(km, k.Phone):
		a.show(phoneOverlay)
	case key.Matches(km, k.Save):
		return a.save(), true
	case key.Matches(km, k.Learn) && a.c.Learn != nil:
		return a.open(common.Course), true
	default:
		return nil, false
	}
	return nil, true
}

func (a *App) quit() tea.Cmd {
	a.cancel()
	return tea.Quit
}

// save writes what the person did as a scenario file, never over another.
func (a *App) save() tea.Cmd {
	path, steps, err := a.c.Recorder.Save(a.opts.SaveDir)
	switch {
	case errors.Is(err, recorder.ErrEmpty):
		return a.notify("Nothing to save yet: enroll or pay first, then press S.")
	case err != nil:
		return a.notify("Could not save the scenario: " + err.Error())
	}
	what := fmt.Sprintf("%d steps", steps)
	if steps == 1 {
		what = "1 step"
	}
	return a.notify("Saved " + what + ". Replay: walletsim run " + path)
}

func (a *App) View() string {
	if !a.ready {
		return "walletsim is starting…"
	}
	crumbs := []string{a.page.Title()}
	if a.overlay != noOverlay {
		crumbs = append(crumbs, a.overlay.crumb())
	}
	return lipgloss.JoinVertical(lipgloss.Left, a.header.View(crumbs...), a.body(), a.bar.View(a.ShortHelp()))
}
