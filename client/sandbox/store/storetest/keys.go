package storetest

import (
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// testIdempotencyKeyBytes: a key is any bytes — the sandbox's hold NUL
// separators ("3ds\x00user\x00key") — and keys that differ only in them,
// or in how a store might escape them, are different keys.
func testIdempotencyKeyBytes(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	fp := [32]byte{1}
	for i, k := range []string{"3ds\x00u\x00k", "3ds\\0u\\0k", "3ds\\\x00u\x00k", "3ds\\\\0u\\0k"} {
		if _, st, err := s.ClaimKey(ctx, "a", k, fp, t0); err != nil || st != store.Claimed {
			t.Fatalf("key %d %q: %v %v, want a claim of its own", i, k, st, err)
		}
		must(t, s.CompleteKey(ctx, "a", k, 200, []byte{byte('0' + i)}))
	}
	rec, st, err := s.ClaimKey(ctx, "a", "3ds\x00u\x00k", fp, t0)
	if err != nil || st != store.Done || string(rec.Body) != "0" {
		t.Fatalf("replay of a key with NUL: %v %+v %v", st, rec, err)
	}
}
