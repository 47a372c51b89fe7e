package sandbox

import (
	"context"
	"net/http"
	"sync"
	"time"
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
)

// idempotency remembers responses by key (x-request-id), so that a retry
// gets the first answer and causes no second effect. Entries live for ttl,
// and at most max are kept: memory stays bounded under any load.
type idempotency struct {
	mu      sync.Mutex
	entries map[string]*idemEntry
	queue   fifo[*idemEntry] // oldest first, for eviction
	max     int
	ttl     time.Duration
}

type idemEntry struct {
	key     string
	fp      [32]byte
	created time.Time
	running bool          // fn has not returned yet; guarded by mu
	done    chan struct{} // made for the first waiter, closed once res is set; guarded by mu
	res     stored        // guarded by mu while running
}

func newIdempotency(max int, ttl time.Duration) *idempotency {
	return &idempotency{entries: map[string]*idemEntry{}, max: max, ttl: ttl}
}

// do runs fn once per key. A concurrent request with the same key waits for
// the first one's answer. The channel it waits on is made only then: most
// keys are never waited for, and MaxIdempotent entries without one take
// 400 KB less.
func (m *idempotency) do(ctx context.Context, key string, fp [32]byte, now time.Time, fn func() stored) (stored, idemOutcome) {
	m.mu.Lock()
	if e, ok := m.entries[key]; ok && now.Sub(e.created) < m.ttl {
		if e.fp != fp {
			m.mu.Unlock()
			return stored{}, idemConflict
		}
		if !e.running {
			res := e.res
			m.mu.Unlock()
			return res, idemReplayed
		}
		if e.done == nil {
			e.done = make(chan struct{})
		}
		done := e.done
		m.mu.Unlock()
		select {
		case <-done:
			m.mu.Lock()
			res := e.res
			m.mu.Unlock()
			return res, idemReplayed
		case <-ctx.Done():
			return stored{}, idemCancelled
		}
	}
	e := &idemEntry{key: key, fp: fp, created: now, running: true}
	m.entries[key] = e
	m.queue.push(e)
	m.evict(now)
	m.mu.Unlock()

	res := fn()
	m.mu.Lock()
	e.res, e.running = res, false
	if e.done != nil {
		close(e.done)
	}
	if res.status == http.StatusTooManyRequests && m.entries[e.key] == e {
		delete(m.entries, e.key) // refused for room, not done: a retry may run
	}
	m.mu.Unlock()
	return res, idemFresh
}

// evict drops the oldest entries beyond max or older than ttl, stopping at
// one still running. The caller holds m.mu.
func (m *idempotency) evict(now time.Time) {
	for m.queue.len() > 0 {
		e := m.queue.peek()
		if m.queue.len() <= m.max && now.Sub(e.created) < m.ttl || e.running {
			return
		}
		m.queue.pop()
		if m.entries[e.key] == e { // not replaced by a newer entry
			delete(m.entries, e.key)
		}
	}
}

// size is the number of remembered keys.
func (m *idempotency) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
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
