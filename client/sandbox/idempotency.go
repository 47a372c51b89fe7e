package sandbox

import (
	"context"
	"net/http"
	"sync"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// stored is a response kept for replay.
type stored struct {
	status int
	body   []byte
}

type idemOutcome int

const (
	idemFresh     idemOutcome = iota // ran now
	idemReplayed                     // the first response, replayed
	idemConflict                     // same key, different request
	idemCancelled                    // the caller gave up while waiting
	idemBusy                         // same key, running elsewhere (another replica)
	idemFailed                       // the store failed
)

// once runs fn once per idempotency key in the workspace: a repeat gets
// the first answer (idemReplayed) for the store's TTL, however many other
// requests came in between (the store bounds records by bytes, not by a
// count). A concurrent repeat in this process waits for the first one's
// answer; one in flight on another replica is idemBusy (the client may
// retry). fn runs outside any lock.
func (sp *space) once(ctx context.Context, key string, fp [32]byte, fn func() stored) (stored, idemOutcome) {
	// Whoever begins the key's flight is the one that claims it in the
	// store; the others wait for it to end, then look again.
	for {
		wait, mine := sp.flights.begin(key)
		if mine {
			break
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return stored{}, idemCancelled
		}
	}
	defer sp.flights.end(key) // also when fn panics (an aborted request)
	return sp.claimAndRun(key, fp, fn)
}

// flights are the idempotency keys whose requests are running in this
// process. A key's channel is made by its first waiter and closed when the
// request ends: most keys are never waited for, and cost no allocation.
type flights struct {
	mu sync.Mutex
	m  map[string]chan struct{} // nil: in flight, nobody waiting
}

// begin starts key's flight (mine), or returns the channel to wait on
// for the one already running.
func (f *flights) begin(key string) (wait <-chan struct{}, mine bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, running := f.m[key]
	if !running {
		if f.m == nil {
			f.m = map[string]chan struct{}{}
		}
		f.m[key] = nil
		return nil, true
	}
	if ch == nil {
		ch = make(chan struct{})
		f.m[key] = ch
	}
	return ch, false
}

// end ends key's flight and wakes its waiters.
func (f *flights) end(key string) {
	f.mu.Lock()
	ch := f.m[key]
	delete(f.m, key)
	f.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

// claimAndRun claims key in the store and runs fn if the claim is ours.
func (sp *space) claimAndRun(key string, fp [32]byte, fn func() stored) (res stored, outcome idemOutcome) {
	rec, state, err := sp.store.ClaimKey(sp.bg(), sp.id, key, fp, sp.now())
	switch {
	case err != nil:
		return stored{}, idemFailed
	case state == store.Done:
		return stored{status: rec.Status, body: rec.Body}, idemReplayed
	case state == store.Conflict:
		return stored{}, idemConflict
	case state == store.InFlight:
		return stored{}, idemBusy
	}
	completed := false
	defer func() {
		if !completed { // fn panicked (an aborted request): free the key for a retry
			sp.store.ReleaseKey(sp.bg(), sp.id, key)
		}
	}()
	res = fn()
	completed = true
	if res.status >= 500 || res.status == http.StatusTooManyRequests {
		// The server failed, or was full, and had no effect: a retry must
		// run afresh, not replay the refusal for a day.
		sp.store.ReleaseKey(sp.bg(), sp.id, key)
		return res, idemFresh
	}
	if err := sp.store.CompleteKey(sp.bg(), sp.id, key, res.status, res.body); err != nil {
		sp.cfg.Logger.Error("store: idempotency", "err", err)
	}
	return res, idemFresh
}

// fifo is a queue that reuses its slice: pop is O(1) and the backing array
// is compacted once half of it is dead.
type fifo[T any] struct {
	items []T
	head  int
}

func (q *fifo[T]) push(v T) { q.items = append(q.items, v) }
func (q *fifo[T]) len() int { return len(q.items) - q.head }
func (q *fifo[T]) peek() T  { return q.items[q.head] }
func (q *fifo[T]) pop() T {
	v := q.items[q.head]
	var zero T
	q.items[q.head] = zero
	q.head++
	if q.head > 64 && q.head*2 > len(q.items) {
		q.items = append(q.items[:0:0], q.items[q.head:]...)
		q.head = 0
	}
	return v
}
