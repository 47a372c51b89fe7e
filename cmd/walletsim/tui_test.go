package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// runWith runs walletsim with stdin and stdout set to in and out, and
// returns what it wrote to stderr and its exit code.
func runWith(t *testing.T, in, out *os.File, args ...string) (string, int) {
	t.Helper()
	stdin := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = stdin }()
	cmd := newRootCmd()
	var errOut bytes.Buffer
	cmd.SetOut(out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	var ee *exitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("walletsim %v: %v", args, err)
	}
	if ee != nil {
		return errOut.String(), ee.code
	}
	return errOut.String(), 0
}

// TestNoTerminal: `walletsim </dev/null >/dev/null` says how to run
// without a terminal. /dev/null is a character device, which is not a
// terminal (issue 8: it used to start the TUI and fail with "could not
// open a new TTY").
func TestNoTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	said, code := runWith(t, null, null)
	if code != exitUsage || !strings.Contains(said, "needs an interactive terminal") || !strings.Contains(said, "walletsim run") {
		t.Fatalf("exit %d:\n%s", code, said)
	}
}

// TestDumbTerminal: TERM=dumb gets the plain runner instead of a screen it
// cannot draw.
func TestDumbTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminal here:", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	t.Setenv("TERM", "dumb")
	said, code := runWith(t, tty, tty)
	if code != exitUsage || !strings.Contains(said, "TERM=dumb") || !strings.Contains(said, "walletsim run") {
		t.Fatalf("exit %d:\n%s", code, said)
	}
}
