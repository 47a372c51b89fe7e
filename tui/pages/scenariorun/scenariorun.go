// Package scenariorun runs scenario files from the TUI, as `walletsim run`
// does, and shows each step as it ends.
package scenariorun

import (
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
)

// Model is the scenario page.
type Model struct {
	c       *common.Common
	w, h    int
	path    textinput.Model
	spin    spinner.Model
	out     viewport.Model
	running bool
	lines   *lines
	summary string
	resolve func(string) (flows.Target, error)
}

// lines collects progress from the runner's goroutines.
type lines struct {
	mu   sync.Mutex
	text []string
}

func (l *lines) add(s string) {
	l.mu.Lock()
	l.text = append(l.text, s)
	l.mu.Unlock()
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.text, "\n")
}

type (
	doneMsg  struct{ rep *runner.Report }
	errorMsg struct{ err error }
)

// DefaultPath is offered first: the shipped scenarios, when present.
const DefaultPath = "testdata/scenarios"

// New builds the page; resolve finds targets by profile name.
func New(c *common.Common, resolve func(string) (flows.Target, error)) *Model {
	p := textinput.New()
	p.Placeholder = "a scenario file or directory"
	if _, err := os.Stat(DefaultPath); err == nil {
		p.SetValue(DefaultPath)
	}
	p.Width = 50
	return &Model{c: c, path: p, spin: spinner.New(spinner.WithSpinner(spinner.Dot)), out: viewport.New(0, 0), resolve: resolve}
}

func (m *Model) Init() tea.Cmd { return m.path.Focus() }

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.out.Width, m.out.Height = w, max(h-6, 3)
	m.path.Width = max(min(w-20, 60), 10)
}

func (m *Model) Title() string    { return "Run a scenario" }
func (m *Model) Typing() bool     { return !m.running }
func (m *Model) WantsPhone() bool { return false }

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")), k.Move, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		k := m.c.Keys
		switch {
		case key.Matches(msg, k.Back):
			return m, common.Home
		case m.running:
			return m, nil
		case key.Matches(msg, k.Enter):
			return m, m.run()
		case key.Matches(msg, k.Up), key.Matches(msg, k.Down), msg.String() == "pgup", msg.String() == "pgdown":
			var cmd tea.Cmd
			m.out, cmd = m.out.Update(msg)
			return m, cmd
		}
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(msg)
		return m, cmd
	case spinner.TickMsg:
		if !m.running {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.refresh()
		return m, cmd
	case doneMsg:
		m.running = false
		var b strings.Builder
		runner.WriteSummary(&b, msg.rep)
		m.summary = strings.TrimSpace(b.String())
		m.refresh()
		return m, nil
	case errorMsg:
		m.running, m.summary = false, msg.err.Error()
		return m, nil
	}
	return m, nil
}

func (m *Model) refresh() {
	m.out.SetContent(lipgloss.NewStyle().Width(m.w).Render(m.lines.String()))
	m.out.GotoBottom()
}

func (m *Model) run() tea.Cmd {
	path := strings.TrimSpace(m.path.Value())
	scs, err := scenario.Load(path)
	if err != nil {
		m.summary = err.Error()
		return nil
	}
	m.running, m.summary, m.lines = true, "", &lines{}
	l := m.lines
	opts := runner.Options{Resolve: m.resolve, Parallel: 4, Progress: func(p runner.Progress) {
		if p.Step != nil {
			l.add(p.Scenario.Name + " › " + strings.ReplaceAll(runner.StepLine(p.Step), "\n", "\n  "))
		}
	}}
	if name := m.c.Session.Target.Name; name != "sandbox" {
		opts.Profile = name
	}
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		return doneMsg{runner.Run(m.c.Ctx, scs, opts)}
	})
}

func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Run a scenario") + s.Subtle.Render("  · as `walletsim run` does, on "+m.c.Session.Target.Name) + "\n\n")
	b.WriteString("File or directory  " + m.path.View() + "\n")
	if m.running {
		b.WriteString(m.spin.View() + " running…\n")
	} else if m.summary != "" {
		b.WriteString(wrap(m.summary, m.w) + "\n")
	} else {
		b.WriteString(s.Subtle.Render("enter runs it; S on any screen saves what you did as a scenario.") + "\n")
	}
	if m.lines != nil {
		b.WriteString("\n" + m.out.View())
	}
	return b.String()
}

func wrap(s string, w int) string { return lipgloss.NewStyle().Width(max(w, 20)).Render(s) }
