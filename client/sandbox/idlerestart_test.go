package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/sqlite"
)

// TestIdleExpiryOutlivesRestart: on SQLite a workspace's last use is
// stored, so idle expiry survives restarts. Two workspaces are used at t;
// after a restart at t+20h one of them is used again; after another
// restart at t+30h (WorkspaceIdle 24h) the one idle since t is removed on
// the first request, and the one used at t+20h is kept. The clock is
// injected and moved; nothing sleeps.
func TestIdleExpiryOutlivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	clk := newClock()
	restart := func(prev *env, st *sqlite.Store) (*env, *sqlite.Store) {
		if prev != nil {
			prev.stop()
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
		}
		st = openSQLite(t, path)
		return newEnv(t, onStore(st), func(c *sandbox.Config) { c.Clock, c.WorkspaceIdle = clk, 24*time.Hour }), st
	}
	use := func(e *env, a *tenant) {
		t.Helper()
		if status, body := e.do("GET", "/sandbox/webhook/deliveries", a.auth, ""); status != http.StatusOK {
			t.Fatalf("workspace %s: %d %s", a.view.ID, status, body)
		}
	}
	e, st := restart(nil, nil)
	idle, used := e.workspace(), e.workspace()
	use(e, idle)
	use(e, used)

	clk.Advance(20 * time.Hour)
	e, st = restart(e, st)
	use(e, used)

	clk.Advance(10 * time.Hour)
	e, st = restart(e, st)
	use(e, used) // the first request sweeps
	if _, err := st.Workspace(context.Background(), idle.view.ID); !errors.Is(err, store.ErrNoWorkspace) {
		t.Fatalf("the workspace idle for 30h across restarts is still there: %v", err)
	}
	if _, err := st.Workspace(context.Background(), used.view.ID); err != nil {
		t.Fatalf("the workspace used 10h ago is gone: %v", err)
	}
	if n := e.sb.Stats().ExpiredWorkspaces; n != 1 {
		t.Fatalf("%d workspaces expired, want 1", n)
	}
}
