// Package pay is the merchant's checkout: it authenticates a purchase over
// the browser or the decoupled channel, shows the issuer's challenge page
// in the terminal, or waits while the cardholder answers in the wallet,
// and ends with the result: transStatus, ECI and CAVV.
package pay

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/phone"
	"github.com/walletsim/walletsim/tui/components/resultcard"
)

// Stages of the checkout.
const (
	stageForm      = "form"
	stageBusy      = "busy"
	stageChallenge = "challenge"
	stageWallet    = "wallet" // decoupled: waiting for the cardholder's wallet
	stageDone      = "done"
)

// PollEvery is how often the merchant checks a decoupled authentication.
var PollEvery = time.Second

// Model is the checkout page.
type Model struct {
	c       *common.Common
	channel threeds.Channel
	w, h    int

	stage  string
	busy   string
	fields *fields
	form   *huh.Form
	spin   spinner.Model
	code   textinput.Model
	cancel context.CancelFunc

	flow     *flows.PurchaseFlow
	started  *flows.Result // the 3DS server's first answer
	page     *acs.Challenge
	inbox    string // the code the cardholder received, when known
	note     string // the challenge page's last message
	final    *flows.Result
	finalTag string
}

// Messages of the page.
type (
	startedMsg   struct{ r flows.Result }
	challengeMsg struct{ r flows.Result }
	codeMsg      struct {
		msg acs.Message
		r   flows.Result
	}
	submittedMsg struct {
		code string
		r    flows.Result
	}
	finalMsg struct{ r flows.Result }
)

// New builds the checkout for a channel.
func New(c *common.Common, ch threeds.Channel) *Model {
	m := &Model{c: c, channel: ch, stage: stageForm, fields: defaults(c), spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	m.code = textinput.New()
	m.code.Placeholder = "one-time code"
	m.code.CharLimit = 12
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

func (m *Model) Typing() bool     { return m.stage == stageForm || m.stage == stageChallenge }
func (m *Model) WantsPhone() bool { return true }

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch m.stage {
	case stageForm:
		return []key.Binding{k.Tab, k.Enter, k.Back}
	case stageBusy, stageWallet:
		return []key.Binding{k.Cancel}
	case stageChallenge:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "verify")), k.Cancel,
			key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "browser"))}
	}
	return []key.Binding{k.Again, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// background runs a flow step with a cancellable context and a spinner.
func (m *Model) background(busy string, run func(context.Context) tea.Msg) tea.Cmd {
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.busy, m.cancel = busy, cancel
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
	case startedMsg:
		return m, m.onStarted(msg.r)
	case challengeMsg:
		return m, m.onChallenge(msg.r)
	case codeMsg:
		m.busy = ""
		if msg.r.OK {
			m.inbox = msg.msg.Code
			return m, func() tea.Msg { return phone.SMSMsg{Message: msg.msg} }
		}
		return m, nil
	case submittedMsg:
		return m, m.onSubmitted(msg)
	case finalMsg:
		m.busy, m.stage, m.final = "", stageDone, &msg.r
		m.c.Recorder.Add(scenario.Step{Result: &scenario.NoInput{}}, msg.r)
		return m, nil
	}
	if m.stage == stageForm {
		return m, m.updateForm(msg)
	}
	if m.stage == stageChallenge {
		var cmd tea.Cmd
		m.code, cmd = m.code.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch m.stage {
	case stageForm:
		if key.Matches(km, k.Back) {
			return common.Home
		}
		return m.updateForm(km)
	case stageBusy, stageWallet:
		if key.Matches(km, k.Cancel) && m.cancel != nil {
			m.cancel()
		}
		return nil
	case stageChallenge:
		return m.challengeKey(km)
	}
	switch {
	case key.Matches(km, k.Again):
		*m = *New(m.c, m.channel)
		m.SetSize(m.w, m.h)
		return m.Init()
	case key.Matches(km, k.Back):
		return common.Home
	}
	return nil
}

func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State != huh.StateCompleted {
		return cmd
	}
	return m.start()
}

// start sends the purchase to the 3DS server.
func (m *Model) start() tea.Cmd {
	f := m.fields
	card := m.c.Card
	if f.card >= 0 {
		card = common.TestCard(sandbox.TestCards[f.card])
	} else if n := strings.ReplaceAll(f.number, " ", ""); n != card.Number {
		card.Number = n
	}
	cmds := []tea.Cmd{}
	if card.Number != m.c.Card.Number {
		// The recording takes the new card now, before the purchase records
		// its first step (the app takes CardMsg whenever it comes).
		dropped := m.c.RecordCard(card)
		cmds = append(cmds, func() tea.Msg { return common.CardMsg{Card: card, Dropped: dropped} })
	}
	amount, _ := f.minor(f.amount)
	js := true
	in := flows.PurchaseInput{
		Amount: amount, Currency: f.currency, Number: card.Number, Month: card.Month, Year: card.Year, Name: f.name,
		Channel: m.channel, Preference: f.preference,
		Customer: &threeds.Customer{Name: f.name, Email: f.email, Mobile: f.mobile},
		Device: &threeds.Device{IPAddress: f.ip, Language: f.language, Timezone: f.timezone, JavascriptEnabled: &js,
			UserAgent: "walletsim TUI", AcceptHeader: "text/html", ColorDepth: "24", ScreenHeight: 900, ScreenWidth: 1440},
	}
	m.flow = m.c.Session.Purchase(in)
	m.stage, m.form = stageBusy, nil
	step := scenario.Step{Authenticate: &scenario.AuthInput{
		Amount: amount, Currency: f.currency, Channel: m.channel, ChallengePreference: f.preference,
		Customer: (*scenario.Customer)(in.Customer), CustomerDevice: (*scenario.Device)(in.Device)}}
	cmds = append(cmds, m.background("Asking the 3DS server to authenticate the card…", func(ctx context.Context) tea.Msg {
		r := m.flow.Start(ctx)
		m.c.Recorder.Add(step, r)
		return startedMsg{r}
	}))
	return tea.Batch(cmds...)
}

func (m *Model) onStarted(r flows.Result) tea.Cmd {
	m.busy, m.started = "", &r
	switch {
	case r.Err == nil && r.TransStatus == "C":
		m.stage = stageChallenge
		return m.background("Opening the issuer's challenge page…", func(ctx context.Context) tea.Msg {
			return challengeMsg{m.flow.ReadChallenge(ctx)}
		})
	case r.Err == nil && r.TransStatus == "D":
		m.stage = stageWallet
		return m.background("Waiting for the cardholder's wallet…", func(ctx context.Context) tea.Msg {
			return finalMsg{m.flow.Await(ctx, PollEvery)}
		})
	}
	m.stage, m.final, m.finalTag = stageDone, &r, "The 3DS server's answer"
	return nil
}

func (m *Model) onChallenge(r flows.Result) tea.Cmd {
	m.busy = ""
	if r.Skipped {
		// Not a walletsim sandbox: the cardholder answers the issuer's own
		// page in a browser, and the flow sees them come back.
		text := lipgloss.NewStyle().Width(min(m.w, 70)).Render(r.Summary)
		m.stage = stageBusy // esc stops waiting
		return m.background("Waiting for the cardholder to finish the challenge in a browser…\n\n"+text, func(ctx context.Context) tea.Msg {
			return finalMsg{m.flow.Await(ctx, PollEvery)}
		})
	}
	if !r.OK {
		m.stage, m.final = stageDone, &r
		return nil
	}
	m.page = m.flow.Challenge()
	cmds := []tea.Cmd{m.code.Focus()}
	if m.c.Sandbox() {
		// The cardholder's phone gets the code the ACS sent.
		cardholder := m.c.Card.Flows.CardholderID
		cmds = append(cmds, func() tea.Msg {
			msg, r := m.flow.CodeFromInbox(m.c.Ctx, cardholder)
			return codeMsg{msg, r}
		})
	}
	return tea.Batch(cmds...)
}

func (m *Model) challengeKey(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if m.busy != "" {
		return nil
	}
	switch {
	case key.Matches(km, k.Cancel):
		return m.background("Cancelling the challenge…", func(ctx context.Context) tea.Msg {
			r := m.flow.CancelChallenge(ctx)
			m.c.Recorder.Add(scenario.Step{Challenge: &scenario.ChallengeInput{Cancel: true}}, r)
			return submittedMsg{r: r}
		})
	case km.String() == "ctrl+o":
		if err := m.c.OpenURL(m.started.ChallengeURL); err != nil {
			return common.Notice("Open " + m.started.ChallengeURL + " in a browser")
		}
		return common.Notice("Opened the challenge page in your browser")
	case key.Matches(km, k.Enter):
		code := strings.TrimSpace(m.code.Value())
		if code == "" {
			m.note = "Type the code first."
			return nil
		}
		return m.background("Sending the code to the ACS…", func(ctx context.Context) tea.Msg {
			r := m.flow.Submit(ctx, code)
			m.c.Recorder.Add(scenario.Step{Challenge: &scenario.ChallengeInput{Code: m.recordedCode(code)}}, r)
			return submittedMsg{code: code, r: r}
		})
	}
	var cmd tea.Cmd
	m.code, cmd = m.code.Update(km)
	return cmd
}

// recordedCode is how a typed code is saved in a scenario: the code of
// the inbox changes every run, so it is saved as "inbox" or "wrong".
func (m *Model) recordedCode(code string) string {
	switch {
	case m.inbox == "":
		return code
	case code == m.inbox:
		return scenario.CodeInbox
	}
	return scenario.CodeWrong
}

func (m *Model) onSubmitted(msg submittedMsg) tea.Cmd {
	m.busy = ""
	r := msg.r
	if ch := m.flow.Challenge(); ch != nil {
		m.page = ch
	}
	if r.Err == nil && r.TransStatus == "C" {
		m.note = r.Summary
		m.code.SetValue("")
		return nil
	}
	if r.Err != nil && !r.Cancelled {
		m.note = r.String()
		return nil
	}
	// The challenge is over: the merchant reads the result.
	m.stage = stageBusy
	return m.background("Reading the final result from the 3DS server…", func(ctx context.Context) tea.Msg {
		return finalMsg{m.flow.Result(ctx)}
	})
}

func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render(m.Title()) + s.Subtle.Render("  · the merchant's checkout") + "\n\n")
	switch m.stage {
	case stageForm:
		b.WriteString(m.form.View())
	case stageBusy:
		b.WriteString(m.spin.View() + " " + m.busy)
	case stageChallenge:
		b.WriteString(m.challengeView())
	case stageWallet:
		b.WriteString(m.walletView())
	case stageDone:
		title := "Final result"
		if m.finalTag != "" {
			title = m.finalTag
		}
		b.WriteString(resultcard.Render(s, title, *m.final, min(m.w, 80)))
		b.WriteString("\n" + s.Subtle.Render(next(m.final)))
	}
	return b.String()
}

// challengeView draws the ACS challenge page as the cardholder's browser
// would show it.
func (m *Model) challengeView() string {
	s := m.c.Styles
	p := m.page
	if p == nil {
		return m.spin.View() + " " + m.busy
	}
	width := min(m.w-2, 60)
	rows := [][2]string{{"Merchant", p.Merchant}, {"Amount", p.AmountDisplay}, {"Card", "•••• " + p.CardLastFour}}
	var b strings.Builder
	b.WriteString(s.BankTitle.Render("WalletsimBank · Verify it's you") + "\n\n")
	for _, r := range rows {
		b.WriteString(s.Label.Width(10).Render(r[0]) + s.Value.Render(r[1]) + "\n")
	}
	b.WriteString("\n" + lipgloss.NewStyle().Width(width-4).Render("We sent a one-time code by "+p.Channel+" to "+p.Destination+".") + "\n\n")
	b.WriteString("One-time code  " + m.code.View() + "\n\n")
	status := s.Subtle.Render(plural(p.AttemptsLeft) + " left · expires " + p.ExpiresAt.Format("15:04:05"))
	b.WriteString(status)
	if m.note != "" {
		b.WriteString("\n" + s.Warn.Render(m.note))
	}
	if m.busy != "" {
		b.WriteString("\n" + m.spin.View() + " " + m.busy)
	}
	page := s.Bank.Width(width).Render(b.String())
	hint := "The merchant shows this page from challenge_url; the browser talks to the ACS directly."
	if m.c.Sandbox() {
		hint = "The code is on the phone →. " + hint
	}
	return page + "\n" + s.Subtle.Render(lipgloss.NewStyle().Width(width+2).Render(hint))
}

func (m *Model) walletView() string {
	s := m.c.Styles
	r := m.started
	text := "The ACS answered D (decoupled): it asked the cardholder's wallet, on the phone →, to approve " +
		r.Amount.String() + ". Hold space to scan the fingerprint and approve, press r to reject, or let the time run out."
	return m.spin.View() + " " + s.Subtitle.Render("Waiting for the cardholder's wallet…") + "\n\n" +
		lipgloss.NewStyle().Width(min(m.w, 70)).Render(text) + "\n\n" +
		s.Subtle.Render("The merchant checks the 3DS server every "+PollEvery.String()+" until the result is final.")
}

func plural(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// next suggests what to try after a result.
func next(r *flows.Result) string {
	switch r.TransStatus {
	case "Y":
		return "Authenticated. n for another purchase (try a card that forces a challenge or D), esc for home."
	case "A":
		return "Attempted. If the card should be challenged, enroll it first (home, 1). n for another purchase."
	}
	return "n for another purchase, esc for home, i to inspect the HTTP exchanges."
}
