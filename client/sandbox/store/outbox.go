package store

import (
	"context"
	"errors"
	"sync"
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
	// Unless m is Held itself, the workspace's held messages no one has
	// claimed are no longer held: they come due right after m (1ns later)
	// and go After it.
	Enqueue(ctx context.Context, m OutboxMessage) error
	// Advance brings the workspace's messages no one holds d sooner: its
	// clock moved forward by d, and their waits are on that clock.
	Advance(ctx context.Context, ws string, d time.Duration) error
	// Claim takes up to n messages due at now that no one holds, oldest
	// due first, for owner until now+lease (each claim counts an attempt).
	// It skips a message whose After is still in the outbox.
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
	// Fault is how the sender makes the delivery misbehave (a
	// fault.Webhook spec; the store keeps it as given).
	Fault string
	// Held waits, until Due at the latest, for the workspace's next
	// message, and goes right after it (the reorder fault).
	Held bool
	// After is the message that released this one from Held (set by
	// Enqueue): this one is not claimed while that one is still in the
	// outbox, being sent or waiting for a retry, so that it arrives after
	// it even when another sender, or another replica, claims it.
	After     string
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
	Batch int // messages claimed at once (Run: at most Parallel)
	// MaxAttempts is when a message is given up on.
	MaxAttempts int
	// Backoff is the wait after a failed attempt (the first is 1).
	Backoff func(attempt int) time.Duration
	// Send delivers one message; an error means try again later. Its
	// context ends with the lease, or when the replica stops: the attempt
	// did not finish, and the message is given back (if this replica still
	// holds it), due at once, for another replica or this one's next
	// start.
	Send func(ctx context.Context, m OutboxMessage) error
	// GaveUp, if set, hears of a message dropped after MaxAttempts.
	GaveUp func(m OutboxMessage, err error)

	// Run only:
	// Parallel bounds the sends in flight (default 1), so that one slow
	// webhook does not hold up every other workspace's.
	Parallel int
	// Poll is how often Run looks for due messages when nothing wakes it:
	// messages other replicas enqueued, delays and backoffs that ended.
	Poll time.Duration
	// Failed, if set, hears of the outbox's own failures (a lost database).
	Failed func(err error)
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
		ok, err := r.handle(ctx, m, now)
		if ok {
			sent++
		} else {
			failed++
		}
		if err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

// handle sends a message claimed at claimed and marks it done, due again
// its backoff after the claim, or given up on; it reports whether it was
// delivered. The backoff counts from the claim, not from the end of the
// attempt, so that it is the same however long the attempt took.
func (r Relay) handle(ctx context.Context, m OutboxMessage, claimed time.Time) (bool, error) {
	// An attempt never outlives its lease: past it another replica may be
	// sending the message.
	sctx, cancel := context.WithTimeout(ctx, r.Lease)
	defer cancel()
	serr := r.Send(sctx, m)
	switch {
	case serr == nil:
		return true, r.Outbox.Done(context.WithoutCancel(ctx), r.Owner, m.Workspace, m.ID)
	case sctx.Err() != nil: // stopping, or the lease ran out: the attempt did not finish
		return false, r.Outbox.Retry(context.WithoutCancel(ctx), r.Owner, m.Workspace, m.ID, claimed, m.LastError)
	case m.Attempts >= r.MaxAttempts:
		if r.GaveUp != nil {
			r.GaveUp(m, serr)
		}
		return false, r.Outbox.Done(ctx, r.Owner, m.Workspace, m.ID)
	}
	return false, r.Outbox.Retry(ctx, r.Owner, m.Workspace, m.ID, claimed.Add(r.Backoff(m.Attempts)), serr.Error())
}

// Run sends due messages until ctx ends, then waits for the sends in
// flight. It claims as many as it has free senders, so that no claim
// waits on a busy replica while another could send it; it looks again at
// once when wake has a value (a message enqueued here, a workspace's clock
// moved), when a sender frees up, and every Poll. The messages of one
// workspace claimed together are sent one after the other, in the order
// they came due; different workspaces' at once. (A held message is not
// claimed until the one that released it has left the outbox: see After.)
func (r Relay) Run(ctx context.Context, now func() time.Time, wake <-chan struct{}) {
	par := max(r.Parallel, 1)
	batch := par
	if r.Batch > 0 {
		batch = min(r.Batch, par)
	}
	busy := make(chan struct{}, par)
	freed := make(chan struct{}, 1)
	var wg sync.WaitGroup
	defer wg.Wait()
	fail := func(err error) {
		if err != nil && r.Failed != nil && !errors.Is(err, ErrNotFound) { // ErrNotFound: its lease went to another
			r.Failed(err)
		}
	}
	for ctx.Err() == nil {
		if free := par - len(busy); free > 0 {
			at := now()
			ms, err := r.claim(ctx, at, min(free, batch))
			fail(err)
			if ctx.Err() != nil {
				r.giveBack(ctx, ms, at, fail)
				break
			}
			for _, group := range byWorkspace(ms) {
				for range group {
					busy <- struct{}{} // never blocks: no more were claimed than free
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, m := range group {
						_, err := r.handle(ctx, m, at)
						fail(err)
						<-busy
						select {
						case freed <- struct{}{}:
						default:
						}
					}
				}()
			}
			if len(ms) > 0 && len(ms) == min(free, batch) {
				continue // more may be due
			}
		}
		t := time.NewTimer(r.Poll)
		select {
		case <-ctx.Done():
		case <-wake:
		case <-freed:
		case <-t.C:
		}
		t.Stop()
	}
}

// claim claims up to n messages due at, on a context that stopping does
// not cancel: a database may commit a claim whose caller has already given
// up on it, and those messages would then wait out a whole lease. It is
// bounded by the lease instead.
func (r Relay) claim(ctx context.Context, at time.Time, n int) ([]OutboxMessage, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.Lease)
	defer cancel()
	return r.Outbox.Claim(cctx, r.Owner, at, r.Lease, n)
}

// giveBack returns messages claimed as the replica stopped, due again at
// once, so another replica sends them now rather than after the lease.
func (r Relay) giveBack(ctx context.Context, ms []OutboxMessage, at time.Time, fail func(error)) {
	for _, m := range ms {
		fail(r.Outbox.Retry(context.WithoutCancel(ctx), r.Owner, m.Workspace, m.ID, at, m.LastError))
	}
}

// byWorkspace splits ms by workspace, each group in ms's order.
func byWorkspace(ms []OutboxMessage) [][]OutboxMessage {
	var groups [][]OutboxMessage
	at := map[string]int{}
	for _, m := range ms {
		i, ok := at[m.Workspace]
		if !ok {
			i = len(groups)
			at[m.Workspace] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], m)
	}
	return groups
}
