package flows

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/walletsim/walletsim/client/clock"
)

// Clock is the time a session runs on. The runner gives the embedded
// sandbox a virtual clock, so that waiting out an expiry, a retry's backoff
// or a timeout takes no time.
type Clock = clock.Clock

// Advancer is a Clock that a wait can move forward.
type Advancer interface {
	Clock
	Advance(time.Duration)
}

// ManualClock stands still until Advance moves it: the runner runs the
// sandbox on one, so that an expiry is reached instantly and every run sees
// the same times; tests use one to control time. It is virtual (see
// client/clock): the clients' backoff and timeouts run on it too.
type ManualClock = clock.Manual

// NewManualClock starts a clock at t.
func NewManualClock(t time.Time) *ManualClock { return clock.NewManual(t) }

// ShiftClock is real time, moved forward on request: the TUI's test clock
// on the embedded sandbox, so that a person sees what happens when a
// request expires without waiting five minutes for it. The zero value is
// real time. It is not virtual: backoff and timeouts on it take real time.
type ShiftClock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is real time plus how far the clock was moved.
func (c *ShiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *ShiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// SeededIDs makes UUID-shaped ids from a counter, the same every run:
// 00000000-0000-4000-8000-000000000001, …0002, …
func SeededIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Add(1)) }
}
