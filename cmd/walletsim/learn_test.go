package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLearnReset: --reset clears the progress file and says which.
func TestLearnReset(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	path := filepath.Join(state, "walletsim", "course.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"version":1,"lessons":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	got := run(t, "learn", "--reset")
	if !strings.Contains(got, "Course progress cleared ("+path+")") {
		t.Errorf("--reset printed %q", got)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the progress file is still there: %v", err)
	}
	if got := run(t, "learn", "--reset"); !strings.Contains(got, "cleared") { // nothing to clear: still fine
		t.Errorf("a second --reset printed %q", got)
	}
}

// TestLearnBadLessons: a bad team lesson stops learn with its file and
// line, before any screen.
func TestLearnBadLessons(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := t.TempDir()
	bad := "---\nid: ours\ntitle: Ours\norder: 35\nsummary: x\nexercises:\n  - id: e\n    task: do it\n    purchase:\n      status: Q\n---\n# Ours\n"
	if err := os.WriteFile(filepath.Join(dir, "35-ours.md"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"learn", "--lessons", dir})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "35-ours.md:10") || !strings.Contains(err.Error(), "status") {
		t.Fatalf("learn with a bad lesson: %v", err)
	}
}
