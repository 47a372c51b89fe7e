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
			Value(&m.method).Height(3),
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

func (m *Model) Typing() bool     { return false }
func (m *Model) WantsPhone() bool { return false }

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.busy != "":
		return []key.Binding{k.Cancel}
	case m.form != nil:
		return []key.Binding{k.Move, k.Enter, k.Back}
	case m.manage:
		return []key.Binding{k.View, k.Change, k.Unenroll, k.Back}
	}
	return []key.Binding{k.Back}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

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
		m.busy, m.result = "", &msg.result
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
		return m.key(msg)
	}
	if m.form != nil {
		return m.updateForm(msg)
	}
	return m, nil
}

func (m *Model) key(km tea.KeyMsg) (common.Page, tea.Cmd) {
	k := m.c.Keys
	if m.busy != "" {
		if key.Matches(km, k.Cancel) {
			m.cancel()
		}
		return m, nil
	}
	if key.Matches(km, k.Back) {
		return m, common.Home
	}
	if m.form != nil {
		return m.updateForm(km)
	}
	if !m.manage {
		return m, nil
	}
	switch {
	case key.Matches(km, k.View):
		return m, m.run("View the enrollment", scenario.Step{View: &scenario.NoInput{}}, m.flow.View)
	case key.Matches(km, k.Change):
		current := m.flow.Method()
		next := issuing.SMS
		if current == issuing.SMS {
			next = issuing.Email
		}
		return m, m.run("Send codes by "+string(next), scenario.Step{Change: &scenario.OTPInput{OTP: next}},
			func(ctx context.Context) flows.Result { return m.flow.Change(ctx, next) })
	case key.Matches(km, k.Unenroll):
		return m, m.run("Unenroll", scenario.Step{Unenroll: &scenario.NoInput{}}, m.flow.Unenroll)
	}
	return m, nil
}

func (m *Model) updateForm(msg tea.Msg) (common.Page, tea.Cmd) {
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if m.form.State != huh.StateCompleted {
		return m, cmd
	}
	m.form = nil
	method := m.method
	return m, m.run("Enroll with codes by "+string(method), scenario.Step{Enroll: &scenario.OTPInput{OTP: method}},
		func(ctx context.Context) flows.Result { return m.flow.Enroll(ctx, method) })
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
		if state, method := m.flow.State(), m.flow.Method(); state == flows.EnrollmentActive && !m.manage {
			b.WriteString("\n" + s.Subtle.Render("Enrolled by "+string(method)+". Next: Pay online (esc, then 3) to see the challenge."))
		}
	}
	if m.manage && m.busy == "" {
		state, method := m.flow.State(), m.flow.Method()
		line := "Enrollment: " + state
		if method != "" {
			line += " (" + string(method) + ")"
		}
		b.WriteString("\n\n" + s.Subtle.Render(line+"   v view · m change method · u unenroll"))
	}
	return b.String()
}

func wrap(s string, w int) string { return lipgloss.NewStyle().Width(max(w, 20)).Render(s) }
