package course_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/flows/course"
)

func TestDefaultStore(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/state")
	if s, err := course.DefaultStore(); err != nil || s.Path != "/tmp/state/walletsim/course.json" {
		t.Errorf("XDG_STATE_HOME set: %q, %v", s.Path, err)
	}
	t.Setenv("HOME", "/home/learner")
	for _, v := range []string{"", "relative/state"} {
		t.Setenv("XDG_STATE_HOME", v)
		if s, err := course.DefaultStore(); err != nil || s.Path != "/home/learner/.local/state/walletsim/course.json" {
			t.Errorf("XDG_STATE_HOME=%q: %q, %v", v, s.Path, err)
		}
	}
}

// TestProgressSurvivesRestart: what is saved is what a new process loads;
// no temporary file is left behind; Reset forgets it.
func TestProgressSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s := course.Store{Path: filepath.Join(dir, "walletsim", "course.json")}
	p, err := s.Load()
	if err != nil || len(p.Lessons) != 0 {
		t.Fatalf("no file yet: %+v, %v", p, err)
	}
	p.Pass("challenge", "challenge-pass", t0)
	p.Pass("challenge", "challenge-pass", t0.Add(1)) // the first pass counts
	p.Answer("challenge", "creq", 1, true, t0)
	p.Answer("challenge", "who-reports", 0, false, t0)
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	back, err := course.Store{Path: s.Path}.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !back.Passed("challenge", "challenge-pass") || back.Passed("challenge", "timeout") || back.Passed("nope", "x") ||
		!back.Lessons["challenge"].Exercises["challenge-pass"].Equal(t0) || back.Lessons["challenge"].Answers["creq"].Choice != 1 {
		t.Errorf("loaded %+v", back.Lessons["challenge"])
	}
	c, _ := course.Load("")
	if done, total := back.Done(c.Lesson("challenge")); done != 2 || total != 6 {
		t.Errorf("Done = %d/%d, want 2/6 (one exercise, one right answer)", done, total)
	}
	entries, _ := os.ReadDir(filepath.Dir(s.Path))
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Load(); err != nil || p.Passed("challenge", "challenge-pass") {
		t.Errorf("after Reset: %+v, %v", p, err)
	}
	if err := s.Reset(); err != nil {
		t.Errorf("Reset with no file: %v", err)
	}
}

// TestCorruptProgress: a damaged file is reported, not a crash; the
// learner starts afresh and the file stays until they reset.
func TestCorruptProgress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(path string)
		want  string
	}{
		{"not JSON", func(p string) { os.WriteFile(p, []byte("{\"version\": 1, \"lessons\": {"), 0o600) }, "unexpected end"},
		{"wrong shape", func(p string) { os.WriteFile(p, []byte(`{"version": 1, "lessons": []}`), 0o600) }, "cannot unmarshal"},
		{"other version", func(p string) { os.WriteFile(p, []byte(`{"version": 9}`), 0o600) }, "format version 9"},
		{"a directory", func(p string) { os.Mkdir(p, 0o700) }, "not a regular file"},
		{"too large", func(p string) { os.WriteFile(p, []byte(strings.Repeat(" ", 1<<20+1)), 0o600) }, "larger than 1024 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "course.json")
			tc.setup(path)
			p, err := course.Store{Path: path}.Load()
			var ce *course.CorruptError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "--reset") {
				t.Errorf("err = %v, want a *CorruptError with %q", err, tc.want)
			}
			if p == nil || len(p.Lessons) != 0 {
				t.Errorf("progress = %+v, want a fresh one", p)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("the damaged file was removed: %v", err)
			}
		})
	}
}

func TestSaveFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	if err := (course.Store{Path: filepath.Join(blocker, "course.json")}).Save(course.NewProgress()); err == nil {
		t.Error("saving under a file succeeded")
	}
}
