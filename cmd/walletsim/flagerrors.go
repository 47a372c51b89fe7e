package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagError turns pflag's errors into ones that say what would have
// worked: the flag meant, or the kind of value the flag takes.
func flagError(cmd *cobra.Command, err error) error {
	help := fmt.Sprintf(" (see %s --help)", cmd.CommandPath())
	var (
		unknown *pflag.NotExistError
		bad     *pflag.InvalidValueError
		missing *pflag.ValueRequiredError
	)
	switch {
	case errors.As(err, &unknown) && unknown.GetSpecifiedName() != "":
		name := unknown.GetSpecifiedName()
		if near := nearestFlag(cmd, name); near != "" {
			return fmt.Errorf("unknown flag --%s: did you mean --%s?%s", name, near, help)
		}
	case errors.As(err, &bad):
		f := bad.GetFlag()
		return fmt.Errorf("invalid --%s %q: want %s%s", f.Name, bad.GetValue(), valueKind(f), help)
	case errors.As(err, &missing):
		f := missing.GetFlag()
		return fmt.Errorf("--%s needs a value: %s%s", f.Name, valueKind(f), help)
	}
	return errors.New(err.Error() + help)
}

// valueKind describes what a flag of f's type takes, with an example.
func valueKind(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "int":
		return "a whole number, e.g. --" + f.Name + " 8"
	case "duration":
		return "a duration such as 250ms, 10s or 5m"
	case "size":
		return "a size such as 4096, 32KiB, 16MiB or 1GiB"
	case "bool":
		return "true or false (or the flag alone)"
	}
	return "a " + f.Value.Type()
}

// nearestFlag is the command's flag closest to the name typed, when it is
// close enough to be a typo (or the name is a prefix of it).
func nearestFlag(cmd *cobra.Command, typed string) string {
	best, bestD := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		d := levenshtein(typed, f.Name)
		if strings.HasPrefix(f.Name, typed) && len(typed) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// levenshtein is the edit distance between a and b.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// rootArgs refuses arguments to walletsim itself, suggesting the command
// that was probably meant.
func rootArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += ": did you mean " + strings.Join(s, " or ") + "?"
	}
	return errors.New(msg + " (see walletsim --help)")
}
