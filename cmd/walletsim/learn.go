package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/walletsim/walletsim/flows/course"
	"github.com/walletsim/walletsim/tui/common"
)

func newLearnCmd() *cobra.Command {
	o := &tuiOptions{}
	var reset bool
	var lessons string
	cmd := &cobra.Command{
		Use:   "learn",
		Short: "A short course on 3-D Secure whose exercises the simulator checks",
		Long: `walletsim learn opens the course in the terminal UI: seven short lessons, from
who takes part in 3-D Secure to ECI, CAVV, reasons and enrollment. Each lesson
ends with exercises that walletsim checks from what you actually do in the
simulator (a purchase that ends with ECI 06, a challenge left to time out...)
and a few multiple-choice questions, each answer explained.

Progress is kept in $XDG_STATE_HOME/walletsim/course.json (by default
~/.local/state/walletsim/) and survives restarts; --reset clears it.

A team adds its own lessons, about its own platform, as Markdown files with
YAML front matter in a directory given with --lessons (see the shipped ones in
flows/course/lessons): no Go code. A bad lesson file is refused with its file,
line and field.`,
		Example: `  walletsim learn
  walletsim learn --lessons ./our-lessons
  walletsim learn --reset`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := course.DefaultStore()
			if err != nil {
				return &exitError{exitCantRun, err}
			}
			if reset {
				if err := store.Reset(); err != nil {
					return &exitError{exitCantRun, fmt.Errorf("cannot clear the course's progress: %w", err)}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Course progress cleared (%s): every lesson starts again.\n", store.Path)
				return nil
			}
			c, err := course.Load(lessons)
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("--lessons: %w", err)}
			}
			o.course, o.store, o.start = c, store, common.Course
			return runTUI(cmd, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&reset, "reset", false, "clear the course's progress, and exit")
	f.StringVar(&lessons, "lessons", "", "a directory of a team's own lesson files (*.md), shown among the shipped lessons")
	f.StringVar(&o.profile, "profile", "sandbox", "target profile (the exercises are checked on the embedded sandbox)")
	f.StringVar(&o.config, "config", "", "profiles file (default $XDG_CONFIG_HOME/walletsim/config.yaml)")
	f.StringVar(&o.log, "log", "", "write diagnostics to this file")
	f.BoolVar(&o.noMouse, "no-mouse", false, "leave the mouse to the terminal")
	return cmd
}

// learning is the course as the TUI holds it: walletsim learn's course
// and store, loaded already; otherwise the shipped lessons, loaded when
// the course is first opened (start-up does not pay for them).
func learning(o *tuiOptions, j *course.Journal) *common.Learn {
	if o.course != nil {
		return common.NewLearn(o.course, j, o.store)
	}
	return common.LazyLearn(j, func() (*course.Course, course.Store, error) {
		c, err := course.Load("")
		if err != nil {
			return nil, course.Store{}, err
		}
		store, err := course.DefaultStore()
		return c, store, err
	})
}
