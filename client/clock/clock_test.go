package clock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/clock"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func TestManualSleepMovesTheClock(t *testing.T) {
	c := clock.NewManual(t0)
	if err := clock.Sleep(context.Background(), c, 3*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := c.Now(); !got.Equal(t0.Add(3 * time.Second)) {
		t.Fatalf("Now = %v", got)
	}
	c.Advance(-time.Hour) // never backwards
	if got := c.Now(); !got.Equal(t0.Add(3 * time.Second)) {
		t.Fatalf("Now after a negative Advance = %v", got)
	}
}

// A deadline on a Manual clock stops a sleep that would pass it, and ends
// a hang at once, the clock at the deadline.
func TestManualDeadline(t *testing.T) {
	c := clock.NewManual(t0)
	ctx, cancel := clock.WithTimeout(context.Background(), c, 200*time.Millisecond)
	defer cancel()
	if clock.Expired(ctx, c) {
		t.Fatal("expired at once")
	}
	if err := clock.Sleep(ctx, c, 50*time.Millisecond); err != nil {
		t.Fatalf("a sleep within the deadline: %v", err)
	}
	if err := clock.Sleep(ctx, c, time.Second); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a sleep past the deadline: %v", err)
	}
	if got := c.Now(); !got.Equal(t0.Add(200 * time.Millisecond)) {
		t.Fatalf("the clock went to %v, not to the deadline", got)
	}
	if !clock.Expired(ctx, c) || !clock.DeadlinePassed(ctx) {
		t.Fatal("not expired at the deadline")
	}
	if clock.DeadlinePassed(context.Background()) {
		t.Fatal("a context without a virtual deadline has passed it")
	}

	ctx2, cancel2 := clock.WithTimeout(context.Background(), c, time.Minute)
	defer cancel2()
	if err := clock.Hang(ctx2, c); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hang = %v", err)
	}
	if got := c.Now(); !got.Equal(t0.Add(time.Minute + 200*time.Millisecond)) {
		t.Fatalf("Hang left the clock at %v", got)
	}
}

// An inner timeout never outlives the outer one.
func TestManualNestedDeadlines(t *testing.T) {
	c := clock.NewManual(t0)
	outer, cancel := clock.WithTimeout(context.Background(), c, time.Second)
	defer cancel()
	inner, cancel2 := clock.WithTimeout(outer, c, time.Hour)
	defer cancel2()
	clock.Hang(inner, c)
	if got := c.Now(); !got.Equal(t0.Add(time.Second)) {
		t.Fatalf("Hang went to %v, past the outer deadline", got)
	}
}

// A deadline belongs to its clock: another Manual clock ignores it.
func TestDeadlineOfAnotherClock(t *testing.T) {
	a, b := clock.NewManual(t0), clock.NewManual(t0)
	ctx, cancel := clock.WithTimeout(context.Background(), a, time.Second)
	defer cancel()
	if err := clock.Sleep(ctx, b, time.Hour); err != nil {
		t.Fatalf("a deadline on another clock stopped the sleep: %v", err)
	}
}

func TestCancelStopsWaits(t *testing.T) {
	for name, c := range map[string]clock.Clock{"real": clock.Real, "manual": clock.NewManual(t0)} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := clock.Sleep(ctx, c, time.Hour); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Sleep = %v", name, err)
		}
		if err := clock.Hang(ctx, c); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Hang = %v", name, err)
		}
		if !clock.Expired(ctx, c) {
			t.Errorf("%s: a cancelled context is not expired", name)
		}
	}
}

func TestRealTimeout(t *testing.T) {
	ctx, cancel := clock.WithTimeout(context.Background(), clock.Real, time.Millisecond)
	defer cancel()
	if _, ok := ctx.Deadline(); !ok {
		t.Fatal("a real timeout without a context deadline")
	}
	if err := clock.Hang(ctx, clock.Real); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hang = %v", err)
	}
	if clock.IsVirtual(clock.Real) || !clock.IsVirtual(clock.NewManual(t0)) {
		t.Fatal("IsVirtual")
	}
}
