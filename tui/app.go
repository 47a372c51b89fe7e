// Package tui is walletsim's terminal UI: a guided, teachable walkthrough
// of enrollment, authentication and biometric approval. It drives flows and
// renders their events; it makes no HTTP calls itself.
//
// Layout: a header (page, target, card), the page with the cardholder's
// phone beside it, and a help bar. The explainer (x), the HTTP inspector
// (i), the glossary (g) and the full help (?) open over the page; the
// explainer sits below it when the terminal is tall enough.
package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/explainer"
	"github.com/walletsim/walletsim/tui/components/glossary"
	"github.com/walletsim/walletsim/tui/components/inspector"
	"github.com/walletsim/walletsim/tui/components/phone"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/pages/cards"
	"github.com/walletsim/walletsim/tui/pages/enroll"
	"github.com/walletsim/walletsim/tui/pages/home"
	"github.com/walletsim/walletsim/tui/pages/pay"
	"github.com/walletsim/walletsim/tui/pages/scenariorun"
	"github.com/walletsim/walletsim/tui/pages/walletinbox"
	"github.com/walletsim/walletsim/tui/styles"
)

// Overlays.
const (
	none      = ""
	inspect   = "inspect"
	glossaryO = "glossary"
	helpO     = "help"
	explainO  = "explain"
)

// PhoneWidth is the phone panel's width; below MinPhoneWidth of terminal
// the phone is left out.
const (
	PhoneWidth    = 32
	MinPhoneWidth = 76
)

// Options configure the app.
type Options struct {
	Session *flows.Session
	// Events is where the session's sink sends its events (see Sink).
	Events <-chan flows.Event
	// Resolve finds targets for running scenarios.
	Resolve func(string) (flows.Target, error)
	// SaveDir is where saved scenarios go (default ".").
	SaveDir string
	// OpenURL opens a URL in the user's browser.
	OpenURL func(string) error
	// Card is the card in use at start (default: the sandbox's Visa
	// challenge card).
	Card *common.Card
}

// App is the root model.
type App struct {
	c        *common.Common
	opts     Options
	cancel   context.CancelFunc
	page     common.Page
	pageName string
	phone    *phone.Model
	insp     *inspector.Model
	expl     *explainer.Model
	gloss    *glossary.Model
	help     help.Model

	overlay   string
	explainOn bool
	notice    string
	noticeAt  time.Time
	w, h      int
	ready     bool
}

type (
	eventMsg  flows.Event
	noticeEnd struct{ at time.Time }
)

// Sink returns a flows.Sink and the channel to give App as Options.Events.
func Sink() (flows.Sink, <-chan flows.Event) {
	ch := make(chan flows.Event, 4096)
	return func(e flows.Event) { ch <- e }, ch
}

// New builds the app on an open session.
func New(opts Options) *App {
	ctx, cancel := context.WithCancel(context.Background())
	if opts.SaveDir == "" {
		opts.SaveDir = "."
	}
	c := &common.Common{
		Styles: styles.New(), Keys: keymap.New(), Session: opts.Session, Ctx: ctx,
		Recorder: scenario.NewRecorder(opts.Session.Target.Name), OpenURL: opts.OpenURL,
	}
	if c.OpenURL == nil {
		c.OpenURL = openBrowser
	}
	c.Card = defaultCard(opts)
	a := &App{c: c, opts: opts, cancel: cancel, help: help.New()}
	a.useCard(c.Card)
	a.phone = phone.New(c)
	a.insp = inspector.New(c)
	a.expl = explainer.New(c)
	a.gloss = glossary.New(c)
	a.page, a.pageName = home.New(c), "home"
	return a
}

func defaultCard(opts Options) common.Card {
	if opts.Card != nil {
		return *opts.Card
	}
	t := opts.Session.Target
	if t.Extensions {
		tc, _ := sandbox.Lookup("4000000000000036")
		return common.TestCard(tc)
	}
	return common.Card{Flows: flows.Card{CardholderID: t.CardholderID, WalletID: t.WalletID, CardID: t.CardID, CustomerID: t.CustomerID}}
}

func (a *App) useCard(c common.Card) bool {
	a.c.Card = c
	return a.c.RecordCard(c)
}

// Close stops everything the app started.
func (a *App) Close() { a.cancel() }

// Init starts the phone's wallet listening and the event stream.
func (a *App) Init() tea.Cmd {
	return tea.Batch(a.waitEvent(), a.phone.Listen(), a.page.Init())
}

func (a *App) waitEvent() tea.Cmd {
	if a.opts.Events == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case e := <-a.opts.Events:
			return eventMsg(e)
		case <-a.c.Ctx.Done():
			return nil
		}
	}
}

// newPage builds a page by name.
func (a *App) newPage(name string) common.Page {
	switch name {
	case "enroll":
		return enroll.New(a.c, false)
	case "manage":
		return enroll.New(a.c, true)
	case "pay-browser":
		return pay.New(a.c, threeds.Browser)
	case "pay-decoupled":
		return pay.New(a.c, threeds.Decoupled)
	case "wallet":
		return walletinbox.New(a.c, a.phone)
	case "scenario":
		return scenariorun.New(a.c, a.opts.Resolve)
	case "cards":
		return cards.New(a.c)
	}
	return home.New(a.c)
}

func (a *App) open(name string) tea.Cmd {
	a.page, a.pageName, a.overlay = a.newPage(name), name, none
	a.layout()
	return a.page.Init()
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.w, a.h, a.ready = msg.Width, msg.Height, true
		a.layout()
		return a, nil
	case eventMsg:
		e := flows.Event(msg)
		if e.Exchange != nil {
			a.insp.Add(*e.Exchange)
		}
		a.expl.Observe(e)
		if a.explainOn && a.overlay == none {
			// The explanation grew or shrank after x was pressed (a step's
			// events can arrive after the page showed its result): place it
			// again, as x would have now.
			if !a.explainFits() {
				a.overlay = explainO
			}
			a.layout()
		}
		return a, a.waitEvent()
	case common.GoMsg:
		return a, a.open(msg.Page)
	case common.HomeMsg:
		return a, a.open("home")
	case common.CardMsg:
		text := "Card: " + msg.Card.Label()
		if a.useCard(msg.Card) || msg.Dropped {
			text += " (a new card starts a new recording for S)"
		}
		cmd := a.setNotice(text)
		if a.pageName == "cards" {
			return a, tea.Batch(cmd, a.open("home"))
		}
		return a, cmd
	case common.NoticeMsg:
		return a, a.setNotice(msg.Text)
	case noticeEnd:
		switch {
		case !msg.at.Equal(a.noticeAt):
		case a.c.Now().Sub(a.noticeAt) < noticeFor:
			return a, a.noticeTick() // the session's clock decides (tests stop it)
		default:
			a.notice = ""
		}
		return a, nil
	case tea.KeyMsg:
		return a, a.key(msg)
	}
	// Everything else goes to the phone and the page; each ignores what
	// is not its own.
	var pc, gc tea.Cmd
	a.phone, pc = a.phone.Update(msg)
	a.page, gc = a.page.Update(msg)
	return a, tea.Batch(pc, gc)
}

// noticeFor is how long a notice stays in the help bar.
const noticeFor = 5 * time.Second

func (a *App) setNotice(text string) tea.Cmd {
	a.notice, a.noticeAt = text, a.c.Now()
	return a.noticeTick()
}

func (a *App) noticeTick() tea.Cmd {
	at := a.noticeAt
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return noticeEnd{at} })
}

// key routes a key: global keys first, then the open overlay, the phone
// (space and r while a request waits), and the page.
func (a *App) key(km tea.KeyMsg) tea.Cmd {
	k := a.c.Keys
	typing := a.overlay == none && a.page.Typing()
	switch {
	case km.String() == "ctrl+c", key.Matches(km, k.Quit) && !typing:
		a.cancel()
		return tea.Quit
	}
	if a.overlay != none {
		return a.overlayKey(km)
	}
	if !typing {
		switch {
		case key.Matches(km, k.Inspect):
			return a.toggle(inspect)
		case key.Matches(km, k.Glossary):
			return a.toggle(glossaryO)
		case key.Matches(km, k.Help):
			return a.toggle(helpO)
		case key.Matches(km, k.Explain):
			a.explainOn = !a.explainOn
			a.layout()
			if a.explainOn && !a.explainFits() {
				a.overlay = explainO
			}
			return nil
		case key.Matches(km, k.Save):
			return a.save()
		}
	}
	if a.phone.Wants(km) && (!typing || km.String() == " " && a.pageName != "scenario" && !a.challengeTyping()) {
		var cmd tea.Cmd
		a.phone, cmd = a.phone.Update(km)
		return cmd
	}
	var cmd tea.Cmd
	a.page, cmd = a.page.Update(km)
	return cmd
}

// challengeTyping: on the challenge page space and r are typed, not
// sent to the phone (no request waits there anyway).
func (a *App) challengeTyping() bool { return a.pageName == "pay-browser" && a.page.Typing() }

func (a *App) toggle(o string) tea.Cmd {
	if a.overlay == o {
		a.overlay = none
	} else {
		a.overlay = o
	}
	a.layout()
	return nil
}

func (a *App) overlayKey(km tea.KeyMsg) tea.Cmd {
	k := a.c.Keys
	closeKey := map[string]key.Binding{inspect: k.Inspect, glossaryO: k.Glossary, helpO: k.Help, explainO: k.Explain}[a.overlay]
	switch {
	case key.Matches(km, k.Back) && !(a.overlay == inspect && a.insp.InDetail()), key.Matches(km, closeKey):
		if a.overlay == explainO {
			a.explainOn = false
		}
		a.overlay = none
		a.layout()
		return nil
	}
	var cmd tea.Cmd
	switch a.overlay {
	case inspect:
		a.insp, cmd = a.insp.Update(km)
	case glossaryO:
		a.gloss, cmd = a.gloss.Update(km)
	case explainO:
		a.expl, cmd = a.expl.Update(km)
	}
	return cmd
}

// save writes what the person did as a scenario file.
func (a *App) save() tea.Cmd {
	if a.c.Recorder.Len() == 0 {
		return a.setNotice("Nothing to save yet: enroll or pay first, then press S.")
	}
	now := time.Now()
	sc := a.c.Recorder.Scenario("Session of "+now.Format("2006-01-02 15:04"), "Recorded in the walletsim TUI; replay with `walletsim run`.")
	data, err := scenario.Marshal(sc)
	if err == nil {
		path := filepath.Join(a.opts.SaveDir, "walletsim-session-"+now.Format("20060102-150405")+".yaml")
		if err = os.WriteFile(path, data, 0o644); err == nil {
			return a.setNotice(fmt.Sprintf("Saved %d steps to %s — replay: walletsim run %s", len(sc.Steps), path, path))
		}
	}
	return a.setNotice("Could not save the scenario: " + err.Error())
}

// Layout sizes.
func (a *App) bodyHeight() int { return max(a.h-2, 1) }

func (a *App) phoneWidth() int {
	if a.page.WantsPhone() && a.w >= MinPhoneWidth {
		return PhoneWidth
	}
	return 0
}

func (a *App) explainFits() bool {
	return a.bodyHeight()-a.expl.PreferredHeight(a.w) >= 12
}

func (a *App) explainHeight() int {
	if !a.explainOn || a.overlay != none || !a.explainFits() {
		return 0
	}
	return a.expl.PreferredHeight(a.w)
}

func (a *App) layout() {
	if !a.ready {
		return
	}
	bh := a.bodyHeight()
	a.c.Width, a.c.Height = a.w, bh
	pageH := bh - a.explainHeight()
	a.page.SetSize(a.w-a.phoneWidth()-1, pageH)
	a.phone.SetSize(PhoneWidth, pageH)
	a.insp.SetSize(a.w, bh)
	a.gloss.SetSize(a.w, bh)
	if a.overlay == explainO {
		a.expl.SetSize(a.w, bh)
	} else {
		a.expl.SetSize(a.w, a.explainHeight())
	}
}

func (a *App) View() string {
	if !a.ready {
		return "walletsim is starting…"
	}
	a.layout()
	bh := a.bodyHeight()
	var body string
	switch a.overlay {
	case inspect:
		body = a.insp.View()
	case glossaryO:
		body = a.gloss.View()
	case explainO:
		body = a.expl.View()
	case helpO:
		body = a.fullHelp()
	default:
		body = a.pageView()
		if eh := a.explainHeight(); eh > 0 {
			body = lipgloss.JoinVertical(lipgloss.Left, body, a.expl.View())
		}
	}
	body = lipgloss.NewStyle().Width(a.w).Height(bh).MaxHeight(bh).Render(body)
	return lipgloss.JoinVertical(lipgloss.Left, a.header(), body, a.helpBar())
}

func (a *App) pageView() string {
	pw := a.phoneWidth()
	ph := a.bodyHeight() - a.explainHeight()
	page := lipgloss.NewStyle().Width(a.w - pw - 1).Height(ph).MaxHeight(ph).Render(a.page.View())
	if pw == 0 {
		return page
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, page, " ", a.phone.View())
}

func (a *App) header() string {
	s := a.c.Styles
	left := s.HeaderApp.Render("walletsim") + " ▸ " + a.page.Title()
	switch a.overlay {
	case inspect:
		left += " ▸ HTTP inspector"
	case glossaryO:
		left += " ▸ Glossary"
	case explainO:
		left += " ▸ What just happened"
	case helpO:
		left += " ▸ Keys"
	}
	right := s.HeaderInfo.Render(a.c.Session.Target.Name + " · " + a.c.Card.Label())
	gap := a.w - 2 - lipgloss.Width(left) - lipgloss.Width(right)
	line := left + strings.Repeat(" ", max(gap, 1)) + right
	return s.Header.Width(a.w).Render(ansi.Truncate(line, a.w-2, "…"))
}

// bindings are the help bar's keys: the overlay's or the page's and the
// phone's, then the global ones.
func (a *App) bindings() []key.Binding {
	k := a.c.Keys
	var b []key.Binding
	switch a.overlay {
	case inspect:
		b = a.insp.ShortHelp()
	case glossaryO:
		b = a.gloss.ShortHelp()
	case explainO:
		b = a.expl.ShortHelp()
	case helpO:
	default:
		b = append(a.phone.ShortHelp(), a.page.ShortHelp()...)
	}
	if a.overlay != none {
		b = append(b, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")))
	}
	quit := k.Quit
	if a.overlay == none && a.page.Typing() {
		quit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
	}
	return append(b, k.Explain, k.Inspect, k.Help, quit)
}

func (a *App) helpBar() string {
	s := a.c.Styles
	if a.notice != "" {
		return s.Help.Width(a.w).Render(ansi.Truncate(s.Accent.Render(a.notice), a.w-2, "…"))
	}
	a.help.Width = a.w - 2
	// One line, whatever the help model makes of it.
	return s.Help.Width(a.w).Render(ansi.Truncate(a.help.ShortHelpView(a.bindings()), a.w-2, "…"))
}

func (a *App) fullHelp() string {
	k := a.c.Keys
	s := a.c.Styles
	groups := [][]key.Binding{
		{k.Up, k.Down, k.Enter, k.Tab, k.Back},
		{k.Explain, k.Inspect, k.Glossary, k.Save, k.Card},
		{k.Scan, k.Reject, k.Copy, k.Reveal, k.Write},
	}
	a.help.Width = a.w - 2
	text := s.Title.Render("Keys — the same on every screen") + "\n\n" + a.help.FullHelpView(groups) + "\n\n" +
		s.Subtle.Render(lipgloss.NewStyle().Width(a.w-2).Render(
			"q quits from anywhere (ctrl+c while a text field has focus). On the phone, hold space to scan: your "+
				"terminal's key repeat keeps the scan going; let go and it stops. S saves what you did as a scenario "+
				"that `walletsim run` replays."))
	return lipgloss.NewStyle().Padding(0, 1).Render(text)
}
