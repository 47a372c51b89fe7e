package store

import (
	"context"
	"time"
)

// Usage keeps when each workspace was last used, so that the sandbox's
// idle expiry (Config.WorkspaceIdle) outlives a restart. It is a separate
// interface from Store because only a store that outlives the process
// needs it: the SQLite and PostgreSQL stores have it, the memory store
// (gone with its process) has not; storetest.RunUsage checks them.
type Usage interface {
	// TouchWorkspace records that workspace ws was used at at (the
	// sandbox's clock); an earlier time than the one recorded changes
	// nothing. ErrNoWorkspace if there is none.
	TouchWorkspace(ctx context.Context, ws string, at time.Time) error
	// LastUsed is every workspace's last recorded use, by id: for one
	// never touched, its creation.
	LastUsed(ctx context.Context) (map[string]time.Time, error)
}
