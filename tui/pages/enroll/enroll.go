// Package enroll is the issuer's side: enroll the card in 3-D Secure, and
// manage the enrollment (view it, change the OTP method, unenroll).
package enroll

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/resultcard"
)

// Model is the enroll page (manage false) or the manage page (manage true).
type Model struct {
	c      *common.Common
	manage bool
	w, h   int

	flow   *flows.EnrollmentFlow
	form   *huh.Form
	method issuing.OTPMethod
	spin   spinner.Model
	busy   string // what is in flight, "" when idle
	cancel context.CancelFunc
	title  string
	step   scenario.Step
	result *flows.Result
}

type doneMsg struct {
	title  string
	step   scenario.Step
	result flows.Result
}

// New builds the page.
func New(c *common.Common, manage bool) *Model {
	m := &Model{c: c, manage: manage, method: issuing.SMS, spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	m.flow = c.Session.Enrollment(c.Card.Flows)
	if !manage {
		m.form = m.newForm()
	}
	return m
}

func (m *Model) newForm() *huh.Form {
	return huh.NewForm(huh.NewGroup(
		huh.NewSelect[issuing.OTPMethod]().
			Title("How should the issuer send one-time codes?").
			Options(huh.NewOption("SMS to the cardholder's phone", issuing.SMS), huh.NewOption("Email to the cardholder's address", issuing.Email)).
			Value(&m.method),
	)).WithShowHelp(false).WithWidth(min(max(m.w, 40), 72))
}

func (m *Model) Init() tea.Cmd {
	if m.form != nil {
		return m.form.Init()
	}
	return m.run("View the enrollment", scenario.Step{View: &scenario.NoInput{}}, m.flow.View)
}

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	if m.form != nil {
		m.form = m.form.WithWidth(min(max(w, 40), 72))
	}
}

func (m *Model) Title() string {
	if m.manage {
		return "Manage the enrollment"
	}
	return "Enroll a card in 3DS"
}

func (m *Model) Owns(km tea.KeyMsg) bool { return common.FormOwns(m.form, km) }
func (m *Model) WantsPhone() bool        { return false }

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.busy != "":
		return []key.Binding{k.Cancel}
	case m.form != nil:
		return []key.Binding{k.Move, k.Enter, k.Back}
	case m.result != nil && len(m.result.Fields) > 0 && m.manage:
		return []key.Binding{k.View, k.Change, k.Unenroll, k.CopyValue, k.Back}
	case m.manage:
		return []key.Binding{k.View, k.Change, k.Unenroll, k.Back}
	case m.result != nil && len(m.result.Fields) > 0:
		return []key.Binding{k.CopyValue, k.Back}
	}
	return []key.Binding{k.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Move, k.Enter, k.Back}, {k.View, k.Change, k.Unenroll, k.CopyValue}}
}

// run sends one issuer call in the background, with a spinner.
func (m *Model) run(title string, st scenario.Step, call func(context.Context) flows.Result) tea.Cmd {
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.busy, m.cancel, m.title = title, cancel, title
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		defer cancel()
		return doneMsg{title: title, step: st, result: call(ctx)}
	})
}

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case doneMsg:
		m.busy, m.result, m.step = "", &msg.result, msg.step
		m.c.Recorder.Add(msg.step, msg.result)
		return m, nil
	case spinner.TickMsg:
		if m.busy == "" {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	if m.form != nil {
		return m, m.updateForm(msg)
	}
	return m, nil
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if m.busy != "" {
		if key.Matches(km, k.Cancel) {
			m.cancel()
		}
		return nil
	}
	switch {
	case key.Matches(km, k.Back):
		return common.GoHome
	case m.form != nil:
		return m.updateForm(km)
	case key.Matches(km, k.CopyValue) && m.result != nil && len(m.result.Fields) > 0:
		return common.Offer("Copy a value of the answer", m.result.Fields)
	case !m.manage:
		return nil
	}
	flow := m.flow
	switch {
	case key.Matches(km, k.View):
		return m.run("View the enrollment", scenario.Step{View: &scenario.NoInput{}}, flow.View)
	case key.Matches(km, k.Change):
		next := issuing.SMS
		if flow.Method() == issuing.SMS {
			next = issuing.Email
		}
		return m.run("Send codes by "+string(next), scenario.Step{Change: &scenario.OTPInput{OTP: next}},
			func(ctx context.Context) flows.Result { return flow.Change(ctx, next) })
	case key.Matches(km, k.Unenroll):
		return m.run("Unenroll", scenario.Step{Unenroll: &scenario.NoInput{}}, flow.Unenroll)
	}
	return nil
}

func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State != huh.StateCompleted {
		return cmd
	}
	m.form = nil
	method, flow := m.method, m.flow
	return m.run("Enroll with codes by "+string(method), scenario.Step{Enroll: &scenario.OTPInput{OTP: method}},
		func(ctx context.Context) flows.Result { return flow.Enroll(ctx, method) })
}

func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render(m.Title()) + s.Subtle.Render("  · "+m.c.Card.Label()) + "\n\n")
	switch {
	case m.busy != "":
		b.WriteString(m.spin.View() + " " + m.busy + s.Subtle.Render(" — asking the issuer…"))
	case m.form != nil:
		b.WriteString(s.Subtle.Render(wrap("When a purchase needs the cardholder to prove who they are, the issuer's ACS sends a "+
			"one-time code to the phone number or email address it has on file for them.", min(m.w, 76))) + "\n\n")
		b.WriteString(m.form.View())
	case m.result != nil:
		b.WriteString(resultcard.Render(s, m.title, *m.result, min(m.w, 78)))
		if hint := m.hint(); hint != "" {
			b.WriteString("\n" + s.Subtle.Render(wrap(hint, min(m.w, 78))))
		}
	}
	if m.manage && m.busy == "" {
		state, method := m.flow.State(), m.flow.Method()
		line := "Enrollment: " + state
		if method != "" {
			line += " (" + string(method) + ")"
		}
		b.WriteString("\n\n" + s.Subtle.Render(wrap(line+"   v view · m change method · u unenroll", m.w)))
	}
	return b.String()
}

// hint says what to do after the page's answer.
func (m *Model) hint() string {
	switch {
	case m.manage && m.result.HTTPStatus == 400 && m.step.View != nil:
		return "Nothing to manage yet: enroll the card first (esc, then 1)."
	case m.manage:
		return ""
	case m.result.OK && m.flow.State() == flows.EnrollmentActive:
		return "Enrolled by " + string(m.flow.Method()) + ". Next: " + nextPayment(m.c.Card)
	case m.result.HTTPStatus == 400 && m.step.Enroll != nil:
		return "Nothing changed. To change how codes are sent, manage the enrollment: esc, then 2."
	}
	return ""
}

// nextPayment is the walkthrough that shows what an enrolled card does.
func nextPayment(c common.Card) string {
	switch c.Forces() {
	case testcards.Decoupled:
		return "Pay online (decoupled): esc, then 4, to approve it in the wallet."
	case testcards.Challenge:
		return "Pay online (browser): esc, then 3, to see the challenge; 4 sends it to the wallet instead."
	}
	return "Pay online: esc, then 3 (browser) or 4 (decoupled)."
}

func wrap(s string, w int) string { return lipgloss.NewStyle().Width(max(w, 20)).Render(s) }
