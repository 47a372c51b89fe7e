package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// TestMemoryIdempotencyTotal: all workspaces' records stay within
// IdempotencyTotalBytes, and a workspace that floods the store loses its
// own oldest records first: a quieter workspace keeps every one of its own.
func TestMemoryIdempotencyTotal(t *testing.T) {
	ctx := context.Background()
	body := []byte(`{"status":"Success","message":"3DS enrollment details updated successfully.","code":200,"data":[]}`)
	per := store.IdemRecord{Key: "k0000", Body: body}.Size()
	m := store.NewMemory(store.Limits{IdempotencyBytes: 1000 * per, IdempotencyTotalBytes: 20 * per})
	for _, ws := range []string{"quiet", "flood"} {
		if err := m.CreateWorkspace(ctx, store.Workspace{ID: ws, Credentials: store.Credentials{IssuingAPIKey: "key-" + ws}}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Unix(1_700_000_000, 0)
	keep := func(ws string, i int) {
		t.Helper()
		key := fmt.Sprintf("k%04d", i)
		if _, st, err := m.ClaimKey(ctx, ws, key, [32]byte{1}, now); err != nil || st != store.Claimed {
			t.Fatalf("%s %s: claim %v %v", ws, key, st, err)
		}
		if err := m.CompleteKey(ctx, ws, key, 200, body); err != nil {
			t.Fatal(err)
		}
	}
	state := func(ws string, i int) store.IdemState {
		_, st, _ := m.ClaimKey(ctx, ws, fmt.Sprintf("k%04d", i), [32]byte{1}, now)
		return st
	}
	for i := range 5 {
		keep("quiet", i)
	}
	for i := range 100 {
		keep("flood", i)
	}
	total := int64(0)
	for _, ws := range []string{"quiet", "flood"} {
		_, b, _ := m.IdempotencyUsage(ctx, ws)
		total += b
	}
	if total > 20*per {
		t.Fatalf("%d bytes kept in all, over the total budget of %d", total, 20*per)
	}
	for i := range 5 {
		if st := state("quiet", i); st != store.Done {
			t.Fatalf("the quiet workspace lost record %d to the flood (%v)", i, st)
		}
	}
	if st := state("flood", 99); st != store.Done {
		t.Fatalf("the flood's newest record is gone (%v)", st)
	}
	if st := state("flood", 0); st != store.Claimed {
		t.Fatalf("the flood's oldest record is kept (%v): the total is not enforced", st)
	}
	// Deleting a workspace gives its bytes back to the total.
	if err := m.DeleteWorkspace(ctx, "flood"); err != nil {
		t.Fatal(err)
	}
	for i := 5; i < 19; i++ {
		keep("quiet", i)
	}
	for i := range 19 {
		if st := state("quiet", i); st != store.Done {
			t.Fatalf("record %d of the quiet workspace evicted after the flood was deleted (%v)", i, st)
		}
	}
}
