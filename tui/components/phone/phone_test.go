package phone

import (
	"testing"
	"time"
)

// TestIdleClockTicks: with nothing to do, the phone still wakes at every
// minute, so that its clock moves (issue 8, defect 10: it stood still until
// something else redrew the screen).
func TestIdleClockTicks(t *testing.T) {
	m := &Model{}
	if _, cmd := m.Update(idleMsg{}); cmd == nil {
		t.Fatal("the idle tick is not re-armed")
	}
}

// TestScanProvesOnlyWhatWasPressed: progress is what the presses cover;
// a gap longer than the repeat delay, or than the repeat interval once
// repeats come, is a release.
func TestScanProvesOnlyWhatWasPressed(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := scan{start: t0, last: t0.Add(900 * time.Millisecond), repeating: true}
	if p := s.proven(); p < 0.59 || p > 0.61 {
		t.Fatalf("proven %v, want 0.6", p)
	}
	for _, tc := range []struct {
		repeating bool
		gap       time.Duration
		lifted    bool
	}{
		{false, 600 * time.Millisecond, false}, // waiting for the first repeat
		{false, 800 * time.Millisecond, true},
		{true, 200 * time.Millisecond, false},
		{true, 300 * time.Millisecond, true},
	} {
		s := scan{start: t0, last: t0, repeating: tc.repeating}
		if got := s.lifted(t0.Add(tc.gap)); got != tc.lifted {
			t.Errorf("repeating %v, gap %v: lifted %v", tc.repeating, tc.gap, got)
		}
	}
}
