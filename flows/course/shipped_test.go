package course_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/walletsim/walletsim/flows/course"
)

// TestShippedLessons: every shipped lesson parses, and the course is the
// seven lessons of issue 12, in order, each with exercises and at least
// three questions, its text within 80 columns.
func TestShippedLessons(t *testing.T) {
	c, err := course.Load("")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range c.Lessons {
		ids = append(ids, l.ID)
		if len(l.Exercises) == 0 || len(l.Questions) < 3 {
			t.Errorf("%s: %d exercises, %d questions", l.ID, len(l.Exercises), len(l.Questions))
		}
		for i, line := range strings.Split(l.Body, "\n") {
			if w := ansi.StringWidth(line); w > course.MaxWidth {
				t.Errorf("%s body line %d: %d columns", l.ID, i+1, w)
			}
		}
		if l.Summary == "" || !strings.HasPrefix(l.Body, "# ") {
			t.Errorf("%s: a summary and a body starting with a heading are expected", l.ID)
		}
	}
	want := []string{"parties", "frictionless", "challenge", "decoupled", "eci-cavv", "outcomes", "enrollment"}
	if !slices.Equal(ids, want) {
		t.Errorf("lessons %v, want %v", ids, want)
	}
}
