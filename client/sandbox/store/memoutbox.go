package store

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryOutbox is an Outbox in memory, beside a Memory store (whose
// workspaces it checks): one process, so its claims only need a lock.
type MemoryOutbox struct {
	m  *Memory
	mu sync.Mutex
	q  []*memOut // in Enqueue order
}

type memOut struct {
	msg   OutboxMessage
	owner string
	epoch int // the workspace's resets when it was enqueued
}

// NewMemoryOutbox makes an empty outbox for m's workspaces.
func NewMemoryOutbox(m *Memory) *MemoryOutbox { return &MemoryOutbox{m: m} }

var _ Outbox = (*MemoryOutbox)(nil)

func (o *MemoryOutbox) Enqueue(ctx context.Context, m OutboxMessage) error {
	epoch, err := o.m.resets(m.Workspace)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.find(m.Workspace, m.ID) >= 0 {
		return ErrExists
	}
	m.Body, m.Attempts, m.After = bytes.Clone(m.Body), 0, ""
	if !m.Held {
		for _, e := range o.q {
			if e.msg.Workspace == m.Workspace && e.msg.Held && e.owner == "" {
				e.msg.Held, e.msg.Due, e.msg.After = false, m.Due.Add(time.Nanosecond), m.ID
			}
		}
	}
	o.q = append(o.q, &memOut{msg: m, epoch: epoch})
	return nil
}

func (o *MemoryOutbox) Advance(ctx context.Context, ws string, d time.Duration) error {
	if _, err := o.m.Workspace(ctx, ws); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range o.q {
		if e.msg.Workspace == ws && e.owner == "" {
			e.msg.Due = e.msg.Due.Add(-d)
		}
	}
	return nil
}

func (o *MemoryOutbox) find(ws, id string) int {
	return slices.IndexFunc(o.q, func(e *memOut) bool { return e.msg.Workspace == ws && e.msg.ID == id })
}

func (o *MemoryOutbox) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]OutboxMessage, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var due []*memOut
	for _, e := range o.q {
		if !now.Before(e.msg.Due) && (e.msg.After == "" || o.find(e.msg.Workspace, e.msg.After) < 0) {
			due = append(due, e)
		}
	}
	slices.SortStableFunc(due, func(a, b *memOut) int { return a.msg.Due.Compare(b.msg.Due) })
	var out []OutboxMessage
	for _, e := range due {
		if len(out) == n {
			break
		}
		if epoch, err := o.m.resets(e.msg.Workspace); err != nil || epoch != e.epoch {
			o.q = slices.DeleteFunc(o.q, func(x *memOut) bool { return x == e }) // its workspace is gone, or was reset
			continue
		}
		e.owner, e.msg.Due = owner, now.Add(lease)
		e.msg.Attempts++
		m := e.msg
		m.Body = bytes.Clone(m.Body)
		out = append(out, m)
	}
	return out, nil
}

func (o *MemoryOutbox) held(owner, ws, id string) (int, error) {
	i := o.find(ws, id)
	if i < 0 || o.q[i].owner != owner {
		return -1, ErrNotFound
	}
	return i, nil
}

func (o *MemoryOutbox) Done(_ context.Context, owner, ws, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	i, err := o.held(owner, ws, id)
	if err == nil {
		o.q = slices.Delete(o.q, i, i+1)
	}
	return err
}

func (o *MemoryOutbox) Retry(_ context.Context, owner, ws, id string, due time.Time, lastErr string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	i, err := o.held(owner, ws, id)
	if err == nil {
		e := o.q[i]
		e.owner, e.msg.Due, e.msg.LastError = "", due, lastErr
	}
	return err
}
