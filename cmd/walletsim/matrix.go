package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows/matrix"
)

type matrixOptions struct {
	profile, config, junit, cardholder, otp, channel, forces string
	asJSON, markdown                                         bool
	parallel                                                 int
	timeout, noAnswer                                        time.Duration
}

func newMatrixCmd() *cobra.Command {
	o := &matrixOptions{}
	cmd := &cobra.Command{
		Use:   "matrix",
		Short: "Run every test card through every channel and preference, and check each outcome",
		Long: `matrix runs the whole outcome space of the sandbox's test cards: every card ×
channel (browser, decoupled) × challenge_preference × enrolled or not. Each
cell goes through the real flows — enroll, authenticate, the challenge page
or the wallet, the final result — and is checked against the documented
outcome table (the README's, which --markdown writes): a cell that differs
is red, and says what differed.

When the ACS asks for the cardholder, they enter the right code or approve
in the wallet; --cardholder makes them reject (cancel the page, REJECTED),
enter wrong codes (three on the page; FAILED in the wallet), or let the
request expire.

On the embedded sandbox it runs in well under a second, on a virtual clock.
With --profile it runs on a standalone walletsim sandbox (walletsim sandbox):
it enrolls and unenrolls the test cards there, and puts them back as they
were; decoupled cells need the profile's webhook_listen.

  0  every cell as documented
  1  a cell differs
  2  bad flags or profiles file
  3  the matrix could not run`,
		Example: `  walletsim matrix
  walletsim matrix --cardholder reject
  walletsim matrix --channel decoupled --cardholder expire
  walletsim matrix --forces C,D --cardholder wrong-code
  walletsim matrix --json > outcomes.json
  walletsim matrix --junit matrix.xml --cardholder expire
  walletsim matrix --markdown         # the README's outcome table
  walletsim matrix --profile local    # a standalone sandbox`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runMatrix(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.profile, "profile", "sandbox", "the walletsim sandbox to run on (see walletsim profiles)")
	f.StringVar(&o.config, "config", "", "profiles file (default $XDG_CONFIG_HOME/walletsim/config.yaml)")
	f.StringVar(&o.cardholder, "cardholder", string(matrix.Approve), "what the cardholder does when asked: approve, reject, wrong-code, expire")
	f.StringVar(&o.channel, "channel", "", "run only this channel's cells: browser or decoupled (default both)")
	f.StringVar(&o.forces, "forces", "", "run only the cards that force these outcomes, e.g. C,D (Y A C D N R U 500 503 timeout)")
	f.StringVar(&o.otp, "otp", string(issuing.SMS), "how enrolled cards receive codes: SMS or EMAIL")
	f.BoolVar(&o.asJSON, "json", false, "print every cell as JSON")
	f.StringVar(&o.junit, "junit", "", "write a JUnit XML report (a test case per cell) to this file")
	f.BoolVar(&o.markdown, "markdown", false, "print the documented outcome table as Markdown (the README's) and run nothing")
	f.IntVar(&o.parallel, "parallel", 32, "how many cells run at once")
	f.DurationVar(&o.timeout, "timeout", 10*time.Second, "per-request timeout")
	f.DurationVar(&o.noAnswer, "no-answer", 0, "how long to wait for the 3DS server's first answer before a cell counts as no answer (default --timeout; on the embedded sandbox's virtual clock it takes no real time)")
	return cmd
}

func runMatrix(cmd *cobra.Command, o *matrixOptions) error {
	out := cmd.OutOrStdout()
	if o.markdown {
		matrix.WriteMarkdown(out)
		return nil
	}
	opts, err := o.options()
	if err != nil {
		return &exitError{exitUsage, err}
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := matrix.Run(ctx, opts)
	if err != nil {
		return &exitError{exitCantRun, err}
	}
	if o.asJSON {
		if err := matrix.WriteJSON(out, rep); err != nil {
			return &exitError{exitCantRun, err}
		}
	} else {
		fmt.Fprintln(out, matrixTable(rep, colorOn(out), termWidth(out)))
		matrix.WriteSummary(out, rep)
	}
	if o.junit != "" {
		if err := writeFile(o.junit, func(w io.Writer) error { return matrix.WriteJUnit(w, rep) }); err != nil {
			return &exitError{exitCantRun, err}
		}
	}
	if rep.Failed > 0 {
		return &exitError{exitFailed, errors.New("")}
	}
	return nil
}

// options checks the flags, each error naming its flag and what it takes.
func (o *matrixOptions) options() (matrix.Options, error) {
	opts := matrix.Options{Parallel: o.parallel, Timeout: o.timeout, NoAnswer: o.noAnswer, Version: appVersion(),
		OTP: issuing.OTPMethod(o.otp), Channel: threeds.Channel(o.channel)}
	var err error
	if opts.Cardholder, err = matrix.ParseCardholder(o.cardholder); err != nil {
		return opts, fmt.Errorf("invalid --cardholder: %w", err)
	}
	if !opts.OTP.Valid() {
		return opts, fmt.Errorf("invalid --otp %q: use SMS or EMAIL", o.otp)
	}
	if opts.Channel != "" && !slices.Contains(threeds.Channels, opts.Channel) {
		return opts, fmt.Errorf("invalid --channel %q: use browser or decoupled", o.channel)
	}
	if o.forces != "" {
		if opts.Forces, err = matrix.ParseForces(o.forces); err != nil {
			return opts, fmt.Errorf("invalid --forces: %w", err)
		}
	}
	if o.parallel < 1 || o.timeout <= 0 || o.noAnswer < 0 {
		return opts, errors.New("--parallel, --timeout and --no-answer must be positive")
	}
	set, err := loadProfiles(o.config)
	if err != nil {
		return opts, err
	}
	opts.Target, err = set.Target(o.profile)
	return opts, err
}

// termWidth is w's width when it is a terminal, else 0.
func termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && isTerminal(w) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			return width
		}
	}
	return 0
}

// colorOn reports whether w gets colours: a terminal, without NO_COLOR.
func colorOn(w io.Writer) bool { return isTerminal(w) && os.Getenv("NO_COLOR") == "" }
