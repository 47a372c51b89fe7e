package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
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
				fmt.Fprintf(tw, "%s\t%s\t%s\n", name, p.ThreeDSURL, listen)
			}
			tw.Flush()
			for _, name := range set.Names()[1:] {
				p := set.Profiles[name]
				fmt.Fprintf(out, "\n%s:\n  issuing   %s\n  3ds       %s\n  wallet    %s\n", name, p.IssuingURL, p.ThreeDSURL, p.WalletURL)
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
