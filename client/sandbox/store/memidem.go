package store

import (
	"bytes"
	"context"
	"time"
)

// The memory store's idempotency records: a map by key and a queue in
// claim order, so that eviction — past the TTL, or the oldest first once
// the byte budget is exceeded — is O(1) amortised per request.

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
		sp.idemBytes += e.rec.Size()
		state = Claimed
		return nil
	})
	return rec, state, err
}

func (m *Memory) CompleteKey(_ context.Context, ws, key string, status int, body []byte) error {
	return m.with(ws, func(sp *memSpace) error {
		e, ok := sp.idem[key]
		if !ok || e.done {
			return ErrNotFound
		}
		e.rec.Status, e.rec.Body, e.done = status, bytes.Clone(body), true
		sp.idemBytes += int64(len(body))
		sp.evictIdem(e.rec.Created, m.limits)
		return nil
	})
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
	err := m.with(ws, func(sp *memSpace) error { n, b = len(sp.idem), sp.idemBytes; return nil })
	return n, b, err
}

// drop forgets an entry; its slot in idemOrder is skipped later. The
// caller holds sp.mu.
func (sp *memSpace) drop(e *memIdem) {
	if e.gone {
		return
	}
	e.gone = true
	sp.idemBytes -= e.rec.Size()
	if sp.idem[e.rec.Key] == e {
		delete(sp.idem, e.rec.Key)
	}
}

// evictIdem drops the oldest records while they are past the TTL or the
// workspace is over its byte budget. A record still in flight is never
// evicted: its owner will complete it; eviction then waits behind it (a
// request in flight lasts seconds). The caller holds sp.mu.
func (sp *memSpace) evictIdem(now time.Time, l Limits) {
	n := 0
	for ; n < len(sp.idemOrder); n++ {
		e := sp.idemOrder[n]
		if e.gone {
			continue
		}
		if !e.done || now.Sub(e.rec.Created) < l.IdempotencyTTL && sp.idemBytes <= l.IdempotencyBytes {
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
