package course

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// progressVersion is the format of the progress file.
const progressVersion = 1

// maxProgressBytes bounds the progress file read back (a few KiB in use).
const maxProgressBytes = 1 << 20

// Progress is what the learner has passed and answered, by lesson id.
type Progress struct {
	Version int                        `json:"version"`
	Lessons map[string]*LessonProgress `json:"lessons"`
}

// LessonProgress is one lesson's passed exercises and answered questions.
type LessonProgress struct {
	Exercises map[string]time.Time `json:"exercises,omitempty"` // exercise id → when it passed
	Answers   map[string]Answered  `json:"answers,omitempty"`   // question id → the last answer
}

// Answered is the learner's last answer to a question.
type Answered struct {
	Choice  int       `json:"choice"`
	Correct bool      `json:"correct"`
	At      time.Time `json:"at"`
}

// NewProgress is a learner's progress before anything is done.
func NewProgress() *Progress {
	return &Progress{Version: progressVersion, Lessons: map[string]*LessonProgress{}}
}

func (p *Progress) lesson(id string) *LessonProgress {
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	lp := p.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{}
		p.Lessons[id] = lp
	}
	return lp
}

// Pass records that an exercise passed (the first time counts).
func (p *Progress) Pass(lesson, exercise string, at time.Time) {
	lp := p.lesson(lesson)
	if lp.Exercises == nil {
		lp.Exercises = map[string]time.Time{}
	}
	if _, done := lp.Exercises[exercise]; !done {
		lp.Exercises[exercise] = at
	}
}

// Passed reports whether an exercise has passed.
func (p *Progress) Passed(lesson, exercise string) bool {
	_, ok := p.Lessons[lesson].exercises()[exercise]
	return ok
}

func (lp *LessonProgress) exercises() map[string]time.Time {
	if lp == nil {
		return nil
	}
	return lp.Exercises
}

// Answer records the learner's answer to a question.
func (p *Progress) Answer(lesson, question string, choice int, correct bool, at time.Time) {
	lp := p.lesson(lesson)
	if lp.Answers == nil {
		lp.Answers = map[string]Answered{}
	}
	lp.Answers[question] = Answered{Choice: choice, Correct: correct, At: at}
}

// Done counts a lesson's exercises passed and questions answered right,
// out of all of them: the lesson is complete when done == total.
func (p *Progress) Done(l *Lesson) (done, total int) {
	lp := p.Lessons[l.ID]
	for _, e := range l.Exercises {
		if _, ok := lp.exercises()[e.ID]; ok {
			done++
		}
	}
	for _, q := range l.Questions {
		if lp != nil && lp.Answers[q.ID].Correct {
			done++
		}
	}
	return done, len(l.Exercises) + len(l.Questions)
}

// Store keeps progress in one file.
type Store struct {
	Path string
}

// DefaultStore is the progress file in $XDG_STATE_HOME/walletsim/, or
// ~/.local/state/walletsim/ when XDG_STATE_HOME is unset (XDG Base
// Directory: a relative XDG_STATE_HOME is ignored).
func DefaultStore() (Store, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return Store{}, fmt.Errorf("course progress: no home directory and no XDG_STATE_HOME: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return Store{Path: filepath.Join(dir, "walletsim", "course.json")}, nil
}

// CorruptError is a progress file that cannot be read as progress: the
// learner is told, and the file is left alone until they reset it.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("course progress %s is unreadable (%v); walletsim learn --reset starts again", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Load reads the progress: a new one when there is no file yet, and a new
// one with a *CorruptError when the file is damaged.
func (s Store) Load() (*Progress, error) {
	f, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return NewProgress(), nil
	}
	if err != nil {
		return NewProgress(), err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return NewProgress(), &CorruptError{Path: s.Path, Err: errors.New("not a regular file")}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxProgressBytes+1))
	if err != nil {
		return NewProgress(), err
	}
	if len(data) > maxProgressBytes {
		return NewProgress(), &CorruptError{Path: s.Path, Err: fmt.Errorf("larger than %d KiB", maxProgressBytes>>10)}
	}
	p := NewProgress()
	if err := json.Unmarshal(data, p); err != nil {
		return NewProgress(), &CorruptError{Path: s.Path, Err: err}
	}
	if p.Version != progressVersion {
		return NewProgress(), &CorruptError{Path: s.Path, Err: fmt.Errorf("format version %d, this walletsim reads %d", p.Version, progressVersion)}
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	return p, nil
}

// Save writes the progress atomically: to a temporary file in the same
// directory, synced, then renamed over the old one, so a crash leaves the
// old progress or the new, never half of one.
func (s Store) Save(p *Progress) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".course-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.Path)
}

// Reset forgets all progress (walletsim learn --reset).
func (s Store) Reset() error {
	err := os.Remove(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
