package sandbox

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestIdempotencyWaiters: requests with the key of one still running wait
// for its answer (fn runs once), a different request with that key is a
// conflict at once, and a waiter that gives up is released.
func TestIdempotencyWaiters(t *testing.T) {
	m := newIdempotency(1, time.Hour)
	now := time.Now()
	release, started := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	fn := func() stored {
		calls.Add(1)
		close(started)
		<-release
		return stored{status: 200, body: []byte("first")}
	}
	var wg sync.WaitGroup
	outcomes := make([]idemOutcome, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, outcomes[0] = m.do(context.Background(), "k", [32]byte{1}, now, fn)
	}()
	<-started
	for i := 1; i < len(outcomes); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, o := m.do(context.Background(), "k", [32]byte{1}, now, fn)
			if o == idemReplayed && string(res.body) != "first" {
				t.Errorf("waiter %d got %q", i, res.body)
			}
			outcomes[i] = o
		}()
	}
	if _, o := m.do(context.Background(), "k", [32]byte{2}, now, fn); o != idemConflict {
		t.Fatalf("different request with a running key: %v, want a conflict", o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan idemOutcome)
	go func() { _, o := m.do(ctx, "k", [32]byte{1}, now, fn); gaveUp <- o }()
	cancel()
	if o := <-gaveUp; o != idemCancelled {
		t.Fatalf("a waiter that gave up: %v", o)
	}
	// A running entry is not evicted, even beyond max.
	m.do(context.Background(), "other", [32]byte{3}, now, func() stored { return stored{} })
	if m.size() != 2 {
		t.Fatalf("size %d: the running entry was evicted", m.size())
	}
	time.Sleep(10 * time.Millisecond) // let the waiters block (they are correct either way)
	close(release)
	wg.Wait()
	if calls.Load() != 1 || outcomes[0] != idemFresh {
		t.Fatalf("fn ran %d times, first outcome %v", calls.Load(), outcomes[0])
	}
	for i, o := range outcomes[1:] {
		if o != idemReplayed {
			t.Fatalf("waiter %d: %v, want replayed", i+1, o)
		}
	}
	if res, o := m.do(context.Background(), "k", [32]byte{1}, now, fn); o != idemReplayed || string(res.body) != "first" {
		t.Fatalf("after: %v %q", o, res.body)
	}
}
