package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/walletsim/walletsim/flows/course"
	"github.com/walletsim/walletsim/flows/profile"
)

// newInfoCmd prints what a bug report needs: the build, the files in use,
// the profiles (which secrets are set, never their values) and what was
// detected of the terminal.
func newInfoCmd() *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Print the build, files, profiles and terminal walletsim sees (for bug reports)",
		Long: `info prints what to paste into a bug report: walletsim's version, commit and Go
version; the profiles file, the course's progress file and where files are
saved; each profile with which of its secrets are set (never their values);
and the terminal as detected: whether standard input and output are
terminals, the colour profile, TERM, COLORTERM and NO_COLOR.`,
		Example: `  walletsim info
  walletsim info --config ./staging.yaml | pbcopy`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeInfo(cmd.OutOrStdout(), configPath, os.Getenv)
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "profiles file (default $XDG_CONFIG_HOME/walletsim/config.yaml)")
	return cmd
}

func writeInfo(out io.Writer, configPath string, getenv func(string) string) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	b := currentBuild()
	fmt.Fprintln(tw, "build")
	row("version", b.short())
	row("commit", or(b.Commit, "unknown (built without version control)")+modified(b))
	row("go", b.Go+" "+b.Platform)

	fmt.Fprintln(tw, "files")
	source := "--config"
	if configPath == "" {
		source = "default"
		if getenv("WALLETSIM_CONFIG") != "" {
			source = "$WALLETSIM_CONFIG"
		}
		configPath, _ = profile.Path()
	}
	row("profiles file", configPath+" ("+source+", "+exists(configPath)+")")
	if st, err := course.DefaultStore(); err == nil {
		row("course progress", st.Path+" ("+exists(st.Path)+")")
	} else {
		row("course progress", err.Error())
	}
	wd, _ := os.Getwd()
	row("saved sessions, exports", wd+" (the current directory)")
	row("log", "none unless --log FILE is given (the TUI never writes to the terminal)")
	tw.Flush()

	set, err := loadProfiles(configPath)
	fmt.Fprintln(out, "profiles")
	switch {
	case err != nil:
		fmt.Fprintf(out, "  the profiles file is invalid: %v\n", err)
	default:
		fmt.Fprintln(out, "  sandbox: the embedded sandbox (built in, no secrets)")
		for _, n := range set.Names() {
			if n == "sandbox" {
				continue
			}
			p := set.Profiles[n]
			fmt.Fprintf(out, "  %s: %s, sandbox extensions %v\n", n, p.ThreeDSURL, p.Extensions)
			for _, s := range p.SecretStatus() {
				fmt.Fprintf(out, "    %s\n", s)
			}
		}
	}

	tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "terminal")
	row("stdin is a terminal", yes(isTerminal(os.Stdin)))
	row("stdout is a terminal", yes(isTerminal(os.Stdout)))
	row("colour profile", colorProfile(lipgloss.ColorProfile()))
	for _, v := range []string{"TERM", "COLORTERM", "NO_COLOR"} {
		row(v, quoteOr(getenv(v)))
	}
	return tw.Flush()
}

func colorProfile(p termenv.Profile) string {
	switch p {
	case termenv.TrueColor:
		return "true colour (24-bit)"
	case termenv.ANSI256:
		return "256 colours"
	case termenv.ANSI:
		return "16 colours"
	}
	return "no colour (ASCII)"
}

func exists(path string) string {
	if _, err := os.Stat(path); err != nil {
		return "absent"
	}
	if abs, err := filepath.Abs(path); err == nil && abs != path {
		return "present, " + abs
	}
	return "present"
}

func modified(b buildInfo) string {
	if b.Modified {
		return ", with uncommitted changes"
	}
	return ""
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func quoteOr(s string) string {
	if s == "" {
		return "unset"
	}
	return fmt.Sprintf("%q", s)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
