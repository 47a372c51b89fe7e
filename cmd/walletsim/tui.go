package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/course"
	"github.com/walletsim/walletsim/flows/embedded"
	"github.com/walletsim/walletsim/tui"
	"github.com/walletsim/walletsim/tui/common"
)

type tuiOptions struct {
	profile, config, log string
	noMouse              bool

	// The course: walletsim learn's lessons and progress store, and the
	// page to start on (the shipped lessons and home by default).
	course *course.Course
	store  course.Store
	start  common.PageID
}

// noTTY is said when walletsim is started without a terminal.
const noTTY = `walletsim's TUI needs an interactive terminal, and this is not one.

To run walkthroughs headlessly (CI, scripts, bug reports), use scenarios:
  walletsim run testdata/scenarios          # the shipped scenarios
  walletsim run --help                      # the format and the flags
To serve the sandbox for curl or Postman:
  walletsim sandbox`

// dumbTerm is said when the terminal cannot draw the TUI.
const dumbTerm = `walletsim's TUI draws a full screen, which TERM=dumb cannot show.

Use scenarios instead, which print plain lines:
  walletsim run testdata/scenarios          # the shipped scenarios
  walletsim run --help                      # the format and the flags
or start walletsim in a terminal with a TERM such as xterm-256color.`

// runTUI opens the session and runs the TUI until the person quits.
func runTUI(cmd *cobra.Command, o *tuiOptions) error {
	switch {
	case !isTerminal(os.Stdin) || !isTerminal(cmd.OutOrStdout()):
		fmt.Fprintln(cmd.ErrOrStderr(), noTTY)
		return &exitError{exitUsage, errors.New("")}
	case os.Getenv("TERM") == "dumb":
		fmt.Fprintln(cmd.ErrOrStderr(), dumbTerm)
		return &exitError{exitUsage, errors.New("")}
	}
	set, err := loadProfiles(o.config)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	target, err := set.Target(o.profile)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	logger, closeLog, err := openLog(o.log)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	defer closeLog()
	sink, events := tui.Sink()
	journal := &course.Journal{}
	learn := learning(o, journal)
	opts := flows.Options{Sink: sink, Logger: logger, Version: appVersion(), Journal: journal}
	tuiOpts := tui.Options{Events: events, Resolve: set.Target, Learn: learn, Start: o.start}
	if target.Sandbox {
		// The embedded sandbox runs on a test clock the person can move
		// forward, to see an expiry without waiting for it.
		clock := &flows.ShiftClock{}
		opts.Clock, tuiOpts.Clock = clock, clock
	}
	sess, err := embedded.Open(cmd.Context(), target, opts)
	if err != nil {
		return &exitError{exitCantRun, fmt.Errorf("cannot open %s: %w", target.Name, err)}
	}
	defer sess.Close()
	tuiOpts.Session = sess
	learn.Messages = sess.ReadsMessages()
	app := tui.New(tuiOpts)
	defer app.Close()
	programOpts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(cmd.Context())}
	if !o.noMouse {
		programOpts = append(programOpts, tea.WithMouseCellMotion())
	}
	_, err = tea.NewProgram(app, programOpts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	return err
}

// openLog sends diagnostics to a file, or nowhere: never to the terminal
// the TUI owns.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil)), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }, nil
}
