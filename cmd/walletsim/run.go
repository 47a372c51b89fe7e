package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/walletsim/walletsim/flows/profile"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
)

// Exit codes of walletsim run (also in the README).
const (
	exitFailed  = 1 // an expectation did not hold
	exitUsage   = 2 // bad flags or invalid scenario files
	exitCantRun = 3 // a scenario could not run (target unreachable, steps out of order)
)

func newRunCmd() *cobra.Command {
	var (
		profileName, junit, transcriptPath, configPath string
		parallel                                       int
		asJSON                                         bool
		timeout                                        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "run FILE|DIR...",
		Short: "Run scenarios headlessly and check their expectations",
		Long: `Run scenario files (and every *.yaml in the directories given) on the embedded
sandbox, or on a profile's endpoints with --profile. Each step is printed as it
ends; the exit status says how the run went:

  0  every expectation held
  1  an expectation did not hold
  2  bad flags or an invalid scenario file (file, line and field are named)
  3  a scenario could not run (target unreachable, a step out of order)`,
		Example: `  walletsim run testdata/scenarios
  walletsim run --parallel 8 --junit report.xml --transcript run.jsonl testdata/scenarios
  walletsim run --profile staging --json my-bug.yaml`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: scenarioArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if parallel < 1 {
				return &exitError{exitUsage, errors.New("--parallel must be at least 1")}
			}
			if timeout <= 0 {
				return &exitError{exitUsage, errors.New("--timeout must be positive")}
			}
			scs, err := scenario.Load(args...)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			set, err := loadProfiles(configPath)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if profileName != "" {
				if _, err := set.Target(profileName); err != nil {
					return &exitError{exitUsage, err}
				}
			}
			opts := runner.Options{Resolve: set.Target, Profile: profileName, Parallel: parallel, Timeout: timeout, Version: appVersion()}
			var closeTranscript func() error
			if transcriptPath != "" {
				f, err := os.Create(transcriptPath)
				if err != nil {
					return &exitError{exitUsage, err}
				}
				opts.Transcript, closeTranscript = f, f.Close
			}
			out := cmd.OutOrStdout()
			progressOut := out
			if asJSON {
				progressOut = cmd.ErrOrStderr()
			}
			pr := newProgress(progressOut, len(scs), !asJSON || isTerminal(progressOut))
			opts.Progress = pr.update
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep := runner.Run(ctx, scs, opts)
			pr.done()
			if closeTranscript != nil {
				if err := closeTranscript(); err != nil {
					return &exitError{exitCantRun, err}
				}
			}
			if asJSON {
				runner.WriteJSON(out, rep)
			} else {
				runner.WriteSummary(out, rep)
			}
			if junit != "" {
				if err := writeFile(junit, func(w io.Writer) error { return runner.WriteJUnit(w, rep) }); err != nil {
					return &exitError{exitCantRun, err}
				}
			}
			if code := rep.ExitCode(); code != 0 {
				return &exitError{code: code, err: errors.New("")}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&profileName, "profile", "", "run on this profile's endpoints instead of each scenario's target")
	f.IntVar(&parallel, "parallel", 1, "how many scenarios run at once")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON (progress goes to stderr)")
	f.StringVar(&junit, "junit", "", "write a JUnit XML report to this file")
	f.StringVar(&transcriptPath, "transcript", "", "write every HTTP exchange, redacted, as JSON lines to this file")
	f.DurationVar(&timeout, "timeout", 10*time.Second, "per-attempt timeout of each call")
	f.StringVar(&configPath, "config", "", "profiles file (default $XDG_CONFIG_HOME/walletsim/config.yaml)")
	return cmd
}

func loadProfiles(path string) (*profile.Set, error) {
	if path == "" {
		var err error
		if path, err = profile.Path(); err != nil {
			return &profile.Set{Profiles: map[string]*profile.Profile{}}, nil
		}
	}
	return profile.Load(path)
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// isTerminal reports whether w is a terminal: a character device is not
// enough (/dev/null is one), so ask the terminal driver.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress prints each step as it ends. On a terminal it keeps a status
// line at the bottom ("[12/27] 11 passed, 1 failed") and colours the marks
// (unless NO_COLOR is set); otherwise plain lines only.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	color    bool
	total    int
	finished int
	counts   map[string]int
	show     bool
}

func newProgress(w io.Writer, total int, show bool) *progress {
	tty := isTerminal(w)
	return &progress{w: w, tty: tty, color: tty && os.Getenv("NO_COLOR") == "", total: total, counts: map[string]int{}, show: show}
}

func (p *progress) update(ev runner.Progress) {
	if !p.show {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	if ev.Step != nil {
		line := runner.StepLine(ev.Step)
		if p.color {
			line = colorMark(line)
		}
		fmt.Fprintf(p.w, "%s › %s\n", ev.Scenario.Name, indentRest(line))
	} else {
		p.finished++
		p.counts[ev.Scenario.Status]++
	}
	p.status()
}

func (p *progress) clear() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
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

func colorMark(line string) string {
	switch {
	case strings.HasPrefix(line, "✓"):
		return "\033[32m✓\033[0m" + strings.TrimPrefix(line, "✓")
	case strings.HasPrefix(line, "✗"):
		return "\033[31m✗\033[0m" + strings.TrimPrefix(line, "✗")
	case strings.HasPrefix(line, "–"):
		return "\033[33m–\033[0m" + strings.TrimPrefix(line, "–")
	}
	return line
}
