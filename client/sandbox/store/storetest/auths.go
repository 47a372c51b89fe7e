package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// NewAuths makes an empty store and its Auths, cleaned up by the test's
// Cleanup.
type NewAuths func(t *testing.T) (store.Store, store.Auths)

// RunAuths runs the authentication records' suite.
func RunAuths(t *testing.T, newAuths NewAuths) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, a store.Auths)
	}{
		{"Lookups", testAuthLookups},
		{"CompareAndSwap", testAuthCAS},
		{"OneWinner", testAuthOneWinner},
		{"DueAndPrune", testAuthDueAndPrune},
		{"PruneKeeps", testAuthPruneKeeps},
		{"PruneForgetsPending", testAuthPruneForgetsPending},
		{"Workspaces", testAuthWorkspaces},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a := newAuths(t)
			for _, id := range []string{"a", "b"} {
				must(t, s.CreateWorkspace(ctx, store.Workspace{ID: id, Credentials: creds(id), Created: t0}))
			}
			tt.fn(t, s, a)
		})
	}
}

func rec(id string) store.AuthRecord {
	return store.AuthRecord{ID: id, Expires: t0.Add(10 * time.Minute), Updated: t0, Data: []byte("data-" + id)}
}

func sameAuth(t *testing.T, what string, got, want store.AuthRecord) {
	t.Helper()
	if got.ID != want.ID || got.Auth3dsID != want.Auth3dsID || got.ACSTransID != want.ACSTransID ||
		!got.Expires.Equal(want.Expires) || got.Final != want.Final || !got.Updated.Equal(want.Updated) ||
		got.Version != want.Version || string(got.Data) != string(want.Data) {
		t.Fatalf("%s: got %+v, want %+v", what, got, want)
	}
}

func testAuthLookups(t *testing.T, _ store.Store, s store.Auths) {
	r := rec("p1")
	r.Auth3dsID, r.ACSTransID = "a3-1", "acs-1"
	got, err := s.PutAuth(ctx, "a", r)
	must(t, err)
	r.Version = 1
	sameAuth(t, "put", got, r)
	got.Data[0] = 'X' // a copy: the store's is unchanged
	byID, err := s.Auth(ctx, "a", "p1")
	must(t, err)
	sameAuth(t, "by id", byID, r)
	by3ds, err := s.AuthByAuth3ds(ctx, "a", "a3-1")
	must(t, err)
	sameAuth(t, "by auth3dsId", by3ds, r)
	ws, byACS, err := s.AuthByACS(ctx, "acs-1")
	must(t, err)
	sameAuth(t, "by acsTransID", byACS, r)
	if ws != "a" {
		t.Fatalf("AuthByACS's workspace: %q", ws)
	}
	_, err = s.PutAuth(ctx, "a", rec("p1"))
	wantErr(t, "same id", err, store.ErrExists)
	other := rec("p2")
	other.ACSTransID = "acs-1"
	_, err = s.PutAuth(ctx, "b", other)
	wantErr(t, "same acsTransID in another workspace", err, store.ErrExists)
	_, err = s.Auth(ctx, "a", "nope")
	wantErr(t, "missing id", err, store.ErrNotFound)
	_, err = s.AuthByAuth3ds(ctx, "a", "nope")
	wantErr(t, "missing auth3dsId", err, store.ErrNotFound)
	_, _, err = s.AuthByACS(ctx, "nope")
	wantErr(t, "missing acsTransID", err, store.ErrNotFound)
	_, err = s.AuthByAuth3ds(ctx, "a", "") // a record without one is not found by ""
	wantErr(t, "empty auth3dsId", err, store.ErrNotFound)
}

func testAuthCAS(t *testing.T, _ store.Store, s store.Auths) {
	first, err := s.PutAuth(ctx, "a", rec("p1"))
	must(t, err)
	next := first
	next.Final, next.Data, next.Updated, next.Auth3dsID = true, []byte("done"), t0.Add(time.Minute), "a3-late"
	got, err := s.UpdateAuth(ctx, "a", next)
	must(t, err)
	next.Version = 2
	sameAuth(t, "updated", got, next)
	_, err = s.UpdateAuth(ctx, "a", first) // read before the update
	wantErr(t, "stale update", err, store.ErrStale)
	again, err := s.Auth(ctx, "a", "p1")
	must(t, err)
	sameAuth(t, "after a stale update", again, next)
	if _, err := s.AuthByAuth3ds(ctx, "a", "a3-late"); err != nil {
		t.Fatalf("an id added by an update is found: %v", err)
	}
	missing := rec("gone")
	missing.Version = 1
	_, err = s.UpdateAuth(ctx, "a", missing)
	wantErr(t, "update of a missing record", err, store.ErrNotFound)
}

// testAuthOneWinner: of concurrent updates from one version, exactly one
// is taken — what keeps two replicas from both answering a purchase.
func testAuthOneWinner(t *testing.T, _ store.Store, s store.Auths) {
	base, err := s.PutAuth(ctx, "a", rec("p1"))
	must(t, err)
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, stale := 0, 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := base
			r.Data = []byte(fmt.Sprint("answer-", i))
			_, err := s.UpdateAuth(ctx, "a", r)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrStale):
				stale++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || stale != n-1 {
		t.Fatalf("%d updates won, %d were stale; want 1 and %d", won, stale, n-1)
	}
}

func testAuthDueAndPrune(t *testing.T, _ store.Store, s store.Auths) {
	for i, d := range []time.Duration{3, 1, 2, 9} {
		r := rec(fmt.Sprint("p", i))
		r.Expires = t0.Add(d * time.Minute)
		_, err := s.PutAuth(ctx, "a", r)
		must(t, err)
	}
	done := rec("final")
	done.Final, done.Expires = true, t0
	_, err := s.PutAuth(ctx, "a", done)
	must(t, err)
	due, err := s.DueAuths(ctx, "a", t0.Add(3*time.Minute), 10)
	must(t, err)
	var ids []string
	for _, r := range due {
		ids = append(ids, r.ID)
	}
	if fmt.Sprint(ids) != "[p1 p2 p0]" {
		t.Fatalf("due at +3m: %v, want [p1 p2 p0] (earliest first, deadline included, finished left out)", ids)
	}
	if due, _ := s.DueAuths(ctx, "a", t0.Add(3*time.Minute), 1); len(due) != 1 || due[0].ID != "p1" {
		t.Fatalf("due, at most 1: %+v", due)
	}
	total, unfinished, err := s.AuthCounts(ctx, "a")
	must(t, err)
	if total != 5 || unfinished != 4 {
		t.Fatalf("counts: %d, %d unfinished; want 5, 4", total, unfinished)
	}
	n, err := s.PruneAuths(ctx, "a", t0, 0)
	must(t, err)
	if n != 0 {
		t.Fatalf("pruned %d updated at the limit", n)
	}
	n, err = s.PruneAuths(ctx, "a", t0.Add(time.Second), 0)
	must(t, err)
	if n != 1 {
		t.Fatalf("pruned %d, want the finished one", n)
	}
	if _, err := s.Auth(ctx, "a", "final"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("pruned record still there: %v", err)
	}
}

// testAuthPruneKeeps: past keep finished records, the oldest go, however
// recent; unfinished ones are never pruned.
func testAuthPruneKeeps(t *testing.T, _ store.Store, s store.Auths) {
	for i := range 6 {
		r := rec(fmt.Sprint("done-", i))
		r.Final, r.Updated = true, t0.Add(time.Duration(i)*time.Second)
		_, err := s.PutAuth(ctx, "a", r)
		must(t, err)
	}
	waiting := rec("waiting")
	waiting.Updated = t0.Add(-time.Hour)
	_, err := s.PutAuth(ctx, "a", waiting)
	must(t, err)
	n, err := s.PruneAuths(ctx, "a", t0.Add(-time.Hour), 10)
	must(t, err)
	if n != 0 {
		t.Fatalf("pruned %d of 6 with room for 10", n)
	}
	n, err = s.PruneAuths(ctx, "a", t0.Add(-time.Hour), 4)
	must(t, err)
	total, unfinished, err := s.AuthCounts(ctx, "a")
	must(t, err)
	if n != 2 || total != 5 || unfinished != 1 {
		t.Fatalf("keep 4: pruned %d, left %d (%d unfinished); want 2, 5 and 1", n, total, unfinished)
	}
	for _, id := range []string{"done-0", "done-1"} {
		if _, err := s.Auth(ctx, "a", id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s, among the oldest, is still there: %v", id, err)
		}
	}
	if _, err := s.Auth(ctx, "a", "done-2"); err != nil {
		t.Fatalf("the 4th newest was pruned: %v", err)
	}
}

// testAuthPruneForgetsPending: a pruned record's pending wallet request
// goes with it; a kept record's stays, as does one in another workspace.
func testAuthPruneForgetsPending(t *testing.T, st store.Store, s store.Auths) {
	put := func(ws, id string, final bool) {
		t.Helper()
		r := rec(id)
		r.Auth3dsID, r.Final = "a3-"+id, final
		_, err := s.PutAuth(ctx, ws, r)
		must(t, err)
		must(t, st.PutPending(ctx, ws, store.PendingRequest{Auth3dsID: r.Auth3dsID, AuthenticationID: id,
			CustomerID: "cu", CardID: "c", Expires: t0.Add(time.Minute)}))
	}
	put("a", "done", true)
	put("a", "waiting", false)
	put("b", "done", true)
	n, err := s.PruneAuths(ctx, "a", t0.Add(time.Second), 0)
	must(t, err)
	if n != 1 {
		t.Fatalf("pruned %d, want the finished one", n)
	}
	if _, err := st.PendingRequest(ctx, "a", "a3-done"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the pruned record's pending request is still there: %v", err)
	}
	for _, ws := range []string{"a", "b"} {
		id := map[string]string{"a": "a3-waiting", "b": "a3-done"}[ws]
		if _, err := st.PendingRequest(ctx, ws, id); err != nil {
			t.Fatalf("%s in %s went with another record: %v", id, ws, err)
		}
	}
}

func testAuthWorkspaces(t *testing.T, st store.Store, s store.Auths) {
	_, err := s.PutAuth(ctx, "a", rec("p1"))
	must(t, err)
	_, err = s.PutAuth(ctx, "b", rec("p1")) // the same id in another workspace
	must(t, err)
	_, err = s.PutAuth(ctx, "nope", rec("p1"))
	wantErr(t, "put in no workspace", err, store.ErrNoWorkspace)
	_, err = s.Auth(ctx, "nope", "p1")
	wantErr(t, "read in no workspace", err, store.ErrNoWorkspace)
	_, _, err = s.AuthCounts(ctx, "nope")
	wantErr(t, "counts in no workspace", err, store.ErrNoWorkspace)
	must(t, st.ResetWorkspace(ctx, "a"))
	_, err = s.Auth(ctx, "a", "p1")
	wantErr(t, "after reset", err, store.ErrNotFound)
	if _, err := s.Auth(ctx, "b", "p1"); err != nil {
		t.Fatalf("b's record after a's reset: %v", err)
	}
	r := rec("p2")
	r.ACSTransID = "acs-b"
	_, err = s.PutAuth(ctx, "b", r)
	must(t, err)
	must(t, st.DeleteWorkspace(ctx, "b"))
	_, _, err = s.AuthByACS(ctx, "acs-b")
	wantErr(t, "a deleted workspace's challenge", err, store.ErrNotFound)
}
