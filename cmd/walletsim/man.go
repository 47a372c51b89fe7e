package main

import (
	"errors"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd writes the man pages, generated from the command tree itself
// (cobra/doc): the same descriptions, flags with their defaults, and
// examples as --help.
func newManCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man",
		Short: "Write walletsim's man pages (roff)",
		Long: `man writes the manual page walletsim(1) in roff to standard output, or, with
--dir, one page per command (walletsim.1, walletsim-matrix.1, …) into a
directory. They are generated from the same command tree as --help.`,
		Example: `  walletsim man | man -l -
  walletsim man --dir /usr/local/share/man/man1`,
		Args:              cobra.NoArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			root.DisableAutoGenTag = true // the pages stay the same from one day to the next
			header := &doc.GenManHeader{Title: "WALLETSIM", Section: "1", Source: "walletsim " + appVersion(), Manual: "walletsim manual"}
			if dir == "" {
				return doc.GenMan(root, header, cmd.OutOrStdout())
			}
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return &exitError{exitUsage, errors.New("--dir " + dir + ": not a directory")}
			}
			return doc.GenManTree(root, header, dir)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "write one page per command into this directory")
	return cmd
}
