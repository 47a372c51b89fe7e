// Command walletsim is a terminal simulator of a cardholder's 3-D Secure
// journey: enrollment, authentication of a purchase, and the wallet's
// biometric approval, against an embedded sandbox or real endpoints.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// rootVersion is what --version prints after "walletsim ": the version,
// the commit and the Go version (version.go), through cobra and through
// versionOnly's short cut alike.
func rootVersion() string { return currentBuild().String() }

// versionOnly reports whether the arguments ask only for the version, as
// cobra's version flag (--version, -v) would answer it: main answers that
// before building the command tree, every command's flags and completions,
// which was most of what walletsim itself added to the start-up of
// `walletsim --version` (TestVersionShortCut keeps both answers the same).
func versionOnly(args []string) bool {
	return len(args) == 1 && (args[0] == "--version" || args[0] == "-v")
}

func newRootCmd() *cobra.Command {
	tuiOpts := &tuiOptions{}
	root := &cobra.Command{
		Use:   "walletsim",
		Short: "Walk through a cardholder's 3-D Secure journey in the terminal",
		Long: `walletsim simulates a cardholder's 3-D Secure journey: enroll a card in the
issuer's 3DS program, authenticate a purchase as the merchant (browser or
decoupled), and approve it biometrically as the cardholder's wallet.

Every party is played by walletsim on an embedded sandbox by default, so no
credentials or network are needed.

Without a command, walletsim opens its terminal UI on the sandbox (or on
--profile). Without a terminal, use walletsim run.`,
		Version:       rootVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Example: `  walletsim                        # the TUI on the embedded sandbox
  walletsim --profile staging      # the TUI on a profile's endpoints
  walletsim matrix                 # every test card's outcome, checked
  walletsim run testdata/scenarios # scenarios, headless
  walletsim info                   # what to paste into a bug report`,
		Args:              rootArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(cmd, tuiOpts)
		},
	}
	f := root.Flags()
	f.StringVar(&tuiOpts.profile, "profile", "sandbox", "target profile (see walletsim profiles)")
	f.StringVar(&tuiOpts.config, "config", "", "profiles file (default $XDG_CONFIG_HOME/walletsim/config.yaml)")
	f.StringVar(&tuiOpts.log, "log", "", "write diagnostics to this file (nothing is written to the terminal)")
	f.DurationVar(&tuiOpts.webhookTolerance, "webhook-tolerance", 0, webhookToleranceUsage)
	f.BoolVar(&tuiOpts.noMouse, "no-mouse", false, "leave the mouse to the terminal (to select text); the TUI's wheel scrolling and clicks are off")
	root.SetVersionTemplate("walletsim {{.Version}}\n")
	root.AddCommand(newSandboxCmd(), newRunCmd(), newCheckCmd(), newProfilesCmd(), newLearnCmd(), newMatrixCmd(), newInfoCmd(), newManCmd())
	root.SetFlagErrorFunc(flagError)
	root.SuggestionsMinimumDistance = 2
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newCompletionCmd())
	addCompletions(root)
	return root
}

// exitError carries an exit status up to main; an empty message prints
// nothing (the command has said everything already).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	if versionOnly(os.Args[1:]) {
		fmt.Printf("walletsim %s\n", rootVersion())
		return
	}
	err := newRootCmd().Execute()
	if err == nil {
		return
	}
	code := 2 // usage: cobra's own errors are bad flags or arguments
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(os.Stderr, "walletsim:", msg)
	}
	os.Exit(code)
}
