package phone

import (
	"fmt"
	"time"
)

// The biometric check is a hold: terminals never report a key's release,
// only its repeats, so the scan lasts while repeats keep coming. It ends
// with the repeat that reaches ScanTime of holding; a gap between presses
// longer than the terminal's repeat delay (before repeats start) or its
// repeat interval (once they have) means the finger was lifted. Progress is
// what the presses prove: it never moves on after the last one.
const (
	ScanTime = 1500 * time.Millisecond
	// FirstRepeat is the longest a terminal waits before repeating a
	// held key (xterm's default is 660 ms; macOS's shortest setting is
	// longer than its default).
	FirstRepeat = 700 * time.Millisecond
	// RepeatGap is the longest gap between repeats while the key is held
	// (typically 30–90 ms).
	RepeatGap = 250 * time.Millisecond
	tickEvery = 100 * time.Millisecond
)

// scan is the finger on the sensor.
type scan struct {
	start, last time.Time
	repeating   bool // a repeat has come since the first press
}

// proven is how far the presses so far have carried the scan, 0 to 1.
func (s scan) proven() float64 {
	return min(float64(s.last.Sub(s.start))/float64(ScanTime), 1)
}

// lifted reports whether the finger was lifted by now.
func (s scan) lifted(now time.Time) bool {
	gap := RepeatGap
	if !s.repeating {
		gap = FirstRepeat
	}
	return now.Sub(s.last) > gap
}

// scanPress takes a press of the scan key at now; it reports whether the
// scan is complete.
func (m *Model) scanPress(a *Request, now time.Time) bool {
	if a.State != Scanning {
		a.State, m.scan = Scanning, scan{start: now, last: now}
	} else {
		m.scan.last, m.scan.repeating = now, true
	}
	p := m.scan.proven()
	if p >= 1 {
		return true
	}
	a.Note = fmt.Sprintf("Scanning… %d%% — keep holding space", int(100*p))
	return false
}

// scanTick notices a lifted finger.
func (m *Model) scanTick(a *Request, now time.Time) {
	if m.scan.lifted(now) {
		a.State = Waiting
		a.Note = fmt.Sprintf("Scan stopped at %d%%: you let go. Hold space until the fingerprint is lit, or press enter to "+
			"approve without holding.", int(100*m.scan.proven()))
	}
}
