package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/wallet"
)

// Webhooks through the store's outbox. On a real clock each event is
// enqueued in the step that makes it, and each replica runs a relay
// (store.Relay) that claims due events and sends them; on a shared
// PostgreSQL store every event is thus sent by exactly one replica, and on
// SQLite one enqueued before a restart is sent after it. The faults ride
// with the event: a delay or reorder makes it due later (on the sandbox's
// clock, brought forward when the workspace's owner moves the workspace's
// clock), drop and corrupt spoil the first attempt, duplicate sends a
// delivered event again, and each attempt is signed when it is made, with
// the keys the workspace has then.
//
// On a virtual clock (the runner, tests) there is no relay: deliveries are
// made before the request that caused them answers (flushWebhooks), where
// no time passes, so transcripts stay the same run after run.

// relayParallel bounds one replica's deliveries in flight: a wallet that
// never answers holds one sender for webhookTimeout, not the others.
const relayParallel = 16

// outboxOf is the outbox events go through: the store's own (the SQL
// stores), one beside the memory store, or none on a virtual clock (or
// with a store that has none, which Validate and Start refuse).
func outboxOf(cfg Config) store.Outbox {
	if clock.IsVirtual(cfg.Clock) {
		return nil
	}
	switch st := cfg.Store.(type) {
	case store.Outbox:
		return st
	case *store.Memory:
		return store.NewMemoryOutbox(st)
	}
	return nil
}

// startRelay runs this replica's relay until Close.
func (s *Sandbox) startRelay() {
	if s.relayOut = outboxOf(s.cfg); s.relayOut == nil {
		if err := s.cfg.checkOutbox(); err != nil {
			s.cfg.Logger.Error("webhooks will not be delivered", "err", err)
		}
		return
	}
	s.wake = make(chan struct{}, 1)
	r := store.Relay{
		Outbox: s.relayOut, Owner: secret("replica_"), Lease: s.cfg.WebhookLease, Poll: s.cfg.WebhookPoll,
		Parallel: relayParallel, MaxAttempts: 1 + s.cfg.WebhookRetries,
		Backoff: store.Backoff(s.cfg.WebhookBackoff, s.cfg.WebhookBackoff<<10),
		Send:    s.relaySend,
		GaveUp: func(m store.OutboxMessage, err error) {
			s.cfg.Logger.Warn("webhook given up", "event", m.ID, "attempts", m.Attempts, "err", client.RedactURL(err.Error()))
		},
		Failed: func(err error) { s.cfg.Logger.Error("store: outbox", "err", err) },
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		r.Run(s.ctx, s.cfg.Clock.Now, s.wake)
	}()
}

// wakeRelay makes the relay look for due events now.
func (s *Sandbox) wakeRelay() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// enqueue puts event id, body, in the outbox for url, due when its
// fault says. The caller holds s.mu.
func (s *space) enqueue(id string, body []byte, wf fault.Webhook, url string) {
	due := s.cfg.Clock.Now().Add(wf.Delay)
	if wf.Reorder {
		due = due.Add(fault.ReorderHold) // unless the workspace's next event releases it
	}
	m := store.OutboxMessage{Workspace: s.id, ID: id, URL: url, Body: body, Due: due, Held: wf.Reorder}
	if wf.Active() {
		m.Fault = wf.String()
	}
	if err := s.relayOut.Enqueue(s.bg(), m); err != nil && !errors.Is(err, store.ErrNoWorkspace) {
		s.cfg.Logger.Error("store: outbox", "err", err)
	}
	s.wakeRelay()
}

// clockMoved brings the workspace's waiting deliveries forward by d: their
// delays and backoffs are on its clock.
func (s *space) clockMoved(d time.Duration) {
	if s.relayOut == nil {
		return
	}
	if err := s.relayOut.Advance(s.bg(), s.id, d); err != nil && !errors.Is(err, store.ErrNoWorkspace) {
		s.cfg.Logger.Error("store: outbox", "err", err)
	}
	s.wakeRelay()
}

// relaySend makes one delivery attempt of a claimed event and records it;
// an error means try again after the backoff.
func (s *Sandbox) relaySend(ctx context.Context, m store.OutboxMessage) error {
	w, err := s.store.Workspace(ctx, m.Workspace)
	if errors.Is(err, store.ErrNoWorkspace) {
		return nil // deleted meanwhile: nobody to deliver for
	}
	if err != nil {
		return err
	}
	target, err := s.store.Webhook(ctx, m.Workspace)
	if err != nil {
		return err
	}
	now := s.cfg.Clock.Now().Add(w.ClockOffset) // the workspace's time
	spec, _ := fault.Parse(m.Fault)             // enqueue wrote it
	var ev wallet.Event
	json.Unmarshal(m.Body, &ev)
	d := newDelivery(m.ID, ev.Auth3dsID, m.URL, m.Body, target, spec.Webhook, now)
	d.rec.Attempts = m.Attempts
	status, err := s.send(ctx, d, m.Attempts)
	if err != nil && ctx.Err() != nil {
		return ctx.Err() // stopping, or the lease ran out: the attempt did not finish, and is not recorded
	}
	rec := &d.rec
	s.saveDeliveryIn(m.Workspace, *rec)
	if rec.Delivered {
		return nil
	}
	s.cfg.Logger.Warn("webhook delivery failed", "event", m.ID, "url", rec.URL, "attempt", m.Attempts, "status", status,
		"err", rec.LastError)
	if err == nil {
		err = fmt.Errorf("the webhook answered %d", status)
	}
	return err
}
