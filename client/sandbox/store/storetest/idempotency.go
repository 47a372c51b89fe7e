package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// The idempotency records' part of the suite.

func testIdempotency(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	fp, other := [32]byte{1}, [32]byte{2}
	_, st, err := s.ClaimKey(ctx, "a", "k", fp, t0)
	must(t, err)
	if st != store.Claimed {
		t.Fatalf("first claim %v", st)
	}
	if _, st, _ = s.ClaimKey(ctx, "a", "k", fp, t0); st != store.InFlight {
		t.Fatalf("claim in flight: %v", st)
	}
	if _, st, _ = s.ClaimKey(ctx, "a", "k", other, t0); st != store.Conflict {
		t.Fatalf("claim with another fingerprint: %v", st)
	}
	// The same key in another workspace is another key.
	if _, st, _ = s.ClaimKey(ctx, "b", "k", other, t0); st != store.Claimed {
		t.Fatalf("claim in b: %v", st)
	}
	must(t, s.CompleteKey(ctx, "a", "k", 201, []byte(`{"ok":true}`)))
	wantErr(t, "complete twice", s.CompleteKey(ctx, "a", "k", 201, nil), store.ErrNotFound)
	rec, st, err := s.ClaimKey(ctx, "a", "k", fp, t0.Add(time.Hour))
	must(t, err)
	if st != store.Done || rec.Status != 201 || string(rec.Body) != `{"ok":true}` || rec.Fingerprint != fp || !rec.Created.Equal(t0) {
		t.Fatalf("replay: %v %+v", st, rec)
	}
	// A released key runs afresh.
	_, _, err = s.ClaimKey(ctx, "a", "r", fp, t0)
	must(t, err)
	must(t, s.ReleaseKey(ctx, "a", "r"))
	if _, st, _ = s.ClaimKey(ctx, "a", "r", other, t0); st != store.Claimed {
		t.Fatalf("claim after release: %v", st)
	}
	n, b, err := s.IdempotencyUsage(ctx, "a")
	must(t, err)
	want := store.IdemRecord{Key: "k", Body: []byte(`{"ok":true}`)}.Size() + store.IdemRecord{Key: "r"}.Size()
	if n != 2 || b != want {
		t.Fatalf("usage %d records %d bytes, want 2 and %d", n, b, want)
	}
}

// testIdempotencyKeyBytes: a key may hold any bytes — the sandbox joins a
// key's parts with NULs — and keys that differ only in them stay apart.
func testIdempotencyKeyBytes(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	keys := []string{"key\x00req", "key\\0req", "key\\\x00req", "key\x00\x00req"}
	for i, k := range keys {
		_, state, err := s.ClaimKey(ctx, "a", k, [32]byte{byte(i)}, t0)
		must(t, err)
		if state != store.Claimed {
			t.Fatalf("key %q: %v, want claimed (a different key)", k, state)
		}
		must(t, s.CompleteKey(ctx, "a", k, 200, []byte(k)))
	}
	for i, k := range keys {
		rec, state, err := s.ClaimKey(ctx, "a", k, [32]byte{byte(i)}, t0)
		must(t, err)
		if state != store.Done || rec.Key != k || string(rec.Body) != k {
			t.Fatalf("key %q again: %v %+v", k, state, rec)
		}
	}
	_, state, err := s.ClaimKey(ctx, "a", "key\x00other", [32]byte{}, t0)
	must(t, err)
	must(t, s.ReleaseKey(ctx, "a", "key\x00other"))
	if state != store.Claimed {
		t.Fatalf("another NUL key: %v", state)
	}
}

func testIdempotencyTTL(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{IdempotencyTTL: 24 * time.Hour})
	fp := [32]byte{1}
	s.ClaimKey(ctx, "a", "k", fp, t0)
	must(t, s.CompleteKey(ctx, "a", "k", 200, []byte("first")))
	if _, st, _ := s.ClaimKey(ctx, "a", "k", fp, t0.Add(24*time.Hour-time.Nanosecond)); st != store.Done {
		t.Fatalf("just inside 24h: %v", st)
	}
	if _, st, _ := s.ClaimKey(ctx, "a", "k", [32]byte{9}, t0.Add(24*time.Hour)); st != store.Claimed {
		t.Fatalf("at 24h: %v, want the key free again", st)
	}
}

// testIdempotencyBudget: past the byte budget the oldest records go
// first; until then nothing does, however many there are.
func testIdempotencyBudget(t *testing.T, newStore NewStore) {
	body := make([]byte, 100)
	per := store.IdemRecord{Key: "k0000", Body: body}.Size()
	s := open(t, newStore, store.Limits{IdempotencyBytes: 10 * per})
	for i := range 10 {
		k := fmt.Sprintf("k%04d", i)
		s.ClaimKey(ctx, "a", k, [32]byte{}, t0)
		must(t, s.CompleteKey(ctx, "a", k, 200, body))
	}
	if n, b, _ := s.IdempotencyUsage(ctx, "a"); n != 10 || b != 10*per {
		t.Fatalf("at the budget: %d records, %d bytes", n, b)
	}
	if _, st, _ := s.ClaimKey(ctx, "a", "k0000", [32]byte{}, t0); st != store.Done {
		t.Fatalf("oldest at the budget: %v", st)
	}
	s.ClaimKey(ctx, "a", "k0010", [32]byte{}, t0)
	must(t, s.CompleteKey(ctx, "a", "k0010", 200, body))
	n, b, _ := s.IdempotencyUsage(ctx, "a")
	if b > 10*per || n != 10 {
		t.Fatalf("over the budget: %d records, %d bytes (budget %d)", n, b, 10*per)
	}
	if _, st, _ := s.ClaimKey(ctx, "a", "k0000", [32]byte{7}, t0); st != store.Claimed {
		t.Fatalf("oldest over the budget: %v, want evicted", st)
	}
	if _, st, _ := s.ClaimKey(ctx, "a", "k0010", [32]byte{}, t0); st != store.Done {
		t.Fatalf("newest: %v", st)
	}
	// Workspace b's budget is its own.
	if n, _, _ := s.IdempotencyUsage(ctx, "b"); n != 0 {
		t.Fatalf("b has %d records", n)
	}
}

// testClaimOnce: of many concurrent claims of one key, exactly one wins.
func testClaimOnce(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	claimed := 0
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, st, err := s.ClaimKey(ctx, "a", "k", [32]byte{}, t0)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if st == store.Claimed {
				claimed++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if claimed != 1 {
		t.Fatalf("%d claims won, want 1", claimed)
	}
}
