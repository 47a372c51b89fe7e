package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/conformance"
	"github.com/walletsim/walletsim/flows/embedded"
)

func newCheckCmd() *cobra.Command {
	var (
		profileName, configPath, junit, pan, cardID string
		asJSON                                      bool
		timeout                                     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check that a target answers as the seeds document",
		Long: `Run a conformance suite against a profile's endpoints (or the embedded
sandbox): the requests the seeds document — valid ones, and the documented
errors that are safe to provoke — checking each answer's status, shape (keys
and types) and documented messages. One line per rule: passed, failed with
what differed, or skipped with why.

It leaves the target as it found it: it unenrolls the card it enrolled, and
on a card already enrolled it only reads and sets the method it had. It
sends one authenticate request (browser, no_challenge), which seed 004 gives
no way to cancel.

  0  no rule failed
  1  a rule failed
  2  bad flags or profiles file
  3  the target did not answer`,
		Example: `  walletsim check
  walletsim check --profile staging --junit check.xml
  walletsim check --profile staging --json --card 4000000000000010`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if timeout <= 0 {
				return &exitError{exitUsage, errors.New("--timeout must be positive")}
			}
			set, err := loadProfiles(configPath)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			target, err := set.Target(profileName)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var transport http.RoundTripper
			if target.Sandbox {
				// The embedded sandbox, in memory, on a card of its own.
				target.WebhookListen = ""
				s, err := embedded.Open(ctx, target, flows.Options{Version: appVersion()})
				if err != nil {
					return &exitError{exitCantRun, err}
				}
				defer s.Close()
				target, transport = s.Target, s.Transport()
			}
			if target.Extensions && cardID == "" {
				// A walletsim sandbox takes any card: a fresh one keeps two
				// checks (or a check and someone's flows) out of each
				// other's way.
				cardID = "check-" + uuid.NewString()
			}
			out := cmd.OutOrStdout()
			progress := out
			if asJSON {
				progress = cmd.ErrOrStderr()
			}
			fmt.Fprintf(progress, "Checking %s against the seeds\n", target.Name)
			rep := conformance.Run(ctx, target, conformance.Options{
				PAN: pan, CardID: cardID, Timeout: timeout, Version: appVersion(), Transport: transport,
				Progress: func(r conformance.Result) { fmt.Fprintln(progress, conformance.Line(r)) },
			})
			if asJSON {
				conformance.WriteSummary(progress, rep)
				conformance.WriteJSON(out, rep)
			} else {
				conformance.WriteSummary(out, rep)
			}
			if junit != "" {
				if err := writeFile(junit, func(w io.Writer) error { return conformance.WriteJUnit(w, rep) }); err != nil {
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
	f.StringVar(&profileName, "profile", "sandbox", "the target to check (see walletsim profiles)")
	f.StringVar(&configPath, "config", "", "profiles file (default $XDG_CONFIG_HOME/walletsim/config.yaml)")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON (progress goes to stderr)")
	f.StringVar(&junit, "junit", "", "write a JUnit XML report to this file")
	f.StringVar(&pan, "card", conformance.DefaultPAN, "the card number to authenticate")
	f.StringVar(&cardID, "card-id", "", "the issuer's card id for the enrollment rules (default: the profile's card_id; a fresh one on a walletsim sandbox)")
	f.DurationVar(&timeout, "timeout", 15*time.Second, "per-request timeout")
	return cmd
}
