package main

import (
	"bytes"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("walletsim %v: %v", args, err)
	}
	return out.String()
}

func TestVersion(t *testing.T) {
	if got := run(t, "--version"); !strings.HasPrefix(got, "walletsim ") {
		t.Errorf("--version printed %q", got)
	}
}

func TestHelp(t *testing.T) {
	if got := run(t, "--help"); !strings.Contains(got, "3-D Secure") || !strings.Contains(got, "Usage:") {
		t.Errorf("--help printed %q", got)
	}
}

// TestVersionShortCut: main answers a lone --version (or -v) before
// building the command tree; what it prints is what cobra prints.
func TestVersionShortCut(t *testing.T) {
	for _, arg := range []string{"--version", "-v"} {
		if !versionOnly([]string{arg}) {
			t.Errorf("versionOnly(%q) = false", arg)
		}
		if got, want := "walletsim "+rootVersion()+"\n", run(t, arg); got != want {
			t.Errorf("walletsim %s: the short cut prints %q, cobra %q", arg, got, want)
		}
	}
	for _, args := range [][]string{nil, {"--version", "--profile", "x"}, {"run", "--version"}, {"--versions"}, {"version"}} {
		if versionOnly(args) {
			t.Errorf("versionOnly(%q) = true: cobra answers that", args)
		}
	}
}
