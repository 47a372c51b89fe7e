// Package phone is the cardholder's phone beside the checkout: the wallet
// app that receives pending 3-D Secure requests (a notification with the
// merchant, the amount, the card's last four digits and a countdown) and
// approves them with a biometric check, and the SMS and emails the issuer
// sends. It drives the wallet flow.
package phone

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
)

// The biometric check: hold the key for ScanTime; a gap longer than
// ReleaseGap between key repeats means the finger was lifted.
const (
	ScanTime   = 1500 * time.Millisecond
	ReleaseGap = 650 * time.Millisecond
	tickEvery  = 100 * time.Millisecond
)

// Request states.
const (
	Waiting  = "waiting"  // the cardholder has not acted
	Scanning = "scanning" // the finger is on the sensor
	Sending  = "sending"  // the decision is on its way
	Approved = "approved"
	Declined = "rejected"
	Failed   = "failed"
)

// Request is a 3DS request on the phone.
type Request struct {
	Pending flows.Pending
	State   string
	Note    string // what the phone says about it
	Result  *flows.Result
}

// Model is the phone.
type Model struct {
	c        *common.Common
	wallet   *flows.WalletFlow
	requests []*Request // newest last
	messages []acs.Message
	w, h     int
	bar      progress.Model

	scanStart, lastPress time.Time
	ticking              bool
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
	}
	// SMSMsg puts a message the issuer sent on the phone.
	SMSMsg  struct{ Message acs.Message }
	tickMsg struct{}
)

// New builds the phone.
func New(c *common.Common) *Model {
	return &Model{c: c, wallet: c.Session.Wallet(), bar: progress.New(progress.WithSolidFill("#9D8CFF"), progress.WithoutPercentage())}
}

// Listen waits for the next request on the wallet's webhook listener.
func (m *Model) Listen() tea.Cmd {
	return func() tea.Msg {
		p, r := m.wallet.Next(m.c.Ctx)
		return ArrivedMsg{Pending: p, Result: r}
	}
}

// Lookup takes a request whose auth3dsId was entered by hand.
func (m *Model) Lookup(auth3dsID string) tea.Cmd {
	card := m.c.Card.Flows
	return func() tea.Msg {
		p, r := m.wallet.Manual(m.c.Ctx, card.CustomerID, card.CardID, auth3dsID)
		if !r.OK {
			return common.NoticeMsg{Text: "Wallet: " + r.String()}
		}
		return ArrivedMsg{Pending: p, Result: r}
	}
}

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.bar.Width = max(w-8, 10)
}

// Active is the request waiting for the cardholder, if any.
func (m *Model) Active() *Request {
	for i := len(m.requests) - 1; i >= 0; i-- {
		if r := m.requests[i]; r.State == Waiting || r.State == Scanning || r.State == Sending {
			return r
		}
	}
	return nil
}

// Latest is the newest request.
func (m *Model) Latest() *Request {
	if len(m.requests) == 0 {
		return nil
	}
	return m.requests[len(m.requests)-1]
}

// Requests are all the requests so far, oldest first.
func (m *Model) Requests() []*Request { return m.requests }

// Messages are the SMS and emails, newest first.
func (m *Model) Messages() []acs.Message { return m.messages }

// Wants reports whether the phone takes this key now: space and r while a
// request waits for the cardholder.
func (m *Model) Wants(km tea.KeyMsg) bool {
	a := m.Active()
	return a != nil && a.State != Sending && (key.Matches(km, m.c.Keys.Scan) || key.Matches(km, m.c.Keys.Reject))
}

// ShortHelp is the phone's keys while a request waits.
func (m *Model) ShortHelp() []key.Binding {
	if a := m.Active(); a != nil && a.State != Sending {
		return []key.Binding{m.c.Keys.Scan, m.c.Keys.Reject}
	}
	return nil
}

// Update handles the phone's messages and keys.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ArrivedMsg:
		if !msg.Result.OK {
			if msg.Result.Cancelled || msg.Result.Err == flows.ErrNoListener {
				return m, nil
			}
			return m, m.Listen() // a failed wait: keep listening
		}
		m.add(msg.Pending)
		cmds := []tea.Cmd{m.tick()}
		if msg.Pending.Source == "webhook" {
			cmds = append(cmds, m.Listen())
		}
		return m, tea.Batch(cmds...)
	case SMSMsg:
		for _, have := range m.messages {
			if have.ID == msg.Message.ID {
				return m, nil
			}
		}
		m.messages = append([]acs.Message{msg.Message}, m.messages...)
	case DecidedMsg:
		return m, m.decided(msg)
	case tickMsg:
		m.ticking = false
		return m, m.onTick()
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *Model) add(p flows.Pending) {
	for _, r := range m.requests {
		if r.Pending.Event.Auth3dsID == p.Event.Auth3dsID {
			return
		}
	}
	m.requests = append(m.requests, &Request{Pending: p, State: Waiting, Note: "Hold space to approve with your fingerprint · r to reject"})
}

func (m *Model) tick() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	return tea.Tick(tickEvery, func(time.Time) tea.Msg { return tickMsg{} })
}

// onTick moves the scan and the countdown on; when time runs out the
// wallet reports FAILED with the seed's expiry reason.
func (m *Model) onTick() tea.Cmd {
	a := m.Active()
	if a == nil {
		return nil
	}
	now := m.c.Now()
	switch {
	case a.State == Sending:
	case a.Pending.TimeLeft(now) <= 0:
		return m.decide(a, flows.Expired, "Time ran out: the wallet reports FAILED (expired).")
	case a.State == Scanning && now.Sub(m.lastPress) > ReleaseGap:
		a.State, a.Note = Waiting, "Scan cancelled: keep holding space until the scan completes."
	case a.State == Scanning && now.Sub(m.scanStart) >= ScanTime:
		return m.decide(a, flows.Decision{Status: wallet.Verified}, "Fingerprint recognised: approving…")
	case a.State == Scanning:
		a.Note = fmt.Sprintf("Scanning… %d%% — keep holding", int(100*now.Sub(m.scanStart)/ScanTime))
	}
	return m.tick()
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	a := m.Active()
	if a == nil || a.State == Sending {
		return nil
	}
	now := m.c.Now()
	switch {
	case key.Matches(km, m.c.Keys.Scan):
		if a.State != Scanning {
			a.State, a.Note, m.scanStart = Scanning, "Scanning… keep holding", now
		}
		m.lastPress = now
		return m.tick()
	case key.Matches(km, m.c.Keys.Reject):
		return m.decide(a, flows.Decision{Status: wallet.Rejected}, "Rejecting…")
	}
	return nil
}

// decide sends the cardholder's decision with seed 002's verify call.
func (m *Model) decide(a *Request, d flows.Decision, note string) tea.Cmd {
	a.State, a.Note = Sending, note
	return func() tea.Msg {
		r := m.wallet.Decide(m.c.Ctx, a.Pending, d)
		m.c.Recorder.Add(scenario.Step{Wallet: &scenario.WalletInput{Decision: d.Status, Reason: d.Reason}}, r)
		return DecidedMsg{Request: a, Result: r}
	}
}

func (m *Model) decided(msg DecidedMsg) tea.Cmd {
	a, r := msg.Request, msg.Result
	a.Result = &r
	switch {
	case !r.OK:
		a.State, a.Note = Failed, "The wallet platform did not take it: "+r.String()
	case r.Status == string(wallet.Verified):
		a.State, a.Note = Approved, "Approved. The issuer now tells the merchant: authenticated."
	case r.Status == string(wallet.Rejected):
		a.State, a.Note = Declined, "Rejected. The merchant will be told: not authenticated."
	default:
		a.State, a.Note = Failed, "Reported FAILED: "+r.StatusReason
	}
	return nil
}

// View draws the phone, w×h.
func (m *Model) View() string {
	s := m.c.Styles
	inner := max(m.w-4, 16)
	var parts []string
	parts = append(parts, s.PhoneBar.Render(spread(m.c.Now().Format("15:04"), "WalletsimBank", inner)))
	if a := m.Latest(); a != nil {
		parts = append(parts, m.request(a, inner))
	} else {
		parts = append(parts, s.Subtle.Render(lipgloss.NewStyle().Width(inner).Render("No 3DS requests yet. They arrive here when a purchase needs the cardholder's approval.")))
	}
	for _, msg := range m.messages {
		parts = append(parts, m.sms(msg, inner))
	}
	body := strings.Join(parts, "\n")
	if lines := strings.Split(body, "\n"); len(lines) > m.h-2 && m.h > 4 {
		body = strings.Join(lines[:m.h-2], "\n")
	}
	return s.Phone.Width(m.w - 2).Height(max(m.h-2, 1)).Render(s.PhoneScreen.Render(body))
}

// request draws a 3DS request card with its countdown and, while the
// cardholder acts, the fingerprint.
func (m *Model) request(a *Request, width int) string {
	s := m.c.Styles
	p := a.Pending
	var b strings.Builder
	b.WriteString(s.Subtitle.Render("Approve this purchase?") + "\n")
	b.WriteString(p.Event.MerchantName + "\n" + s.Value.Render(p.Amount()) + "\n")
	b.WriteString("Card •••• " + p.Event.LastFourDigits + "\n")
	if a.State == Waiting || a.State == Scanning {
		left := p.TimeLeft(m.c.Now())
		total := max(p.ExpiresAt.Sub(p.Since), time.Second)
		m.bar.Width = max(width-17, 6)
		fmt.Fprintf(&b, "%s %s left\n", m.bar.ViewAs(float64(left)/float64(total)), clock(left))
		b.WriteString(m.fingerprint(a) + "\n")
	}
	style := s.Text
	switch a.State {
	case Approved:
		style = s.OK
	case Declined, Failed:
		style = s.Bad
	}
	b.WriteString(style.Render(lipgloss.NewStyle().Width(width - 4).Render(a.Note)))
	return s.Notification.Width(width - 2).Render(b.String()) // Width leaves out the border
}

// fingerprint draws the sensor, lit from the bottom as the scan proceeds.
func (m *Model) fingerprint(a *Request) string {
	lines := []string{
		"   .-~~~-.   ",
		"  / .-~-. \\  ",
		" | / .-. \\ | ",
		" | | ( ) | | ",
		" | \\ '-' / | ",
		"  \\ '-~-' /  ",
		"   '-~~~-'   ",
	}
	lit := 0
	if a.State == Scanning {
		done := float64(m.c.Now().Sub(m.scanStart)) / float64(ScanTime)
		lit = min(len(lines), int(done*float64(len(lines)))+1)
	}
	s := m.c.Styles
	for i := range lines {
		if i >= len(lines)-lit {
			lines[i] = s.Accent.Render(lines[i])
		} else {
			lines[i] = s.Subtle.Render(lines[i])
		}
	}
	return lipgloss.NewStyle().PaddingLeft(2).Render(strings.Join(lines, "\n"))
}

func (m *Model) sms(msg acs.Message, width int) string {
	s := m.c.Styles
	head := msg.Channel + " · " + msg.From
	if msg.Subject != "" {
		head += "\n" + msg.Subject
	}
	return s.SMS.Width(width - 2).Render(s.Subtle.Render(head) + "\n" + lipgloss.NewStyle().Width(width-4).Render(msg.Body))
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// spread puts left and right at the two ends of width.
func spread(left, right string, width int) string {
	gap := max(width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	return left + strings.Repeat(" ", gap) + right
}
