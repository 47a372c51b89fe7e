package course_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/walletsim/walletsim/flows/course"
)

// TestTeamLessons: a team's lesson files join the shipped ones by order;
// other files are ignored.
func TestTeamLessons(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ours.md"), []byte(valid), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a lesson"), 0o644)
	os.Mkdir(filepath.Join(dir, "drafts.md"), 0o755)
	c, err := course.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Lessons) != 8 || c.Lessons[1].ID != "my-lesson" || c.Lesson("my-lesson").Source != filepath.Join(dir, "ours.md") {
		t.Errorf("lessons: %d, second %s", len(c.Lessons), c.Lessons[1].ID)
	}
	if c.Lesson("nope") != nil {
		t.Error("found a lesson that does not exist")
	}
}

func TestTeamLessonsRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(dir string)
		want  string
	}{
		{"a bad file", func(dir string) {
			os.WriteFile(filepath.Join(dir, "bad.md"), []byte(strings.Replace(valid, "order: 15", "order: x", 1)), 0o644)
		}, "bad.md:4: order: cannot unmarshal"},
		{"a shipped id", func(dir string) {
			os.WriteFile(filepath.Join(dir, "dup.md"), []byte(strings.Replace(valid, "id: my-lesson", "id: challenge", 1)), 0o644)
		}, `dup.md:2: id: "challenge" is already the id of lessons/30-challenge.md`},
		{"too large", func(dir string) {
			os.WriteFile(filepath.Join(dir, "big.md"), make([]byte, course.MaxFileBytes+1), 0o644)
		}, "big.md:1: file: larger than"},
		{"no such directory", func(dir string) { os.Remove(dir) }, "lesson directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "lessons")
			os.Mkdir(dir, 0o755)
			tc.setup(dir)
			if _, err := course.Load(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFIFONeverHangs: a named pipe called *.md is refused, not opened
// (opening one for reading blocks until a writer comes).
func TestFIFONeverHangs(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := course.Load(dir)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "pipe.md:1: file: not a regular file") {
			t.Errorf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load hung on a named pipe")
	}
}
