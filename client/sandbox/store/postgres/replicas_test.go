package postgres

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// TestTwoReplicasDeliverEachWebhookOnce: two stores on one database (two
// replicas) relay one outbox to a wallet that fails every message's first
// attempt; each webhook is accepted exactly once, the failures are retried
// after their backoff, and both replicas take part.
func TestTwoReplicasDeliverEachWebhookOnce(t *testing.T) {
	dsn := schema(t)
	a, b := open(t, dsn, store.Limits{}), open(t, dsn, store.Limits{})
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := a.CreateWorkspace(ctx, store.Workspace{ID: "w"}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	accepted, attempts := map[string]int{}, map[string]int{}
	wallet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := string(body)
		mu.Lock()
		defer mu.Unlock()
		if attempts[id]++; attempts[id] == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		accepted[id]++
	}))
	defer wallet.Close()

	const n = 60
	for i := range n {
		s := []*Store{a, b}[i%2] // enqueued through either replica
		id := fmt.Sprint("evt-", i)
		if err := s.Enqueue(ctx, store.OutboxMessage{Workspace: "w", ID: id, URL: wallet.URL, Body: []byte(id), Due: t0}); err != nil {
			t.Fatal(err)
		}
	}

	// Time is the test's: each pass moves it a second, so the 1 s backoff
	// takes no real time.
	var clock atomic.Int64
	clock.Store(t0.UnixNano())
	send := func(ctx context.Context, m store.OutboxMessage) error {
		resp, err := http.Post(m.URL, "text/plain", bytes.NewReader(m.Body))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("wallet answered %d", resp.StatusCode)
		}
		return nil
	}
	var sentBy [2]atomic.Int64
	var wg sync.WaitGroup
	for r, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			relay := store.Relay{Outbox: s, Owner: fmt.Sprint("replica-", r), Lease: time.Minute, Batch: 4,
				MaxAttempts: 5, Backoff: store.Backoff(time.Second, time.Minute), Send: send}
			for idle := 0; idle < 3; {
				sent, failed, err := relay.Once(ctx, time.Unix(0, clock.Add(int64(time.Second))).UTC())
				if err != nil {
					t.Error(err)
					return
				}
				sentBy[r].Add(int64(sent))
				if sent+failed == 0 {
					idle++
				} else {
					idle = 0
				}
			}
		}()
	}
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if len(accepted) != n {
		t.Fatalf("%d webhooks accepted, want %d", len(accepted), n)
	}
	for id, c := range accepted {
		if c != 1 || attempts[id] != 2 {
			t.Errorf("%s accepted %d times in %d attempts, want once in 2", id, c, attempts[id])
		}
	}
	if sentBy[0].Load() == 0 || sentBy[1].Load() == 0 {
		t.Logf("one replica sent all (%d, %d): the other never won a claim", sentBy[0].Load(), sentBy[1].Load())
	}
	var left int
	if err := a.pool.QueryRow(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d messages left in the outbox (%v)", left, err)
	}
}
