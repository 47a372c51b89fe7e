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
