// Package pay is the merchant's checkout: it authenticates a purchase over
// the browser or the decoupled channel, shows the issuer's challenge page
// in the terminal, or waits while the cardholder answers in the wallet,
// and ends with the result: transStatus, ECI and CAVV.
package pay

import (
	"context"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/phone"
	"github.com/walletsim/walletsim/tui/keymap"
)

// stage is where the checkout stands.
type stage int

const (
	stageForm      stage = iota
	stageBusy            // a call is in flight
	stageChallenge       // the ACS's challenge page
	stageWallet          // decoupled: waiting for the cardholder's wallet
	stageDone
)

// PollEvery is how often the merchant checks a decoupled authentication.
var PollEvery = time.Second

// Model is the checkout page.
type Model struct {
	c       *common.Common
	channel threeds.Channel
	w, h    int

	stage   stage
	busy    string // what is in flight
	attempt string // how its HTTP attempts went, when retried
	fields  *fields
	form    *huh.Form
	left    bool // esc left the form's text field
	spin    spinner.Model
	code    textinput.Model
	cancel  context.CancelFunc
	// escaped: esc was pressed while the 3DS server's first answer was on
	// its way. The wallet's webhook can reach the phone before that
	// answer reaches the page; an esc meant to stop waiting for the
	// wallet then comes too early to cancel anything, and is applied
	// when the answer is D.
	escaped bool

	card     common.Card // the card this purchase pays with
	flow     *flows.PurchaseFlow
	started  *flows.Result // the 3DS server's first answer
	page     *acs.Challenge
	inbox    string // the code the cardholder received, when known
	note     string // the challenge page's last message
	final    *flows.Result
	finalTag string
	emv      []emv.Step // the purchase's EMV messages, once read
}

// Messages of the page: each carries what a command produced, and the
// page records the step when it arrives.
type (
	startedMsg struct {
		step scenario.Step
		at   time.Time // when the purchase was sent
		r    flows.Result
	}
	challengeMsg struct{ r flows.Result }
	codeMsg      struct {
		msg acs.Message
		r   flows.Result
	}
	submittedMsg struct {
		step scenario.Step
		r    flows.Result
	}
	finalMsg    struct{ r flows.Result }
	reloadedMsg struct{ r flows.Result } // the challenge page, read again
)

// New builds the checkout for a channel.
func New(c *common.Common, ch threeds.Channel) *Model {
	m := &Model{c: c, channel: ch, stage: stageForm, fields: defaults(c), spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	m.code = textinput.New()
	m.code.Placeholder = "one-time code"
	m.code.CharLimit = 8
	m.code.Width = 16
	m.form = m.fields.form(c, m.formWidth())
	return m
}

func (m *Model) formWidth() int { return min(max(m.w, 40), 76) }

func (m *Model) Init() tea.Cmd { return m.form.Init() }

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	if m.form != nil {
		m.form = m.form.WithWidth(m.formWidth())
	}
}

func (m *Model) Title() string {
	if m.channel == threeds.Decoupled {
		return "Pay online (decoupled)"
	}
	return "Pay online (browser)"
}

func (m *Model) WantsPhone() bool { return true }

// Owns: the form's text field with focus (and, in the form, the keys that
// move through it); the one-time code field's digits.
func (m *Model) Owns(km tea.KeyMsg) bool {
	switch {
	case m.stage == stageForm && !m.left:
		return common.FormOwns(m.form, km) || formMove(km)
	case m.stage == stageChallenge && m.code.Focused() && m.busy == "":
		return keymap.DigitField(km) || km.Type == tea.KeyTab
	}
	return false
}

// formMove are the keys that move through a form: the form's, never the
// phone's.
func formMove(km tea.KeyMsg) bool {
	switch km.Type {
	case tea.KeyEnter, tea.KeyTab, tea.KeyShiftTab, tea.KeyUp, tea.KeyDown, tea.KeyLeft, tea.KeyRight:
		return true
	}
	return false
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.stage {
	case stageForm:
		if m.left {
			return []key.Binding{k.EnterField, k.Back}
		}
		next := k.Enter
		next.SetHelp("enter", "next")
		if common.InTextInput(m.form) {
			return []key.Binding{k.Tab, next, k.LeaveField}
		}
		return []key.Binding{k.Move, k.Tab, next, k.Back}
	case stageBusy, stageWallet:
		return []key.Binding{k.Cancel}
	case stageChallenge:
		b := []key.Binding{k.Verify, k.Cancel, k.OpenBrowser}
		if m.c.Clock != nil {
			b = append(b, k.Clock)
		}
		return b
	}
	b := []key.Binding{k.Again}
	if len(m.emv) > 0 {
		b = append(b, k.Messages)
	}
	if m.final != nil && len(m.final.Fields) > 0 {
		b = append(b, k.CopyValue)
	}
	return append(b, k.Back)
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Tab, k.Enter, k.LeaveField, k.EnterField, k.Back},
		{k.Verify, k.Cancel, k.OpenBrowser, k.Clock},
		{k.Again, k.Messages, k.CopyValue},
	}
}

// background runs a flow step with a cancellable context and a spinner.
func (m *Model) background(busy string, run func(context.Context) tea.Msg) tea.Cmd {
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.busy, m.attempt, m.cancel = busy, "", cancel
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		defer cancel()
		return run(ctx)
	})
}

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.key(msg)
	case spinner.TickMsg:
		if m.busy == "" {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case common.EventMsg:
		m.observe(flows.Event(msg))
		return m, nil
	case startedMsg:
		m.c.Recorder.AddStarted(msg.step, msg.r, msg.at)
		return m, m.onStarted(msg.r)
	case challengeMsg:
		return m, m.onChallenge(msg.r)
	case codeMsg:
		if msg.r.OK {
			m.inbox = msg.msg.Code
			return m, func() tea.Msg { return phone.SMSMsg{Message: msg.msg} }
		}
		return m, nil
	case submittedMsg:
		m.c.Recorder.Add(msg.step, msg.r)
		return m, m.onSubmitted(msg.r)
	case common.ClockShiftedMsg:
		return m, m.expire()
	case reloadedMsg:
		return m, m.onSubmitted(msg.r)
	case finalMsg:
		m.busy, m.stage, m.final = "", stageDone, &msg.r
		m.c.Recorder.Add(scenario.Step{Result: &scenario.NoInput{}}, msg.r)
		return m, tea.Batch(func() tea.Msg { return phone.FocusMsg{} }, m.readMessages())
	case emvMsg:
		return m, m.onMessages(msg)
	}
	switch m.stage {
	case stageForm:
		return m, m.updateForm(msg)
	case stageChallenge:
		var cmd tea.Cmd
		m.code, cmd = m.code.Update(msg)
		return m, cmd
	}
	return m, nil
}

// observe follows the HTTP attempts of the call in flight, so that a slow
// or failing server is seen as it is retried.
func (m *Model) observe(e flows.Event) {
	if m.busy == "" || e.Kind != flows.Exchanged || e.Flow != flows.FlowPurchase || e.Exchange == nil {
		return
	}
	ex := e.Exchange
	switch {
	case ex.Response == nil && ex.Error != "":
		m.attempt = fmt.Sprintf("Attempt %d got no answer; walletsim tries again (attempt %d)…", ex.Attempt, ex.Attempt+1)
	case ex.Response != nil && ex.Response.Status >= 500:
		m.attempt = fmt.Sprintf("Attempt %d: HTTP %d; walletsim tries again (attempt %d)…", ex.Attempt, ex.Response.Status, ex.Attempt+1)
	}
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch m.stage {
	case stageForm:
		return m.formKey(km)
	case stageBusy, stageWallet:
		if key.Matches(km, k.Cancel) && m.cancel != nil {
			m.cancel()
			m.escaped = m.started == nil
		}
		return nil
	case stageChallenge:
		return m.challengeKey(km)
	}
	switch {
	case key.Matches(km, k.Again):
		w, h := m.w, m.h
		*m = *New(m.c, m.channel)
		m.SetSize(w, h)
		return m.Init()
	case key.Matches(km, k.Messages) && len(m.emv) > 0:
		return m.showMessages()
	case key.Matches(km, k.CopyValue) && m.final != nil && len(m.final.Fields) > 0:
		return common.Offer("Copy a value of the result", m.final.Fields)
	case key.Matches(km, k.Back):
		return common.GoHome
	}
	return nil
}

// formKey: esc leaves a text field (then the app's keys work), and goes
// home from anywhere else; enter or tab go back to the field.
func (m *Model) formKey(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case m.left && key.Matches(km, k.EnterField):
		m.left = false
		return m.form.GetFocusedField().Focus()
	case m.left && key.Matches(km, k.Back):
		return common.GoHome
	case m.left:
		return nil
	case key.Matches(km, k.LeaveField) && common.InTextInput(m.form):
		m.left = true
		return m.form.GetFocusedField().Blur()
	case key.Matches(km, k.Back):
		return common.GoHome
	}
	return m.updateForm(km)
}

func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State != huh.StateCompleted {
		return cmd
	}
	return m.start()
}

// start sends the purchase to the 3DS server, with the card chosen in the
// form.
func (m *Model) start() tea.Cmd {
	card := m.fields.cardFor(m.c.Card)
	in := m.fields.input(card, m.channel)
	var cmds []tea.Cmd // in sequence: the card in use changes before anything is sent with it
	if card.Number != m.c.Card.Number {
		cmds = append(cmds, func() tea.Msg { return common.CardMsg{Card: card} })
	}
	m.card, m.flow = card, m.c.Session.Purchase(in)
	m.stage, m.form = stageBusy, nil
	step := scenario.Step{Authenticate: &scenario.AuthInput{
		Amount: in.Amount, Currency: in.Currency, Channel: m.channel, ChallengePreference: in.Preference,
		Customer: (*scenario.Customer)(in.Customer), CustomerDevice: (*scenario.Device)(in.Device)}}
	flow, at := m.flow, m.c.Now()
	cmds = append(cmds, m.background("Asking the 3DS server to authenticate the card…", func(ctx context.Context) tea.Msg {
		return startedMsg{step, at, flow.Start(ctx)}
	}))
	return tea.Sequence(cmds...)
}

func (m *Model) onStarted(r flows.Result) tea.Cmd {
	m.busy, m.started = "", &r
	escaped := m.escaped
	m.escaped = false
	flow := m.flow
	switch {
	case r.Err == nil && r.TransStatus == "C":
		m.stage = stageChallenge
		return m.background("Opening the issuer's challenge page…", func(ctx context.Context) tea.Msg {
			return challengeMsg{flow.ReadChallenge(ctx)}
		})
	case r.Err == nil && r.TransStatus == "D":
		m.stage = stageWallet
		match := flow.Match()
		every := PollEvery
		cmd := tea.Batch(
			func() tea.Msg { return phone.FocusMsg{Match: &match} },
			m.background("Waiting for the cardholder's wallet…", func(ctx context.Context) tea.Msg {
				return finalMsg{flow.Await(ctx, every)}
			}))
		if escaped { // the esc came before this answer: stop waiting, as it asked
			m.cancel()
		}
		return cmd
	}
	m.stage, m.final, m.finalTag = stageDone, &r, "The 3DS server's answer"
	return m.readMessages()
}

func (m *Model) onChallenge(r flows.Result) tea.Cmd {
	m.busy = ""
	if r.Skipped {
		// Not a walletsim sandbox: the cardholder answers the issuer's own
		// page in a browser, and the flow sees them come back.
		text := lipgloss.NewStyle().Width(min(m.w, 70)).Render(r.Summary)
		m.stage = stageBusy // esc stops waiting
		flow, every := m.flow, PollEvery
		return m.background("Waiting for the cardholder to finish the challenge in a browser…\n\n"+text, func(ctx context.Context) tea.Msg {
			return finalMsg{flow.Await(ctx, every)}
		})
	}
	if !r.OK {
		m.stage, m.final = stageDone, &r
		return nil
	}
	m.page = m.flow.Challenge()
	if n := m.page.CodeLength; n > 0 {
		m.code.CharLimit = n
	}
	cmds := []tea.Cmd{m.code.Focus()}
	if m.c.Sandbox() {
		// The cardholder's phone gets the code the ACS sent.
		flow, ctx, cardholder := m.flow, m.c.Ctx, m.card.Flows.CardholderID
		cmds = append(cmds, func() tea.Msg {
			msg, r := flow.CodeFromInbox(ctx, cardholder)
			return codeMsg{msg, r}
		})
	}
	return tea.Batch(cmds...)
}
