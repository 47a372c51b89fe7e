package sandbox

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// TestIdempotencyWaiters: requests with the key of one still running wait
// for its answer (fn runs once), a different request with that key is a
// conflict, and a waiter that gives up is released.
func TestIdempotencyWaiters(t *testing.T) {
	sb := New(Config{})
	defer sb.Close()
	sp := sb.defaultSpace()
	release, started := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	fn := func() stored {
		calls.Add(1)
		close(started)
		<-release
		return stored{status: 200, body: []byte("first")}
	}
	first := make(chan idemOutcome)
	go func() { _, o := sp.once(context.Background(), "k", [32]byte{1}, fn); first <- o }()
	<-started
	// A waiter that gives up is released while the first still runs.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, o := sp.once(ctx, "k", [32]byte{1}, fn); o != idemCancelled {
		t.Fatalf("a waiter that gave up: %v", o)
	}
	var wg sync.WaitGroup
	outcomes := make([]idemOutcome, 8)
	for i := range outcomes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, o := sp.once(context.Background(), "k", [32]byte{1}, fn)
			if o == idemReplayed && string(res.body) != "first" {
				t.Errorf("waiter %d got %q", i, res.body)
			}
			outcomes[i] = o
		}()
	}
	close(release)
	wg.Wait()
	if o := <-first; calls.Load() != 1 || o != idemFresh {
		t.Fatalf("fn ran %d times, first outcome %v", calls.Load(), o)
	}
	for i, o := range outcomes {
		if o != idemReplayed {
			t.Fatalf("waiter %d: %v, want replayed", i, o)
		}
	}
	if _, o := sp.once(context.Background(), "k", [32]byte{2}, fn); o != idemConflict {
		t.Fatalf("different request with a used key: %v, want a conflict", o)
	}
}

// TestIdempotencyPanic: a request that aborts frees its key, so that the
// retry runs rather than waiting for an answer that never comes.
func TestIdempotencyPanic(t *testing.T) {
	sb := New(Config{})
	defer sb.Close()
	sp := sb.defaultSpace()
	func() {
		defer func() { recover() }()
		sp.once(context.Background(), "k", [32]byte{1}, func() stored { panic("aborted") })
	}()
	res, o := sp.once(context.Background(), "k", [32]byte{1}, func() stored { return stored{status: 201} })
	if o != idemFresh || res.status != 201 {
		t.Fatalf("retry after an abort: %v %d", o, res.status)
	}
}
