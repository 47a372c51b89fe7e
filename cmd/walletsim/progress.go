package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/flows/runner"
)

// progress prints each step as it ends. On a terminal it keeps a status
// line at the bottom ("[12/27] 11 passed, 1 failed") and colours the marks
// (lipgloss decides from the terminal, and NO_COLOR turns colour off);
// otherwise plain lines only.
type progress struct {
	mu         sync.Mutex
	w          io.Writer
	tty        bool
	pass, fail lipgloss.Style
	skip       lipgloss.Style
	total      int
	finished   int
	counts     map[string]int
	show       bool
}

func newProgress(w io.Writer, total int, show bool) *progress {
	r := lipgloss.NewRenderer(w)
	return &progress{w: w, tty: isTerminal(w), total: total, counts: map[string]int{}, show: show,
		pass: r.NewStyle().Foreground(lipgloss.Color("2")), fail: r.NewStyle().Foreground(lipgloss.Color("1")),
		skip: r.NewStyle().Foreground(lipgloss.Color("3"))}
}

func (p *progress) update(ev runner.Progress) {
	if !p.show {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	if ev.Step != nil {
		line := p.colorMark(runner.StepLine(ev.Step))
		fmt.Fprintf(p.w, "%s › %s\n", ev.Scenario.Name, indentRest(line))
	} else {
		p.finished++
		p.counts[ev.Scenario.Status]++
	}
	p.status()
}

// clear erases the status line.
func (p *progress) clear() {
	if p.tty {
		fmt.Fprint(p.w, "\r"+ansi.EraseLineRight)
	}
}

func (p *progress) status() {
	if p.tty {
		fmt.Fprintf(p.w, "[%d/%d] %d passed, %d failed, %d errors", p.finished, p.total,
			p.counts[runner.Passed], p.counts[runner.Failed], p.counts[runner.Errored])
	}
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.show {
		p.clear()
	}
}

func indentRest(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }

// colorMark colours a step line's ✓, ✗ or – (skipped).
func (p *progress) colorMark(line string) string {
	for mark, style := range map[string]lipgloss.Style{"✓": p.pass, "✗": p.fail, "–": p.skip} {
		if rest, ok := strings.CutPrefix(line, mark); ok {
			return style.Render(mark) + rest
		}
	}
	return line
}
