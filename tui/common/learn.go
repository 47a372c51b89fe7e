package common

import (
	"errors"
	"fmt"

	"github.com/walletsim/walletsim/flows/course"
)

// Learn is the course as the TUI holds it while the app runs: the lessons,
// the journal the session feeds, the learner's progress and where it is
// kept, and where the learner was, so that leaving the course to do an
// exercise and coming back finds the same lesson.
type Learn struct {
	Course   *course.Course
	Journal  *course.Journal
	Store    course.Store
	Progress *course.Progress
	// Warning is said on the course page: a progress file that could not
	// be read, or saved.
	Warning string
	// Messages: the session reads EMV messages (flows.Session.ReadsMessages),
	// so exercises checked from them can pass.
	Messages bool
	// NoSave: the progress file could not be read, so it is left alone.
	NoSave bool

	Lesson  int                          // the open lesson (-1: the list)
	Cursor  int                          // the selected lesson in the list
	Item    int                          // the exercise or question in focus (-1: none)
	Answers map[string]map[string]string // typed answers, by lesson and exercise

	// open loads the course when it is first shown (LazyLearn); failed
	// is why it could not be.
	open   func() (*course.Course, course.Store, error)
	failed error
}

// LazyLearn is the course loaded when it is first shown, by open: the
// shipped lessons take tens of milliseconds to parse and check, which
// walletsim's start-up should not pay for a page the person may never
// open.
func LazyLearn(journal *course.Journal, open func() (*course.Course, course.Store, error)) *Learn {
	return &Learn{Journal: journal, Lesson: -1, Item: -1, open: open}
}

// Ready loads a lazy course the first time; it reports whether the
// course is there (Err says why not).
func (l *Learn) Ready() bool {
	if l.Course == nil && l.failed == nil && l.open != nil {
		c, store, err := l.open()
		if err != nil {
			l.failed = err
			return false
		}
		l.Course = c
		l.load(store)
	}
	return l.Course != nil
}

// Err is why the course could not be loaded.
func (l *Learn) Err() error { return l.failed }

// NewLearn is course c with the learner's progress from store, fed by
// journal (the session's Options.Journal). A progress file that cannot be
// read is said, and left alone: nothing is saved over it.
func NewLearn(c *course.Course, journal *course.Journal, store course.Store) *Learn {
	l := &Learn{Course: c, Journal: journal, Lesson: -1, Item: -1}
	l.load(store)
	return l
}

// load reads the learner's progress from store.
func (l *Learn) load(store course.Store) {
	l.Store = store
	p, err := store.Load()
	var corrupt *course.CorruptError
	switch {
	case errors.As(err, &corrupt):
		l.NoSave = true
		l.Warning = fmt.Sprintf("Your progress file %s cannot be read (%v); it is left as it is, and nothing is "+
			"saved until you run walletsim learn --reset.", store.Path, corrupt.Err)
	case err != nil:
		l.NoSave = true
		l.Warning = "Your progress cannot be read (" + err.Error() + "); nothing is saved in this session."
	}
	l.Progress = p
}

// Answer is what the learner typed for an exercise ("" for none).
func (l *Learn) Answer(lesson, exercise string) string { return l.Answers[lesson][exercise] }

// SetAnswer keeps what the learner typed for an exercise.
func (l *Learn) SetAnswer(lesson, exercise, answer string) {
	if l.Answers == nil {
		l.Answers = map[string]map[string]string{}
	}
	if l.Answers[lesson] == nil {
		l.Answers[lesson] = map[string]string{}
	}
	l.Answers[lesson][exercise] = answer
}
