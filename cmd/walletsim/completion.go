package main

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows/matrix"
)

// Shell completion: cobra's completion command (bash, zsh, fish,
// powershell) asks the binary itself (walletsim __complete …), so the
// values below are completed in every shell.

// values completes a fixed set, with a description each (shown by zsh,
// fish and powershell).
func values(vs ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(vs, cobra.ShellCompDirectiveNoFileComp)
}

// commaList completes one more value of a comma-separated list: after
// "C,", the candidates are "C,Y", "C,A", …
func commaList(vs []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		done := toComplete[:strings.LastIndex(toComplete, ",")+1]
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = done + v
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

func files(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

func anyFile(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveDefault
}

// profileNames completes the profiles of the file --config names (or the
// default one), with their 3DS server URL as description.
func profileNames(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	config, _ := cmd.Flags().GetString("config")
	set, err := loadProfiles(config)
	if err != nil {
		return []string{"sandbox\tthe embedded sandbox"}, cobra.ShellCompDirectiveNoFileComp
	}
	names := []string{"sandbox\tthe embedded sandbox"}
	for _, n := range set.Names() {
		if n != "sandbox" {
			names = append(names, n+"\t"+set.Profiles[n].ThreeDSURL)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

func described[T ~string](vs []T, describe func(T) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v) + "\t" + describe(v)
	}
	return out
}

// freeForm is what a flag without a list of values completes to: nothing,
// so that the shell does not offer file names where none fits.
var freeForm = cobra.NoFileCompletions

// flagCompletions is how each flag of the tree completes, by name: a flag
// of the same name means the same on every command. A test walks the tree
// and fails on a flag that takes a value and is missing here.
var flagCompletions = map[string]cobra.CompletionFunc{
	"profile":    profileNames,
	"config":     files("yaml", "yml"),
	"log":        anyFile,
	"dir":        cobra.FixedCompletions(nil, cobra.ShellCompDirectiveFilterDirs),
	"lessons":    cobra.FixedCompletions(nil, cobra.ShellCompDirectiveFilterDirs),
	"junit":      files("xml"),
	"transcript": files("jsonl"),
	"cardholder": values(described(matrix.Cardholders, describeCardholder)...),
	"otp":        values(described(issuing.OTPMethods, func(m issuing.OTPMethod) string { return "one-time codes by " + strings.ToLower(string(m)) })...),
	"channel":    values(described(threeds.Channels, describeChannel)...),
	"forces":     commaList(described(matrix.Outcomes(), testcards.Outcome.Describe)),
	// The store's kinds; a path or URL follows sqlite: and postgres://, so
	// no space is added after them.
	"store": cobra.FixedCompletions([]string{"memory\tin memory, lost when the process stops",
		"sqlite:\ta SQLite file: sqlite:PATH", "postgres://\ta PostgreSQL database: postgres://USER:PASSWORD@HOST:PORT/DB"},
		cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace),
	// Values a person makes up: nothing to offer.
	"parallel": freeForm, "timeout": freeForm, "no-answer": freeForm, "card": freeForm, "card-id": freeForm,
	"listen": freeForm, "expiry": freeForm, "webhook-url": freeForm, "hmac-key": freeForm, "faults": freeForm,
	"merchant-name": freeForm, "public-url": freeForm, "webhook-tolerance": freeForm,
	"read-header-timeout": freeForm, "read-timeout": freeForm, "write-timeout": freeForm, "idle-timeout": freeForm,
	"max-header-bytes": freeForm, "max-stored-bytes": freeForm, "max-workspace-bytes": freeForm, "workspace-idle": freeForm, "max-conns": freeForm,
	"require-api-key": freeForm, "require-issuing-token": freeForm, "require-3ds-key": freeForm, "require-wallet-token": freeForm,
}

func describeCardholder(c matrix.Cardholder) string {
	switch c {
	case matrix.Approve:
		return "the right code, or VERIFIED in the wallet"
	case matrix.Reject:
		return "Cancel on the page, or REJECTED in the wallet"
	case matrix.WrongCode:
		return "wrong codes, or FAILED in the wallet"
	}
	return "nothing until the request expires"
}

func describeChannel(c threeds.Channel) string {
	if c == threeds.Browser {
		return "a challenge on the issuer's page"
	}
	return "the issuer asks the cardholder's wallet"
}

// addCompletions registers flagCompletions on every command of the tree.
func addCompletions(c *cobra.Command) {
	for name, f := range flagCompletions {
		if c.Flags().Lookup(name) != nil {
			if _, ok := c.GetFlagCompletionFunc(name); !ok {
				c.RegisterFlagCompletionFunc(name, f)
			}
		}
	}
	for _, sub := range c.Commands() {
		addCompletions(sub)
	}
}

// scenarioArgs completes scenario files and the directories that hold them.
var scenarioArgs = files("yaml", "yml")

// newCompletionCmd replaces cobra's default completion command (which
// binds its output when it is made, before SetOut) with one that writes
// where the command writes, with examples like every other command.
func newCompletionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion SHELL",
		Short: "Write the shell completion script for bash, zsh, fish or powershell",
		Long: `completion writes a script that makes your shell complete walletsim's
commands, flags, profile names, scenario files and directories, and flag
values (--cardholder, --otp, --channel, …). The script asks walletsim itself
for the candidates, so it stays right as profiles change.`,
		Example: `  walletsim completion bash > /etc/bash_completion.d/walletsim
  walletsim completion zsh > "${fpath[1]}/_walletsim"
  walletsim completion fish > ~/.config/fish/completions/walletsim.fish
  walletsim completion powershell | Out-String | Invoke-Expression`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	var noDesc bool
	cmd.PersistentFlags().BoolVar(&noDesc, "no-descriptions", false, "leave out the candidates' descriptions")
	for _, sh := range []struct {
		name, example string
		write         func(root *cobra.Command, w io.Writer) error
	}{
		{"bash", "  source <(walletsim completion bash)", func(r *cobra.Command, w io.Writer) error { return r.GenBashCompletionV2(w, !noDesc) }},
		{"zsh", "  source <(walletsim completion zsh)", func(r *cobra.Command, w io.Writer) error {
			if noDesc {
				return r.GenZshCompletionNoDesc(w)
			}
			return r.GenZshCompletion(w)
		}},
		{"fish", "  walletsim completion fish | source", func(r *cobra.Command, w io.Writer) error { return r.GenFishCompletion(w, !noDesc) }},
		{"powershell", "  walletsim completion powershell | Out-String | Invoke-Expression", func(r *cobra.Command, w io.Writer) error {
			if noDesc {
				return r.GenPowerShellCompletion(w)
			}
			return r.GenPowerShellCompletionWithDesc(w)
		}},
	} {
		cmd.AddCommand(&cobra.Command{
			Use: sh.name, Short: "Write the completion script for " + sh.name, Example: sh.example,
			Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions,
			RunE: func(c *cobra.Command, _ []string) error { return sh.write(c.Root(), c.OutOrStdout()) },
		})
	}
	return cmd
}
