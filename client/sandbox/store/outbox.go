package store

import (
	"context"
	"time"
)

// Outbox holds the webhook deliveries still to send, so that when several
// replicas share a store each delivery is sent by exactly one of them: a
// replica claims due messages for a lease, sends them, and marks each done
// or due again later. A claim no one finishes (its replica died) is due
// again when its lease ends. It is a separate interface from Store so that
// a store without replicas need not have it; the memory, SQLite and
// PostgreSQL stores all do, and storetest.RunOutbox checks them.
type Outbox interface {
	// Enqueue stores m, due at m.Due: ErrExists if the workspace already
	// has a message with its ID, ErrNoWorkspace if there is no workspace.
	Enqueue(ctx context.Context, m OutboxMessage) error
	// Claim takes up to n messages due at now that no one holds, oldest
	// due first, for owner until now+lease (each claim counts an attempt).
	// Concurrent claims, from any replica, never take the same message.
	Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]OutboxMessage, error)
	// Done removes a message owner holds (sent, or given up on):
	// ErrNotFound if owner no longer holds it.
	Done(ctx context.Context, owner, ws, id string) error
	// Retry gives back a message owner holds, due again at due, with the
	// last attempt's error: ErrNotFound if owner no longer holds it.
	Retry(ctx context.Context, owner, ws, id string, due time.Time, lastErr string) error
}

// OutboxMessage is one webhook delivery to send.
type OutboxMessage struct {
	Workspace string
	ID        string // the event's id, unique in its workspace
	URL       string
	Body      []byte
	Due       time.Time
	Attempts  int // claims so far, this one included
	LastError string
}

// Relay sends an Outbox's due messages: one replica's worker.
type Relay struct {
	Outbox Outbox
	Owner  string // this replica, unique among those sharing the store
	// Lease is how long a claim is held: longer than Send can take, or a
	// slow send would be sent again by another replica.
	Lease time.Duration
	Batch int // messages claimed at once
	// MaxAttempts is when a message is given up on.
	MaxAttempts int
	// Backoff is the wait after a failed attempt (the first is 1).
	Backoff func(attempt int) time.Duration
	// Send delivers one message; an error means try again later.
	Send func(ctx context.Context, m OutboxMessage) error
	// GaveUp, if set, hears of a message dropped after MaxAttempts.
	GaveUp func(m OutboxMessage, err error)
}

// Backoff doubles from base at each attempt, up to max.
func Backoff(base, max time.Duration) func(int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < max; i++ {
			d *= 2
		}
		return min(d, max)
	}
}

// Once claims the messages due at now and sends each: sent are those
// delivered, failed those left for a retry or given up on.
func (r Relay) Once(ctx context.Context, now time.Time) (sent, failed int, err error) {
	ms, err := r.Outbox.Claim(ctx, r.Owner, now, r.Lease, r.Batch)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range ms {
		serr := r.Send(ctx, m)
		switch {
		case serr == nil:
			sent++
			err = r.Outbox.Done(ctx, r.Owner, m.Workspace, m.ID)
		case m.Attempts >= r.MaxAttempts:
			failed++
			if r.GaveUp != nil {
				r.GaveUp(m, serr)
			}
			err = r.Outbox.Done(ctx, r.Owner, m.Workspace, m.ID)
		default:
			failed++
			err = r.Outbox.Retry(ctx, r.Owner, m.Workspace, m.ID, now.Add(r.Backoff(m.Attempts)), serr.Error())
		}
		if err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}
