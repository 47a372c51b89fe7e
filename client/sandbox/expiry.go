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
// Use is tracked in this process, and with a store that outlives it (a
// store.Usage: SQLite, PostgreSQL) also in the store: read at start-up, so
// that a workspace abandoned before a restart expires after it, and read
// again before a workspace is removed, so that one used through another
// replica is kept. It is written at most once per usageEvery per
// workspace, not on every request: on SQLite each write is a commit of its
// own (an fsync) and on PostgreSQL an update of one hot row that every
// replica serving the workspace contends for, while an expiry measured in
// days loses nothing to a record an hour old. The check runs on requests,
// at most once per expiryEvery, so an idle sandbox does no work and a test
// moves time with its clock.

// expiryEvery is how often, at most, requests look for abandoned
// workspaces.
const expiryEvery = time.Minute

// usageEvery is how often, at most, a workspace's use is written to a
// store.Usage: an hour, or a tenth of WorkspaceIdle if that is shorter.
func (c Config) usageEvery() time.Duration { return min(time.Hour, c.WorkspaceIdle/10) }

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

// loadUsage starts the clock of every stored workspace at its last
// recorded use.
func (s *Sandbox) loadUsage() {
	u, ok := s.store.(store.Usage)
	if !ok || s.cfg.WorkspaceIdle <= 0 {
		return
	}
	last, err := u.LastUsed(s.detached)
	if err != nil {
		s.cfg.Logger.Error("store: workspace use", "err", err)
		return
	}
	for id, at := range last {
		if !at.IsZero() {
			v := &atomic.Int64{}
			v.Store(at.UnixNano())
			s.usage.last.Store(id, v)
		}
	}
}

// touch notes a request for the workspace and, when it is time, removes
// abandoned ones.
func (sp *space) touch() {
	now := sp.cfg.Clock.Now().UnixNano()
	sp.lastUsed.Store(now)
	sp.recordUse(now)
	if next := sp.usage.nextSweep.Load(); now >= next && sp.cfg.WorkspaceIdle > 0 &&
		sp.usage.nextSweep.CompareAndSwap(next, now+int64(expiryEvery)) {
		sp.expireIdle(now)
	}
}

// recordUse writes the workspace's use at now to a store.Usage, if the
// last write is usageEvery old.
func (sp *space) recordUse(now int64) {
	u, ok := sp.store.(store.Usage)
	if !ok || sp.cfg.WorkspaceIdle <= 0 {
		return
	}
	last := sp.recorded.Load()
	if now-last < int64(sp.cfg.usageEvery()) || !sp.recorded.CompareAndSwap(last, now) {
		return
	}
	if err := u.TouchWorkspace(sp.bg(), sp.id, time.Unix(0, now)); err != nil && !errors.Is(err, store.ErrNoWorkspace) {
		sp.cfg.Logger.Error("store: workspace use", "workspace", sp.id, "err", err)
	}
}

// expireIdle deletes every workspace but the default one not used since
// WorkspaceIdle before now; it returns how many.
func (s *Sandbox) expireIdle(now int64) int {
	n := 0
	var stored map[string]time.Time // with a store.Usage: read once a sweep finds a candidate
	s.usage.last.Range(func(k, v any) bool {
		id := k.(string)
		last := v.(*atomic.Int64)
		if id == store.DefaultWorkspace || now-last.Load() < int64(s.cfg.WorkspaceIdle) {
			return true
		}
		if u, ok := s.store.(store.Usage); ok {
			if stored == nil {
				var err error
				if stored, err = u.LastUsed(s.detached); err != nil {
					s.cfg.Logger.Error("store: workspace use", "err", err)
					return false // tried again at the next sweep
				}
			}
			if at, ok := stored[id]; ok && now-at.UnixNano() < int64(s.cfg.WorkspaceIdle) {
				last.Store(max(last.Load(), at.UnixNano())) // used through another replica
				return true
			}
		}
		err := s.store.DeleteWorkspace(s.detached, id)
		if err != nil && !errors.Is(err, store.ErrNoWorkspace) {
			s.cfg.Logger.Error("store: expire workspace", "workspace", id, "err", err)
			return true // tried again at the next sweep
		}
		s.usage.last.Delete(id)
		s.gone(id)
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
