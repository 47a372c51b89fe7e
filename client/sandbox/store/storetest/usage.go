package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// NewUsage makes an empty store and its Usage, cleaned up by the test's
// Cleanup.
type NewUsage func(t *testing.T) (store.Store, store.Usage)

// RunUsage checks a store.Usage: a workspace never touched reads as
// created, a touch moves it forward and never back, reset keeps it (the
// workspace is in use), delete drops it, and a touch of a workspace that
// does not exist is ErrNoWorkspace.
func RunUsage(t *testing.T, newUsage NewUsage) {
	s, u := newUsage(t)
	for _, id := range []string{"a", "b"} {
		must(t, s.CreateWorkspace(ctx, store.Workspace{ID: id, Credentials: creds(id), Created: t0}))
	}
	check := func(when string, want map[string]time.Time) {
		t.Helper()
		got, err := u.LastUsed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", when, got, want)
		}
		for id, at := range want {
			if !got[id].Equal(at) {
				t.Fatalf("%s: %s last used %v, want %v", when, id, got[id], at)
			}
		}
	}
	check("created", map[string]time.Time{"a": t0, "b": t0})
	must(t, u.TouchWorkspace(ctx, "a", t0.Add(time.Hour)))
	must(t, u.TouchWorkspace(ctx, "a", t0.Add(time.Minute))) // an older record, from a slower replica
	check("touched", map[string]time.Time{"a": t0.Add(time.Hour), "b": t0})
	must(t, s.ResetWorkspace(ctx, "a"))
	check("reset", map[string]time.Time{"a": t0.Add(time.Hour), "b": t0})
	must(t, s.DeleteWorkspace(ctx, "b"))
	check("deleted", map[string]time.Time{"a": t0.Add(time.Hour)})
	if err := u.TouchWorkspace(ctx, "b", t0); !errors.Is(err, store.ErrNoWorkspace) {
		t.Fatalf("touch a deleted workspace: %v, want ErrNoWorkspace", err)
	}
}
