package sandbox

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// Abandoned workspaces are removed: a workspace that no request has used
// for Config.WorkspaceIdle (the sandbox's clock, not the workspace's, which
// its owner may move) is deleted with everything in it, as DELETE
// /sandbox/workspaces/{id} would. The default workspace never is.
//
// Use is tracked in this process: from a workspace's creation, or from the
// first request this process served for it (a workspace in a SQLite or
// PostgreSQL store that no request has used since the process started is
// not timed). The check runs on requests, at most once per expiryEvery, so
// an idle sandbox does no work and a test moves time with its clock.

// expiryEvery is how often, at most, requests look for abandoned
// workspaces.
const expiryEvery = time.Minute

// usage is when each workspace was last used, by id.
type usage struct {
	last      sync.Map     // workspace id → *atomic.Int64, Unix nanoseconds
	nextSweep atomic.Int64 // Unix nanoseconds
}

// used notes that workspace id is in use now, and returns its clock for
// the space to keep (touch).
func (s *Sandbox) used(id string) *atomic.Int64 {
	at := &atomic.Int64{}
	at.Store(s.cfg.Clock.Now().UnixNano())
	got, _ := s.usage.last.LoadOrStore(id, at)
	return got.(*atomic.Int64)
}

// touch notes a request for the workspace and, when it is time, removes
// abandoned ones.
func (sp *space) touch() {
	now := sp.cfg.Clock.Now().UnixNano()
	sp.lastUsed.Store(now)
	if next := sp.usage.nextSweep.Load(); now >= next && sp.cfg.WorkspaceIdle > 0 &&
		sp.usage.nextSweep.CompareAndSwap(next, now+int64(expiryEvery)) {
		sp.expireIdle(now)
	}
}

// expireIdle deletes every workspace but the default one not used since
// WorkspaceIdle before now; it returns how many.
func (s *Sandbox) expireIdle(now int64) int {
	n := 0
	s.usage.last.Range(func(k, v any) bool {
		id := k.(string)
		if id == store.DefaultWorkspace || now-v.(*atomic.Int64).Load() < int64(s.cfg.WorkspaceIdle) {
			return true
		}
		err := s.store.DeleteWorkspace(s.detached, id)
		if err != nil && !errors.Is(err, store.ErrNoWorkspace) {
			s.cfg.Logger.Error("store: expire workspace", "workspace", id, "err", err)
			return true // tried again at the next sweep
		}
		s.usage.last.Delete(id)
		s.mu.RLock()
		sp := s.spaces[id]
		s.mu.RUnlock()
		if sp != nil {
			sp.drop()
		}
		if err == nil {
			n++
			s.expired.Add(1)
		}
		return true
	})
	return n
}
