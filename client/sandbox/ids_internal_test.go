package sandbox

import (
	"testing"

	"github.com/google/uuid"
)

// TestTransIDs: with the default NewID, each of the three ids is a
// version 4 UUID as uuid.NewString writes it, and no two are alike; with
// an injected NewID, the ids are its own.
func TestTransIDs(t *testing.T) {
	sb := New(Config{})
	t.Cleanup(sb.Close)
	seen := map[string]bool{}
	for range 100 {
		ds, server, acs := sb.transIDs()
		for _, id := range []string{ds, server, acs} {
			u, err := uuid.Parse(id)
			if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 || u.String() != id {
				t.Fatalf("%q: not a canonical version 4 UUID (%v)", id, err)
			}
			if seen[id] {
				t.Fatalf("%q made twice", id)
			}
			seen[id] = true
		}
	}

	n := 0
	injected := New(Config{NewID: func() string { n++; return "id-" + string(rune('0'+n)) }})
	t.Cleanup(injected.Close)
	if ds, server, acs := injected.transIDs(); ds != "id-1" || server != "id-2" || acs != "id-3" {
		t.Errorf("injected NewID: %q %q %q", ds, server, acs)
	}
}
