package common

import (
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
	// NoSave: the progress file could not be read, so it is left alone.
	NoSave bool

	Lesson  int                          // the open lesson (-1: the list)
	Cursor  int                          // the selected lesson in the list
	Answers map[string]map[string]string // typed answers, by lesson and exercise
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
