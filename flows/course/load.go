package course

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed lessons/*.md
var shipped embed.FS

// maxUserFiles bounds how many files a lesson directory may hold.
const maxUserFiles = 200

// Course is the lessons in order.
type Course struct {
	Lessons []*Lesson
}

// Lesson is the lesson with id, or nil.
func (c *Course) Lesson(id string) *Lesson {
	for _, l := range c.Lessons {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// Load is the shipped lessons, with the lesson files (*.md) in dir added
// when dir is not empty: a team's own lessons, shown among the shipped ones
// by their order. Every bad file is reported (file, line, field), and
// nothing is loaded then; a lesson id used twice is an error too.
func Load(dir string) (*Course, error) {
	var lessons []*Lesson
	var errs []error
	entries, _ := fs.ReadDir(shipped, "lessons")
	for _, e := range entries {
		data, err := fs.ReadFile(shipped, path.Join("lessons", e.Name()))
		if err != nil {
			return nil, err
		}
		l, err := Parse("lessons/"+e.Name(), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lessons = append(lessons, l)
	}
	if dir != "" {
		user, err := loadDir(dir)
		lessons, errs = append(lessons, user...), append(errs, err)
	}
	errs = append(errs, duplicates(lessons))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortStableFunc(lessons, func(a, b *Lesson) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.ID, b.ID)
	})
	return &Course{Lessons: lessons}, nil
}

// loadDir reads every *.md regular file directly in dir (not following
// into subdirectories; never opening a FIFO or a device, which could hang).
func loadDir(dir string) ([]*Lesson, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("lesson directory: %w", err)
	}
	var lessons []*Lesson
	var errs []error
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".md") || e.IsDir() {
			continue
		}
		if n++; n > maxUserFiles {
			return nil, fmt.Errorf("lesson directory %s: more than %d lesson files", dir, maxUserFiles)
		}
		file := filepath.Join(dir, e.Name())
		data, err := readLessonFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		l, err := Parse(file, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		lessons = append(lessons, l)
	}
	return lessons, errors.Join(errs...)
}

// readLessonFile reads a regular file of at most MaxFileBytes.
func readLessonFile(file string) ([]byte, error) {
	info, err := os.Stat(file) // follows a symlink to what it names
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s:1: file: not a regular file", file)
	}
	if info.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s:1: file: larger than %d KiB", file, MaxFileBytes>>10)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
}

// duplicates reports lesson ids used by more than one file.
func duplicates(lessons []*Lesson) error {
	seen := map[string]string{}
	var errs []error
	for _, l := range lessons {
		if other, ok := seen[l.ID]; ok {
			errs = append(errs, fmt.Errorf("%s:%d: id: %q is already the id of %s", l.Source, l.idLine, l.ID, other))
			continue
		}
		seen[l.ID] = l.Source
	}
	return errors.Join(errs...)
}
