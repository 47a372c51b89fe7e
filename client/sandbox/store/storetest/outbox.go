package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// NewOutbox makes an empty store and its outbox, cleaned up by the test's
// Cleanup.
type NewOutbox func(t *testing.T) (store.Store, store.Outbox)

// RunOutbox runs the outbox's suite.
func RunOutbox(t *testing.T, newOutbox NewOutbox) {
	tests := []struct {
		name string
		fn   func(t *testing.T, newOutbox NewOutbox)
	}{
		{"Lifecycle", testOutboxLifecycle},
		{"Order", testOutboxOrder},
		{"DeletedWorkspace", testOutboxDeletedWorkspace},
		{"ResetWorkspace", testOutboxResetWorkspace},
		{"ClaimsNeverOverlap", testOutboxClaimsNeverOverlap},
		{"Relay", testRelay},
		{"HeldAndFault", testOutboxHeld},
		{"Advance", testOutboxAdvance},
		{"RelayRun", testRelayRun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newOutbox) })
	}
}

func openOutbox(t *testing.T, newOutbox NewOutbox) (store.Store, store.Outbox) {
	t.Helper()
	s, o := newOutbox(t)
	for _, id := range []string{"a", "b"} {
		must(t, s.CreateWorkspace(ctx, store.Workspace{ID: id, Credentials: creds(id), Created: t0}))
	}
	return s, o
}

func msg(ws, id string, due time.Time) store.OutboxMessage {
	return store.OutboxMessage{Workspace: ws, ID: id, URL: "http://wallet/hook", Body: []byte(`{"id":"` + id + `"}`), Due: due}
}

func ids(ms []store.OutboxMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Workspace+"/"+m.ID)
	}
	return out
}

func testOutboxLifecycle(t *testing.T, newOutbox NewOutbox) {
	_, o := openOutbox(t, newOutbox)
	lease := time.Minute
	wantErr(t, "enqueue in no workspace", o.Enqueue(ctx, msg("nope", "e1", t0)), store.ErrNoWorkspace)
	must(t, o.Enqueue(ctx, msg("a", "e1", t0.Add(time.Second))))
	wantErr(t, "enqueue twice", o.Enqueue(ctx, msg("a", "e1", t0)), store.ErrExists)
	must(t, o.Enqueue(ctx, msg("b", "e1", t0.Add(time.Second)))) // another workspace's e1
	if got, err := o.Claim(ctx, "r1", t0, lease, 10); err != nil || len(got) != 0 {
		t.Fatalf("claimed before due: %v %v", ids(got), err)
	}
	got, err := o.Claim(ctx, "r1", t0.Add(time.Second), lease, 1)
	must(t, err)
	if len(got) != 1 || got[0].Attempts != 1 || string(got[0].Body) != `{"id":"e1"}` || got[0].URL != "http://wallet/hook" {
		t.Fatalf("first claim %+v", got)
	}
	first := got[0]
	got, _ = o.Claim(ctx, "r2", t0.Add(2*time.Second), lease, 10)
	if len(got) != 1 || got[0].Workspace == first.Workspace {
		t.Fatalf("r2 claimed %v while r1 holds %s", ids(got), first.Workspace)
	}
	must(t, o.Done(ctx, "r2", got[0].Workspace, "e1"))
	// r1 dies; its lease ends; r3 takes the message over, and r1 can no
	// longer finish it.
	got, _ = o.Claim(ctx, "r3", t0.Add(time.Second+lease), lease, 10)
	if len(got) != 1 || got[0].Workspace != first.Workspace || got[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v", got)
	}
	wantErr(t, "done by a lost owner", o.Done(ctx, "r1", first.Workspace, "e1"), store.ErrNotFound)
	retry := t0.Add(time.Hour)
	must(t, o.Retry(ctx, "r3", first.Workspace, "e1", retry, "503 from the wallet"))
	wantErr(t, "retry by a non-owner", o.Retry(ctx, "r3", first.Workspace, "e1", retry, ""), store.ErrNotFound)
	if got, _ = o.Claim(ctx, "r3", retry.Add(-time.Nanosecond), lease, 10); len(got) != 0 {
		t.Fatalf("claimed before the retry is due: %v", ids(got))
	}
	got, _ = o.Claim(ctx, "r4", retry, lease, 10)
	if len(got) != 1 || got[0].Attempts != 3 || got[0].LastError != "503 from the wallet" {
		t.Fatalf("the retry: %+v", got)
	}
	must(t, o.Done(ctx, "r4", first.Workspace, "e1"))
	if got, _ = o.Claim(ctx, "r4", retry.Add(24*time.Hour), lease, 10); len(got) != 0 {
		t.Fatalf("left after done: %v", ids(got))
	}
}

func testOutboxOrder(t *testing.T, newOutbox NewOutbox) {
	_, o := openOutbox(t, newOutbox)
	for i, sec := range []int{3, 1, 2} {
		must(t, o.Enqueue(ctx, msg("a", fmt.Sprint("e", i), t0.Add(time.Duration(sec)*time.Second))))
	}
	got, err := o.Claim(ctx, "r", t0.Add(time.Minute), time.Minute, 2)
	must(t, err)
	if fmt.Sprint(ids(got)) != "[a/e1 a/e2]" {
		t.Fatalf("claimed %v, want the two due first", ids(got))
	}
}

func testOutboxDeletedWorkspace(t *testing.T, newOutbox NewOutbox) {
	s, o := openOutbox(t, newOutbox)
	must(t, o.Enqueue(ctx, msg("a", "e", t0)))
	must(t, o.Enqueue(ctx, msg("b", "e", t0)))
	must(t, s.DeleteWorkspace(ctx, "b"))
	got, err := o.Claim(ctx, "r", t0, time.Minute, 10)
	must(t, err)
	if fmt.Sprint(ids(got)) != "[a/e]" {
		t.Fatalf("claimed %v, want only a's", ids(got))
	}
}

// testOutboxResetWorkspace: resetting a workspace drops the deliveries it
// still had queued; what is enqueued after the reset is sent.
func testOutboxResetWorkspace(t *testing.T, newOutbox NewOutbox) {
	s, o := openOutbox(t, newOutbox)
	must(t, o.Enqueue(ctx, msg("a", "before", t0)))
	must(t, o.Enqueue(ctx, msg("b", "other", t0)))
	must(t, s.ResetWorkspace(ctx, "a"))
	must(t, o.Enqueue(ctx, msg("a", "after", t0)))
	got, err := o.Claim(ctx, "r", t0, time.Minute, 10)
	must(t, err)
	if fmt.Sprint(ids(got)) != "[b/other a/after]" {
		t.Fatalf("claimed %v, want b's and a's enqueued after the reset", ids(got))
	}
}

// testOutboxClaimsNeverOverlap: replicas claiming at once each get their
// own messages, and together every message once.
func testOutboxClaimsNeverOverlap(t *testing.T, newOutbox NewOutbox) {
	_, o := openOutbox(t, newOutbox)
	const n, replicas = 120, 6
	for i := range n {
		must(t, o.Enqueue(ctx, msg([]string{"a", "b"}[i%2], fmt.Sprint("e", i), t0)))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for r := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprint("replica-", r)
			for {
				got, err := o.Claim(ctx, owner, t0, time.Hour, 4)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, m := range got {
					mu.Lock()
					seen[m.Workspace+"/"+m.ID]++
					mu.Unlock()
					if err := o.Done(ctx, owner, m.Workspace, m.ID); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d messages claimed, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("%s claimed %d times", id, c)
		}
	}
}

// testRelay: a failed send is retried after its backoff, and given up
// after MaxAttempts.
func testRelay(t *testing.T, newOutbox NewOutbox) {
	_, o := openOutbox(t, newOutbox)
	must(t, o.Enqueue(ctx, msg("a", "flaky", t0)))
	must(t, o.Enqueue(ctx, msg("a", "dead", t0)))
	sends := map[string]int{}
	var gaveUp []string
	r := store.Relay{Outbox: o, Owner: "r", Lease: time.Minute, Batch: 10, MaxAttempts: 3,
		Backoff: store.Backoff(time.Second, time.Minute),
		Send: func(_ context.Context, m store.OutboxMessage) error {
			sends[m.ID]++
			if m.ID == "dead" || sends[m.ID] == 1 {
				return errors.New("503")
			}
			return nil
		},
		GaveUp: func(m store.OutboxMessage, _ error) { gaveUp = append(gaveUp, m.ID) },
	}
	step := func(at time.Duration, wantSent, wantFailed int) {
		t.Helper()
		sent, failed, err := r.Once(ctx, t0.Add(at))
		must(t, err)
		if sent != wantSent || failed != wantFailed {
			t.Fatalf("at %v: sent %d failed %d, want %d and %d", at, sent, failed, wantSent, wantFailed)
		}
	}
	step(0, 0, 2)             // both fail; due again in 1 s
	step(time.Second-1, 0, 0) // not yet
	step(time.Second, 1, 1)   // flaky goes; dead fails again, due in 2 s
	step(3*time.Second, 0, 1) // dead's third attempt: given up
	step(time.Hour, 0, 0)     // nothing left
	if sends["flaky"] != 2 || sends["dead"] != 3 || fmt.Sprint(gaveUp) != "[dead]" {
		t.Fatalf("sends %v, gave up on %v", sends, gaveUp)
	}
}

// testOutboxHeld: a held message (the reorder fault) waits for the
// workspace's next message and comes due right after it; another
// workspace's message does not release it; the fault travels with it. The
// released message waits for its releaser to leave the outbox, through a
// retry too, whoever claims: a second sender must not overtake the first.
func testOutboxHeld(t *testing.T, newOutbox NewOutbox) {
	_, o := openOutbox(t, newOutbox)
	held := msg("a", "held", t0.Add(time.Hour))
	held.Held, held.Fault = true, "webhook=reorder,webhook=corrupt"
	must(t, o.Enqueue(ctx, held))
	must(t, o.Enqueue(ctx, msg("b", "other", t0)))
	got, err := o.Claim(ctx, "r", t0.Add(time.Minute), time.Minute, 10)
	must(t, err)
	if fmt.Sprint(ids(got)) != "[b/other]" {
		t.Fatalf("claimed %v, want only b's: a's is held", ids(got))
	}
	must(t, o.Done(ctx, "r", "b", "other"))
	must(t, o.Enqueue(ctx, msg("a", "next", t0.Add(2*time.Minute))))
	got, err = o.Claim(ctx, "r", t0.Add(2*time.Minute), time.Minute, 10)
	must(t, err)
	if fmt.Sprint(ids(got)) != "[a/next]" {
		t.Fatalf("claimed %v, want a/next first, the held one a nanosecond later", ids(got))
	}
	released := t0.Add(2*time.Minute + time.Nanosecond)
	if got, err = o.Claim(ctx, "r2", released, time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("claimed %v (%v) while a/next is being sent, want nothing", ids(got), err)
	}
	must(t, o.Retry(ctx, "r", "a", "next", released, "lost on the way"))
	got, err = o.Claim(ctx, "r2", released, time.Minute, 10)
	if err != nil || fmt.Sprint(ids(got)) != "[a/next]" {
		t.Fatalf("after a/next's failed attempt: claimed %v (%v), want a/next again, still before the held one", ids(got), err)
	}
	must(t, o.Done(ctx, "r2", "a", "next"))
	got, err = o.Claim(ctx, "r", released, time.Minute, 10)
	must(t, err)
	if len(got) != 1 || got[0].ID != "held" || got[0].Held || got[0].Fault != held.Fault || got[0].After != "next" {
		t.Fatalf("the released message: %+v", got)
	}
}

// testOutboxAdvance: moving a workspace's clock brings its waiting
// messages sooner, not another workspace's, and not a claimed one's lease.
func testOutboxAdvance(t *testing.T, newOutbox NewOutbox) {
	_, o := openOutbox(t, newOutbox)
	must(t, o.Enqueue(ctx, msg("a", "late", t0.Add(45*time.Second))))
	must(t, o.Enqueue(ctx, msg("a", "now", t0)))
	must(t, o.Enqueue(ctx, msg("b", "late", t0.Add(45*time.Second))))
	got, _ := o.Claim(ctx, "r", t0, time.Minute, 10)
	if fmt.Sprint(ids(got)) != "[a/now]" {
		t.Fatalf("claimed %v", ids(got))
	}
	wantErr(t, "advance no workspace", o.Advance(ctx, "nope", time.Minute), store.ErrNoWorkspace)
	must(t, o.Advance(ctx, "a", 45*time.Second))
	got, _ = o.Claim(ctx, "r2", t0, time.Minute, 10)
	if fmt.Sprint(ids(got)) != "[a/late]" {
		t.Fatalf("after a's clock moved 45s: claimed %v, want a/late only (a/now is leased, b's clock did not move)", ids(got))
	}
}

// testRelayRun: Run sends every due message once with several senders,
// and a replica that stops mid-send gives its message back at once.
func testRelayRun(t *testing.T, newOutbox NewOutbox) {
	_, o := openOutbox(t, newOutbox)
	const n = 20
	for i := range n {
		must(t, o.Enqueue(ctx, msg("a", fmt.Sprint("e", i), t0)))
	}
	must(t, o.Enqueue(ctx, msg("b", "stuck", t0)))
	var mu sync.Mutex
	sent := map[string]int{}
	done, stuck := make(chan struct{}), make(chan struct{})
	r := store.Relay{Outbox: o, Owner: "r", Lease: time.Hour, MaxAttempts: 3, Parallel: 4, Poll: time.Hour,
		Backoff: store.Backoff(time.Second, time.Minute),
		Send: func(ctx context.Context, m store.OutboxMessage) error {
			if m.ID == "stuck" {
				close(stuck)
				<-ctx.Done() // a webhook that never answers
				return ctx.Err()
			}
			mu.Lock()
			defer mu.Unlock()
			if sent[m.ID]++; len(sent) == n {
				close(done)
			}
			return nil
		},
	}
	rctx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { defer close(ran); r.Run(rctx, func() time.Time { return t0 }, nil) }()
	<-done
	<-stuck
	stop()
	<-ran
	for id, c := range sent {
		if c != 1 {
			t.Errorf("%s sent %d times", id, c)
		}
	}
	got, err := o.Claim(ctx, "other", t0, time.Hour, 10)
	must(t, err)
	if fmt.Sprint(ids(got)) != "[b/stuck]" || got[0].LastError != "" {
		t.Fatalf("after the replica stopped, another claims %+v, want b/stuck given back", got)
	}
}
