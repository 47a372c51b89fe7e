// Package clock is the time the clients, the sandbox and the flows share:
// the wall clock, or a Manual one that stands still until it is moved, on
// which waiting takes no time.
//
// On a Manual clock a wait (a retry's backoff, a sandbox's latency fault)
// moves the clock instead of sleeping, and an attempt's timeout is a
// deadline on that clock rather than a timer: a server in the same process
// that would hang until the client gives up (the sandbox's timeout fault)
// moves the clock to the deadline and returns at once. That is what lets
// a scenario full of timeouts and retries run in microseconds and give the
// same result every time. Servers elsewhere keep real time.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock.
var Real Clock = realClock{}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Manual is a virtual clock: it stands still until Advance (or a wait on
// it) moves it forward. Safe for concurrent use.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual starts a clock at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t} }

// Now is the clock's time.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d does nothing).
func (c *Manual) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// advanceTo moves the clock to t unless it is already past it.
func (c *Manual) advanceTo(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
}

// IsVirtual reports whether waiting on c takes no real time.
func IsVirtual(c Clock) bool {
	_, ok := c.(*Manual)
	return ok
}

// deadline is a context's deadline on a Manual clock.
type deadline struct {
	clock *Manual
	at    time.Time
}

type deadlineKey struct{}

// WithTimeout bounds ctx by d on c. On a real clock that is
// context.WithTimeout. On a Manual clock it is a deadline that only the
// waits of this package see (Sleep, Hang, Expired): nothing else can wait
// on a clock that does not move by itself.
func WithTimeout(ctx context.Context, c Clock, d time.Duration) (context.Context, context.CancelFunc) {
	m, ok := c.(*Manual)
	if !ok {
		return context.WithTimeout(ctx, d)
	}
	at := m.Now().Add(d)
	if prev, ok := virtualDeadline(ctx, m); ok && prev.Before(at) {
		at = prev // an outer deadline comes first
	}
	ctx, cancel := context.WithCancel(ctx)
	return context.WithValue(ctx, deadlineKey{}, deadline{m, at}), cancel
}

// virtualDeadline is ctx's deadline on m, if it has one.
func virtualDeadline(ctx context.Context, m *Manual) (time.Time, bool) {
	d, ok := ctx.Value(deadlineKey{}).(deadline)
	if !ok || d.clock != m {
		return time.Time{}, false
	}
	return d.at, true
}

// Expired reports whether ctx is done, or its deadline on c has passed.
func Expired(ctx context.Context, c Clock) bool {
	if ctx.Err() != nil {
		return true
	}
	m, ok := c.(*Manual)
	if !ok {
		return false
	}
	at, ok := virtualDeadline(ctx, m)
	return ok && !m.Now().Before(at)
}

// DeadlinePassed reports whether ctx has a deadline on a Manual clock (from
// WithTimeout) and that clock has reached it: for a server that serves in
// memory and must tell a client's timeout from its other failures.
func DeadlinePassed(ctx context.Context) bool {
	d, ok := ctx.Value(deadlineKey{}).(deadline)
	return ok && !d.clock.Now().Before(d.at)
}

// Sleep lets d pass on c, and returns early with ctx's error when ctx ends.
// On a Manual clock it returns at once, the clock moved by d — or, when
// ctx's deadline on that clock comes first, moved to the deadline, with
// context.DeadlineExceeded.
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	m, ok := c.(*Manual)
	if !ok {
		if d <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if at, ok := virtualDeadline(ctx, m); ok && !m.Now().Add(d).Before(at) {
		m.advanceTo(at)
		return context.DeadlineExceeded
	}
	m.Advance(d)
	return nil
}

// Hang waits until ctx ends: what a server does for a request it will never
// answer. On a Manual clock, when ctx has a deadline on it, the clock moves
// to the deadline and Hang returns context.DeadlineExceeded at once.
func Hang(ctx context.Context, c Clock) error {
	if m, ok := c.(*Manual); ok {
		if at, ok := virtualDeadline(ctx, m); ok {
			m.advanceTo(at)
			return context.DeadlineExceeded
		}
	}
	<-ctx.Done()
	return ctx.Err()
}
