// Package phone is the cardholder's phone beside the checkout: the wallet
// app that receives pending 3-D Secure requests (a notification with the
// merchant, the amount, the card's last four digits and a countdown) and
// approves them with a biometric check, and the SMS and emails the issuer
// sends. It drives the wallet flow.
package phone

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/pane"
	"github.com/walletsim/walletsim/tui/recorder"
)

// State is where a request on the phone stands.
type State int

// The states of a request.
const (
	Waiting    State = iota // the cardholder has not acted
	Scanning                // the finger is on the sensor
	Confirming              // approving without the scan: asked to confirm
	Sending                 // the decision is on its way
	Approved
	Rejected
	Failed  // the platform did not take the decision
	Expired // nobody answered in time
)

func (s State) String() string {
	return [...]string{"waiting", "scanning", "confirming", "sending", "approved", "rejected", "failed", "expired"}[s]
}

// Open reports whether the request in s is still waiting for the
// cardholder.
func (s State) Open() bool { return s == Waiting || s == Scanning || s == Confirming }

// Request is a 3DS request on the phone.
type Request struct {
	Pending flows.Pending
	State   State
	Note    string // what the phone says about it
	Result  *flows.Result
}

// Model is the phone.
type Model struct {
	c        *common.Common
	wallet   *flows.WalletFlow
	requests []*Request // oldest first
	messages []acs.Message
	focus    *flows.Match // the purchase the merchant waits for, if any
	scan     scan
	w, h     int
	bar      progress.Model
	pane     *pane.Model
	ticking  bool
}

// Messages of the phone.
type (
	// ArrivedMsg is a request received by the wallet (webhook or by hand).
	ArrivedMsg struct {
		Pending flows.Pending
		Result  flows.Result
	}
	// DecidedMsg is the wallet platform's answer to a decision.
	DecidedMsg struct {
		Request *Request
		Result  flows.Result
		step    *recorder.Step
	}
	// SMSMsg puts a message the issuer sent on the phone.
	SMSMsg struct{ Message acs.Message }
	// FocusMsg says which purchase the merchant waits for: its request
	// is the one the phone asks about (nil: the newest).
	FocusMsg struct{ Match *flows.Match }
	tickMsg  struct{}
	idleMsg  struct{}
)

// New builds the phone.
func New(c *common.Common) *Model {
	return &Model{c: c, wallet: c.Session.Wallet(), pane: pane.New(c.Styles, "wheel, p"),
		bar: progress.New(progress.WithSolidFill("#9D8CFF"), progress.WithoutPercentage())}
}

// Init listens for requests and starts the phone's clock.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.Listen(), idle()) }

// Listen waits for the next request on the wallet's webhook listener.
func (m *Model) Listen() tea.Cmd {
	w, ctx := m.wallet, m.c.Ctx
	return func() tea.Msg {
		p, r := w.Next(ctx)
		return ArrivedMsg{Pending: p, Result: r}
	}
}

// Lookup takes a request whose auth3dsId was entered by hand.
func (m *Model) Lookup(auth3dsID string) tea.Cmd {
	w, ctx, card := m.wallet, m.c.Ctx, m.c.Card.Flows
	return func() tea.Msg {
		p, r := w.Manual(ctx, card.CustomerID, card.CardID, auth3dsID)
		if !r.OK {
			return common.NoticeMsg{Text: "Wallet: " + r.String()}
		}
		return ArrivedMsg{Pending: p, Result: r}
	}
}

// SetSize sets the phone's size, border included.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.pane.SetSize(max(w-4, 1), max(h-2, 1))
}

// Active is the request the phone asks the cardholder about: the one the
// merchant waits for, else the newest still open.
func (m *Model) Active() *Request {
	var newest *Request
	for i := len(m.requests) - 1; i >= 0; i-- {
		r := m.requests[i]
		if !r.State.Open() && r.State != Sending {
			continue
		}
		if m.focus == nil || m.focus.Matches(r.Pending.Event) {
			return r
		}
		if newest == nil {
			newest = r
		}
	}
	return newest
}

// target is the request the cardholder's keys act on: the active one, or
// the shown one when it has expired — walletsim never answers for the
// cardholder, so the person decides whether to answer it late (and see
// what the platform says) or to leave it.
func (m *Model) target() *Request {
	if a := m.Active(); a != nil {
		if a.State.Open() {
			return a
		}
		return nil
	}
	if r := m.shown(); r != nil && r.State == Expired {
		return r
	}
	return nil
}

// shown is the request the phone draws: the active one, else the newest.
func (m *Model) shown() *Request {
	if a := m.Active(); a != nil {
		return a
	}
	if len(m.requests) == 0 {
		return nil
	}
	return m.requests[len(m.requests)-1]
}

// Requests are all the requests so far, oldest first.
func (m *Model) Requests() []*Request { return m.requests }

// Messages are the SMS and emails, newest first.
func (m *Model) Messages() []acs.Message { return m.messages }

// Wants reports whether the phone takes this key now.
func (m *Model) Wants(km tea.KeyMsg) bool {
	for _, b := range m.ShortHelp() {
		if key.Matches(km, b) {
			return true
		}
	}
	return m.Active() != nil && m.Active().State == Confirming && key.Matches(km, m.c.Keys.Back)
}

// ShortHelp is the phone's keys while a request waits.
func (m *Model) ShortHelp() []key.Binding {
	a := m.target()
	if a == nil {
		return nil
	}
	k := m.c.Keys
	if a.State == Confirming {
		back := k.Back
		back.SetHelp(back.Help().Key, "don't approve")
		return []key.Binding{k.Confirm, back}
	}
	b := []key.Binding{k.Scan, k.Approve, k.Reject}
	if m.c.Clock != nil {
		b = append(b, k.Clock)
	}
	return b
}

// FullHelp is every phone key.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Scan, k.Approve, k.Confirm, k.Reject, k.Clock}}
}

// Update handles the phone's messages and keys.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ArrivedMsg:
		return m, m.arrived(msg)
	case SMSMsg:
		for _, have := range m.messages {
			if have.ID == msg.Message.ID {
				return m, nil
			}
		}
		m.messages = append([]acs.Message{msg.Message}, m.messages...)
	case FocusMsg:
		m.focus = msg.Match
	case DecidedMsg:
		m.decided(msg)
	case tickMsg:
		m.ticking = false
		return m, m.onTick()
	case idleMsg:
		return m, idle()
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		if msg.Action == tea.MouseActionPress {
			switch msg.Button {
			case tea.MouseButtonWheelUp:
				m.pane.Scroll(-1, m.content())
			case tea.MouseButtonWheelDown:
				m.pane.Scroll(1, m.content())
			}
		}
	}
	return m, nil
}

// Scroll moves the phone's screen by lines.
func (m *Model) Scroll(lines int) { m.pane.Scroll(lines, m.content()) }

func (m *Model) arrived(msg ArrivedMsg) tea.Cmd {
	if !msg.Result.OK {
		if msg.Result.Cancelled || msg.Result.Err == flows.ErrNoListener {
			return nil
		}
		return m.Listen() // a failed wait: keep listening
	}
	cmds := []tea.Cmd{m.add(msg.Pending)}
	if msg.Pending.Source == "webhook" {
		cmds = append(cmds, m.Listen())
	}
	return tea.Batch(cmds...)
}

func (m *Model) add(p flows.Pending) tea.Cmd {
	for _, r := range m.requests {
		if r.Pending.Event.Auth3dsID == p.Event.Auth3dsID {
			return nil
		}
	}
	m.requests = append(m.requests, &Request{Pending: p, State: Waiting, Note: waitingNote})
	m.pane.Top()
	return m.tick()
}

const waitingNote = "Hold space to approve with your fingerprint (v: without it) · r to reject"

func (m *Model) tick() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	return tea.Tick(tickEvery, func(time.Time) tea.Msg { return tickMsg{} })
}

// idle ticks at the next minute, so that the phone's clock moves while
// nothing happens.
func idle() tea.Cmd {
	wait := time.Until(time.Now().Truncate(time.Minute).Add(time.Minute))
	return tea.Tick(wait, func(time.Time) tea.Msg { return idleMsg{} })
}

// expiredNote is what the phone says of a request whose time ran out.
const expiredNote = "Time ran out: the request expired unanswered. The merchant will be told U. " +
	"You may still answer it, and see what the platform says."

// onTick moves the scan and the countdown on; when time runs out while
// the request waits, it has expired: the platform gives up on it by
// itself, and the phone sends nothing for the cardholder (issue 10: it
// must not report FAILED on its own). A scan or a confirmation under way
// is left to finish.
func (m *Model) onTick() tea.Cmd {
	open := false
	now := m.c.Now()
	for _, r := range m.requests {
		if !r.State.Open() {
			continue
		}
		if r.State == Waiting && r.Pending.TimeLeft(now) <= 0 {
			r.State, r.Note = Expired, expiredNote
			continue
		}
		open = true
	}
	if a := m.Active(); a != nil && a.State == Scanning {
		m.scanTick(a, now)
	}
	if !open {
		return nil
	}
	return m.tick()
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	a := m.target()
	if a == nil {
		return nil
	}
	k := m.c.Keys
	now := m.c.Now()
	switch {
	case a.State == Confirming && key.Matches(km, k.Confirm):
		return m.decide(a, flows.Decision{Status: wallet.Verified}, "Approving…")
	case a.State == Confirming && key.Matches(km, k.Back):
		a.State, a.Note = Waiting, waitingNote
		return m.tick() // it may have expired meanwhile
	case a.State == Confirming:
	case key.Matches(km, k.Scan):
		if m.scanPress(a, now) {
			return m.decide(a, flows.Decision{Status: wallet.Verified}, "Fingerprint recognised: approving…")
		}
		return m.tick()
	case key.Matches(km, k.Approve):
		a.State, a.Note = Confirming, "Approve "+a.Pending.Amount()+" at "+a.Pending.Event.MerchantName+"? y to approve, esc to go back."
	case key.Matches(km, k.Reject):
		return m.decide(a, flows.Decision{Status: wallet.Rejected}, "Rejecting…")
	case key.Matches(km, k.Clock) && m.c.Clock != nil:
		return common.ShiftClock(m.c.ClockShift(a.Pending.ExpiresAt))
	}
	return nil
}

// decide sends the cardholder's decision with seed 002's verify call. It
// is recorded now, in the order it was taken: the merchant may read its
// effect before its answer arrives here.
func (m *Model) decide(a *Request, d flows.Decision, note string) tea.Cmd {
	a.State, a.Note = Sending, note
	step := m.c.Recorder.Begin(scenario.Step{
		Wallet: &scenario.WalletInput{Decision: d.Status, Reason: d.Reason}})
	w, ctx, p := m.wallet, m.c.Ctx, a.Pending
	return func() tea.Msg {
		return DecidedMsg{Request: a, Result: w.Decide(ctx, p, d), step: step}
	}
}

func (m *Model) decided(msg DecidedMsg) {
	a, r := msg.Request, msg.Result
	a.Result = &r
	if msg.step != nil {
		msg.step.End(r)
	}
	switch {
	case !r.OK:
		a.State, a.Note = Failed, "The wallet platform did not take it: "+r.String()
	case r.Status == string(wallet.Verified):
		a.State, a.Note = Approved, "Approved. The issuer now tells the merchant: authenticated."
	case r.Status == string(wallet.Rejected):
		a.State, a.Note = Rejected, "Rejected. The merchant will be told: not authenticated."
	default:
		a.State, a.Note = Failed, "The platform recorded FAILED: "+r.StatusReason
	}
}
