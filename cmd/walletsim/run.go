package main

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/walletsim/walletsim/flows"
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

// runOptions are walletsim run's flags.
type runOptions struct {
	profile, junit, transcript, config string
	parallel                           int
	asJSON                             bool
	timeout, webhookTolerance          time.Duration
}

func newRunCmd() *cobra.Command {
	o := &runOptions{}
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
		RunE:              func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.profile, "profile", "", "run on this profile's endpoints instead of each scenario's target")
	f.IntVar(&o.parallel, "parallel", 1, "how many scenarios run at once")
	f.BoolVar(&o.asJSON, "json", false, "print the results as JSON (progress goes to stderr)")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report to this file")
	f.StringVar(&o.transcript, "transcript", "", "write every HTTP exchange, redacted, as JSON lines to this file")
	f.DurationVar(&o.timeout, "timeout", 10*time.Second, "per-attempt timeout of each call")
	f.StringVar(&o.config, "config", "", "profiles file (default $XDG_CONFIG_HOME/walletsim/config.yaml)")
	f.DurationVar(&o.webhookTolerance, "webhook-tolerance", 0, webhookToleranceUsage)
	return cmd
}

// run loads the scenarios, runs them and reports.
func (o *runOptions) run(cmd *cobra.Command, args []string) error {
	scs, opts, err := o.prepare(args, cmd.ErrOrStderr())
	if err != nil {
		return &exitError{exitUsage, err}
	}
	var transcript *os.File
	if o.transcript != "" {
		if transcript, err = os.Create(o.transcript); err != nil {
			return &exitError{exitUsage, err}
		}
		opts.Transcript = transcript
	}
	out, progressOut := cmd.OutOrStdout(), cmd.OutOrStdout()
	if o.asJSON {
		progressOut = cmd.ErrOrStderr()
	}
	pr := newProgress(progressOut, len(scs), !o.asJSON || isTerminal(progressOut))
	opts.Progress = pr.update
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep := runner.Run(ctx, scs, opts)
	pr.done()
	if transcript != nil {
		if err := transcript.Close(); err != nil {
			return &exitError{exitCantRun, err}
		}
	}
	return o.report(out, rep)
}

// prepare checks the flags and loads the scenarios and profiles.
// Warnings (a webhook listener open beyond this machine) go to stderr.
func (o *runOptions) prepare(args []string, stderr io.Writer) ([]scenario.Scenario, runner.Options, error) {
	var opts runner.Options
	switch {
	case o.parallel < 1:
		return nil, opts, errors.New("--parallel must be at least 1")
	case o.timeout <= 0:
		return nil, opts, errors.New("--timeout must be positive")
	case o.webhookTolerance < 0:
		return nil, opts, errors.New("--webhook-tolerance must be positive")
	}
	scs, err := scenario.Load(args...)
	if err != nil {
		return nil, opts, err
	}
	set, err := loadProfiles(o.config)
	if err != nil {
		return nil, opts, err
	}
	resolve := resolver(set, o.webhookTolerance)
	var targets []flows.Target
	for _, sc := range scs {
		name := sc.Target
		if o.profile != "" {
			name = o.profile
		}
		t, err := resolve(name)
		if err != nil && o.profile != "" {
			return nil, opts, err
		}
		targets = append(targets, t)
	}
	warnListen(stderr, targets...)
	return scs, runner.Options{Resolve: resolve, Profile: o.profile, Parallel: o.parallel, Timeout: o.timeout, Version: appVersion()}, nil
}

// report prints the results and writes the JUnit file; its error carries
// the exit status.
func (o *runOptions) report(out io.Writer, rep *runner.Report) error {
	if o.asJSON {
		runner.WriteJSON(out, rep)
	} else {
		runner.WriteSummary(out, rep)
	}
	if o.junit != "" {
		if err := writeFile(o.junit, func(w io.Writer) error { return runner.WriteJUnit(w, rep) }); err != nil {
			return &exitError{exitCantRun, err}
		}
	}
	if code := rep.ExitCode(); code != 0 {
		return &exitError{code: code, err: errors.New("")}
	}
	return nil
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
