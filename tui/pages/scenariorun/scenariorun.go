// Package scenariorun runs scenario files from the TUI, as `walletsim run`
// does, and shows each scenario's steps as they end, grouped by scenario
// in the order of the files.
package scenariorun

import (
	"os"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/filter"
	"github.com/walletsim/walletsim/tui/keymap"
)

// Model is the scenario page.
type Model struct {
	c       *common.Common
	w, h    int
	path    textinput.Model
	spin    spinner.Model
	filter  *filter.Model
	resolve func(string) (flows.Target, error)

	running  bool
	progress chan progressMsg
	order    []string          // the scenarios, in the order of the files
	blocks   map[string]*block // by scenario
	summary  string
}

// block is one scenario's lines.
type block struct {
	title string
	steps []string
	end   string // its status once it ended
}

type (
	// progressMsg is one step or one scenario's end, as the runner
	// reported it (copied on the runner's goroutine).
	progressMsg struct {
		key, step, end string
	}
	doneMsg struct{ rep *runner.Report }
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
	return &Model{c: c, path: p, spin: spinner.New(spinner.WithSpinner(spinner.Dot)), filter: filter.New(c), resolve: resolve}
}

func (m *Model) Init() tea.Cmd { return m.path.Focus() }

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.path.Width = max(min(w-22, 60), 10)
}

func (m *Model) Title() string    { return "Run a scenario" }
func (m *Model) WantsPhone() bool { return false }

// Owns: the path field with focus takes what types (esc leaves it); the
// results' filter takes its keys.
func (m *Model) Owns(km tea.KeyMsg) bool {
	if m.path.Focused() {
		return keymap.TextField(km)
	}
	return m.filter.Owns(km)
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	switch {
	case m.path.Focused():
		return []key.Binding{k.Run, k.LeaveField}
	case m.filter.Typing():
		return m.filter.Help()
	}
	return append([]key.Binding{k.EditPath, k.Scroll}, append(m.filter.Help(), k.Back)...)
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{{k.Run, k.LeaveField, k.EditPath, k.Scroll, k.Filter, k.Back}}
}

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m, m.key(msg)
	case spinner.TickMsg:
		if !m.running {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case progressMsg:
		m.take(msg)
		return m, m.next()
	case doneMsg:
		for { // what the runner reported before it returned
			select {
			case p := <-m.progress:
				m.take(p)
				continue
			default:
			}
			break
		}
		m.running = false
		var b strings.Builder
		runner.WriteSummary(&b, msg.rep)
		m.summary = strings.TrimSpace(b.String())
		return m, nil
	}
	if m.path.Focused() {
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case m.path.Focused() && key.Matches(km, k.LeaveField):
		m.path.Blur()
		return nil
	case m.path.Focused() && key.Matches(km, k.Run) && !m.running:
		return m.run()
	case m.path.Focused():
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(km)
		return cmd
	case m.filter.Owns(km):
		_, cmd := m.filter.Update(km)
		return cmd
	case key.Matches(km, k.EditPath), key.Matches(km, k.Enter):
		return m.path.Focus()
	case key.Matches(km, k.Filter):
		return m.filter.Start()
	case key.Matches(km, k.Back):
		return common.GoHome
	}
	return nil
}

// run loads and runs what the path names; the results arrive as the
// runner reports them.
func (m *Model) run() tea.Cmd {
	path := strings.TrimSpace(m.path.Value())
	scs, err := scenario.Load(path)
	if err != nil {
		m.summary = err.Error()
		return nil
	}
	m.running, m.summary, m.blocks, m.order = true, "", map[string]*block{}, nil
	for _, sc := range scs {
		id := sc.File + "\x00" + sc.Name
		m.order = append(m.order, id)
		m.blocks[id] = &block{title: sc.Name}
	}
	m.path.Blur() // the results have the keys now; e edits the path again
	progress := make(chan progressMsg, 1024)
	m.progress = progress
	opts := runner.Options{Resolve: m.resolve, Parallel: 4, Progress: func(p runner.Progress) {
		msg := progressMsg{key: p.Scenario.File + "\x00" + p.Scenario.Name}
		if p.Step != nil {
			msg.step = runner.StepLine(p.Step)
		} else {
			msg.end = p.Scenario.Status
		}
		progress <- msg
	}}
	if name := m.c.Session.Target.Name; name != "sandbox" {
		opts.Profile = name
	}
	ctx := m.c.Ctx
	return tea.Batch(m.spin.Tick, m.next(), func() tea.Msg {
		return doneMsg{runner.Run(ctx, scs, opts)}
	})
}

// next waits for the runner's next report.
func (m *Model) next() tea.Cmd {
	ch := m.progress
	if ch == nil || !m.running {
		return nil
	}
	return func() tea.Msg { return <-ch }
}

func (m *Model) take(p progressMsg) {
	b := m.blocks[p.key]
	if b == nil {
		return
	}
	if p.step != "" {
		b.steps = append(b.steps, p.step)
	}
	if p.end != "" {
		b.end = p.end
	}
}

func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Run a scenario") + s.Subtle.Render("  · as `walletsim run` does, on "+m.c.Session.Target.Name) + "\n\n")
	b.WriteString("File or directory  " + m.path.View() + "\n")
	switch {
	case m.running:
		b.WriteString(m.spin.View() + " running…\n")
	case m.summary != "":
		b.WriteString(wrap(m.summary, m.w) + "\n")
	default:
		b.WriteString(s.Subtle.Render(wrap("enter runs it; S on any screen saves what you did as a scenario.", m.w)) + "\n")
	}
	if f := m.filter.View(m.counts()); f != "" {
		b.WriteString(f + "\n")
	}
	for _, id := range m.order {
		if text := m.block(m.blocks[id]); text != "" {
			b.WriteString("\n" + text)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// block draws one scenario's steps that pass the filter.
func (m *Model) block(bl *block) string {
	s := m.c.Styles
	var lines []string
	for _, st := range bl.steps {
		if m.filter.Match(bl.title + " " + st) {
			lines = append(lines, hang(st, m.w))
		}
	}
	if len(lines) == 0 && (m.filter.Active() || len(bl.steps) == 0 && bl.end == "") {
		return ""
	}
	head := s.Subtitle.Render(bl.title)
	switch bl.end {
	case runner.Passed:
		head += " " + s.OK.Render(bl.end)
	case "":
	default:
		head += " " + s.Bad.Render(bl.end)
	}
	return wrap(head, m.w) + "\n" + strings.Join(lines, "\n") + "\n"
}

// counts is how many steps the filter shows, of all.
func (m *Model) counts() (shown, total int) {
	for _, id := range m.order {
		bl := m.blocks[id]
		for _, st := range bl.steps {
			total++
			if m.filter.Match(bl.title + " " + st) {
				shown++
			}
		}
	}
	return shown, total
}

func wrap(s string, w int) string { return lipgloss.NewStyle().Width(max(w, 20)).Render(s) }

// hang wraps a step's line under its mark: "  ✓ 2 authenticate — …" with
// the lines after it indented to the text.
func hang(s string, w int) string {
	lines := strings.Split(strings.TrimRight(wrap(s, w-4), " \n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + strings.TrimRight(l, " ")
		if i == 0 {
			lines[i] = "  " + strings.TrimRight(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}
