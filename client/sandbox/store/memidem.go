package store

import (
	"bytes"
	"context"
	"time"
)

// The memory store's idempotency records: a map by key and a queue in
// claim order, so that eviction — past the TTL, or the oldest first once
// the byte budget is exceeded — is O(1) amortised per request. A record
// keeps its key, the request's fingerprint and the answer (the request
// itself is not kept); a record whose answer is the same as the one kept
// before it shares its bytes (seed 000's answers repeat), though both are
// counted in full.

func (m *Memory) ClaimKey(_ context.Context, ws, key string, fp [32]byte, now time.Time) (IdemRecord, IdemState, error) {
	var rec IdemRecord
	var state IdemState
	err := m.with(ws, func(sp *memSpace) error {
		sp.evictIdem(now, m.limits)
		if e, ok := sp.idem[key]; ok && now.Sub(e.rec.Created) < m.limits.IdempotencyTTL {
			switch {
			case e.rec.Fingerprint != fp:
				rec, state = e.rec, Conflict
			case !e.done:
				state = InFlight
			default:
				rec, state = e.rec, Done
				rec.Body = bytes.Clone(rec.Body)
			}
			return nil
		} else if ok {
			sp.drop(e)
		}
		e := &memIdem{rec: IdemRecord{Key: key, Fingerprint: fp, Created: now}}
		sp.idem[key] = e
		sp.idemOrder = append(sp.idemOrder, e)
		sp.addIdem(e.rec.Size())
		state = Claimed
		return nil
	})
	if state == Claimed {
		m.trimIdem()
	}
	return rec, state, err
}

func (m *Memory) CompleteKey(_ context.Context, ws, key string, status int, body []byte) error {
	err := m.with(ws, func(sp *memSpace) error {
		e, ok := sp.idem[key]
		if !ok || e.done {
			return ErrNotFound
		}
		if !bytes.Equal(body, sp.lastBody) {
			sp.lastBody = bytes.Clone(body)
		}
		e.rec.Status, e.rec.Body, e.done = status, sp.lastBody, true
		sp.addIdem(int64(len(body)))
		sp.evictIdem(e.rec.Created, m.limits)
		return nil
	})
	if err == nil {
		m.trimIdem()
	}
	return err
}

func (m *Memory) ReleaseKey(_ context.Context, ws, key string) error {
	return m.with(ws, func(sp *memSpace) error {
		e, ok := sp.idem[key]
		if !ok || e.done {
			return ErrNotFound
		}
		sp.drop(e)
		return nil
	})
}

func (m *Memory) IdempotencyUsage(_ context.Context, ws string) (int, int64, error) {
	var n int
	var b int64
	err := m.with(ws, func(sp *memSpace) error { n, b = len(sp.idem), sp.idemBytes.Load(); return nil })
	return n, b, err
}

// addIdem counts n more bytes of records (n < 0: fewer) for the workspace
// and the store. The caller holds sp.mu.
func (sp *memSpace) addIdem(n int64) {
	sp.idemBytes.Add(n)
	if !sp.deleted {
		sp.total.Add(n)
	}
}

// drop forgets an entry; its slot in idemOrder is skipped later. The
// caller holds sp.mu.
func (sp *memSpace) drop(e *memIdem) {
	if e.gone {
		return
	}
	e.gone = true
	sp.addIdem(-e.rec.Size())
	if sp.idem[e.rec.Key] == e {
		delete(sp.idem, e.rec.Key)
	}
}

// evictIdem drops the oldest records while they are past the TTL or the
// workspace is over its byte budget. A record still in flight is never
// evicted: its owner will complete it; eviction then waits behind it (a
// request in flight lasts seconds). The caller holds sp.mu.
func (sp *memSpace) evictIdem(now time.Time, l Limits) {
	sp.evictWhile(func(e *memIdem) bool {
		return now.Sub(e.rec.Created) >= l.IdempotencyTTL || sp.idemBytes.Load() > l.IdempotencyBytes
	})
}

// evictWhile drops the oldest completed records while over says so of the
// oldest, stopping at one in flight. The caller holds sp.mu.
func (sp *memSpace) evictWhile(over func(oldest *memIdem) bool) {
	n := 0
	for ; n < len(sp.idemOrder); n++ {
		e := sp.idemOrder[n]
		if e.gone {
			continue
		}
		if !e.done || !over(e) {
			break
		}
		sp.drop(e)
	}
	if n > 0 {
		clear(sp.idemOrder[:n])
		sp.idemOrder = sp.idemOrder[n:]
		if cap(sp.idemOrder) > 64 && len(sp.idemOrder) < cap(sp.idemOrder)/4 {
			sp.idemOrder = append([]*memIdem(nil), sp.idemOrder...)
		}
	}
}

// trimIdem keeps the records of all workspaces within
// IdempotencyTotalBytes: once over, the workspace holding the most bytes
// loses its oldest records until the total is 1/64 under the limit (so
// that the search for it, one look at each workspace, is not made on every
// request at the limit). It runs after a claim or a completion, outside any
// workspace's lock (it takes one at a time).
func (m *Memory) trimIdem() {
	if m.idemTotal.Load() <= m.limits.IdempotencyTotalBytes {
		return
	}
	limit := m.limits.IdempotencyTotalBytes - m.limits.IdempotencyTotalBytes/64
	for m.idemTotal.Load() > limit {
		m.mu.RLock()
		var heaviest *memSpace
		for _, sp := range m.spaces {
			if heaviest == nil || sp.idemBytes.Load() > heaviest.idemBytes.Load() {
				heaviest = sp
			}
		}
		m.mu.RUnlock()
		if heaviest == nil {
			return
		}
		heaviest.mu.Lock()
		before := heaviest.idemBytes.Load()
		heaviest.evictWhile(func(*memIdem) bool { return m.idemTotal.Load() > limit })
		freed := before - heaviest.idemBytes.Load()
		heaviest.mu.Unlock()
		if freed == 0 {
			return // only records in flight: they finish in seconds
		}
	}
}
