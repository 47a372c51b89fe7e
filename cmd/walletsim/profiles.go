package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
)

func newProfilesCmd() *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List the profiles walletsim can target",
		Long: `List the built-in sandbox profile and those in the profiles file
($XDG_CONFIG_HOME/walletsim/config.yaml, or --config, or $WALLETSIM_CONFIG).
Secrets are shown only as the environment variable that holds them and
whether it is set.`,
		Example: `  walletsim profiles
  walletsim profiles --config ./team-profiles.yaml
  WALLETSIM_CONFIG=./ci.yaml walletsim profiles`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadProfiles(configPath)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			out := cmd.OutOrStdout()
			if set.Path != "" {
				fmt.Fprintf(out, "profiles file: %s\n\n", set.Path)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tTARGET\tWEBHOOK LISTENER")
			fmt.Fprintln(tw, "sandbox\tembedded sandbox (built in, no set-up)\tautomatic")
			for _, name := range set.Names()[1:] {
				p := set.Profiles[name]
				listen := p.WebhookListen
				if listen == "" {
					listen = "none (enter auth3dsIds by hand)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", name, client.RedactURL(p.ThreeDSURL), listen)
			}
			tw.Flush()
			for _, name := range set.Names()[1:] {
				p := set.Profiles[name]
				// A URL's password is a secret like the others.
				fmt.Fprintf(out, "\n%s:\n  issuing   %s\n  3ds       %s\n  wallet    %s\n", name,
					client.RedactURL(p.IssuingURL), client.RedactURL(p.ThreeDSURL), client.RedactURL(p.WalletURL))
				if w := flows.ListenWarning(p.WebhookListen); w != "" {
					fmt.Fprintf(out, "  warning   %s\n", w)
				}
				for _, s := range p.SecretStatus() {
					fmt.Fprintf(out, "  secret    %s\n", s)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "profiles file")
	return cmd
}
