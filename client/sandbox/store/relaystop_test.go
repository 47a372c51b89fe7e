package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// slowClaims is an outbox whose claims commit only once the relay is
// stopping, and then report the caller's cancellation as a database
// driver does (pgx returns ctx.Err() for a statement the server may have
// committed all the same).
type slowClaims struct {
	store.Outbox
	claiming chan<- struct{} // told when a claim starts
	stopping <-chan struct{}
}

func (o slowClaims) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]store.OutboxMessage, error) {
	o.claiming <- struct{}{}
	<-o.stopping
	ms, err := o.Outbox.Claim(context.WithoutCancel(ctx), owner, now, lease, n)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return ms, err
}

// TestRelayStopsWithoutKeepingClaims: a claim that commits while its
// replica stops must not keep its messages for a whole lease: they are
// given back, and another replica claims them at once. It failed one run
// in a few on PostgreSQL (storetest's RelayRun) before Run claimed on a
// context stopping does not cancel.
func TestRelayStopsWithoutKeepingClaims(t *testing.T) {
	m := store.NewMemory(store.Limits{})
	inner := store.NewMemoryOutbox(m)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	if err := m.CreateWorkspace(ctx, store.Workspace{ID: "a", Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := inner.Enqueue(ctx, store.OutboxMessage{Workspace: "a", ID: "e1", URL: "http://wallet.test", Body: []byte("{}"), Due: t0}); err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	claiming := make(chan struct{}, 1)
	r := store.Relay{Outbox: slowClaims{inner, claiming, rctx.Done()}, Owner: "r", Lease: time.Hour, MaxAttempts: 3, Poll: time.Hour,
		Backoff: store.Backoff(time.Second, time.Minute),
		Send: func(context.Context, store.OutboxMessage) error {
			t.Error("a stopping relay sent a message")
			return nil
		},
	}
	ran := make(chan struct{})
	go func() { defer close(ran); r.Run(rctx, func() time.Time { return t0 }, nil) }()
	<-claiming
	stop()
	<-ran
	got, err := inner.Claim(ctx, "other", t0, time.Hour, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "e1" {
		t.Fatalf("after the replica stopped, another claims %s, want e1 given back", fmt.Sprint(got))
	}
}
