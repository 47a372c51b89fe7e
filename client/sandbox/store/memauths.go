package store

import (
	"bytes"
	"context"
	"slices"
	"time"
)

// MemoryAuths is an Auths in memory, kept in its Memory's workspaces (so
// resetting or deleting one empties it). It exists for tests: a sandbox
// given a store that has both runs its shared-store path — every
// authentication encoded, read and written back as with SQL — without a
// database. A plain Memory is not an Auths, so the sandbox keeps its
// authentications in process.
type MemoryAuths struct{ m *Memory }

// Auths is m's Auths.
func (m *Memory) Auths() *MemoryAuths { return &MemoryAuths{m: m} }

var _ Auths = (*MemoryAuths)(nil)

func copyAuth(a AuthRecord) AuthRecord {
	a.Data = bytes.Clone(a.Data)
	return a
}

func (o *MemoryAuths) PutAuth(_ context.Context, ws string, a AuthRecord) (AuthRecord, error) {
	if a.ACSTransID != "" {
		if _, _, err := o.AuthByACS(context.Background(), a.ACSTransID); err == nil {
			return AuthRecord{}, ErrExists
		}
	}
	a = copyAuth(a)
	a.Version = 1
	err := o.m.with(ws, func(sp *memSpace) error {
		if _, ok := sp.auths[a.ID]; ok {
			return ErrExists
		}
		if sp.auths == nil {
			sp.auths = map[string]AuthRecord{}
		}
		sp.auths[a.ID] = a
		return nil
	})
	if err != nil {
		return AuthRecord{}, err
	}
	return copyAuth(a), nil
}

func (o *MemoryAuths) find(ws string, match func(AuthRecord) bool) (AuthRecord, error) {
	var found AuthRecord
	err := o.m.with(ws, func(sp *memSpace) error {
		for _, a := range sp.auths {
			if match(a) {
				found = copyAuth(a)
				return nil
			}
		}
		return ErrNotFound
	})
	return found, err
}

func (o *MemoryAuths) Auth(_ context.Context, ws, id string) (AuthRecord, error) {
	var found AuthRecord
	err := o.m.with(ws, func(sp *memSpace) error {
		a, ok := sp.auths[id]
		if !ok {
			return ErrNotFound
		}
		found = copyAuth(a)
		return nil
	})
	return found, err
}

func (o *MemoryAuths) AuthByAuth3ds(_ context.Context, ws, auth3dsID string) (AuthRecord, error) {
	if auth3dsID == "" {
		return AuthRecord{}, ErrNotFound
	}
	return o.find(ws, func(a AuthRecord) bool { return a.Auth3dsID == auth3dsID })
}

func (o *MemoryAuths) AuthByACS(_ context.Context, acsTransID string) (string, AuthRecord, error) {
	if acsTransID == "" {
		return "", AuthRecord{}, ErrNotFound
	}
	o.m.mu.RLock()
	ids := make([]string, 0, len(o.m.spaces))
	for id := range o.m.spaces {
		ids = append(ids, id)
	}
	o.m.mu.RUnlock()
	for _, ws := range ids {
		a, err := o.find(ws, func(a AuthRecord) bool { return a.ACSTransID == acsTransID })
		if err == nil {
			return ws, a, nil
		}
	}
	return "", AuthRecord{}, ErrNotFound
}

func (o *MemoryAuths) UpdateAuth(_ context.Context, ws string, a AuthRecord) (AuthRecord, error) {
	a = copyAuth(a)
	err := o.m.with(ws, func(sp *memSpace) error {
		cur, ok := sp.auths[a.ID]
		switch {
		case !ok:
			return ErrNotFound
		case cur.Version != a.Version:
			return ErrStale
		}
		a.Version++
		sp.auths[a.ID] = a
		return nil
	})
	if err != nil {
		return AuthRecord{}, err
	}
	return copyAuth(a), nil
}

func (o *MemoryAuths) DueAuths(_ context.Context, ws string, now time.Time, n int) ([]AuthRecord, error) {
	var out []AuthRecord
	err := o.m.with(ws, func(sp *memSpace) error {
		for _, a := range sp.auths {
			if !a.Final && !a.Expires.After(now) {
				out = append(out, copyAuth(a))
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b AuthRecord) int { return a.Expires.Compare(b.Expires) })
	if len(out) > n {
		out = out[:n]
	}
	return out, err
}

func (o *MemoryAuths) PruneAuths(_ context.Context, ws string, before time.Time, keep int) (int, error) {
	n := 0
	err := o.m.with(ws, func(sp *memSpace) error {
		var done []time.Time
		for _, a := range sp.auths {
			if a.Final {
				done = append(done, a.Updated)
			}
		}
		if keep > 0 && len(done) > keep { // the keep-th newest is the oldest kept
			slices.SortFunc(done, func(a, b time.Time) int { return b.Compare(a) })
			if t := done[keep-1]; t.After(before) {
				before = t
			}
		}
		for id, a := range sp.auths {
			if a.Final && a.Updated.Before(before) {
				delete(sp.auths, id)
				if a.Auth3dsID != "" {
					delete(sp.pending, a.Auth3dsID)
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

func (o *MemoryAuths) AuthCounts(_ context.Context, ws string) (total, unfinished int, err error) {
	err = o.m.with(ws, func(sp *memSpace) error {
		total = len(sp.auths)
		for _, a := range sp.auths {
			if !a.Final {
				unfinished++
			}
		}
		return nil
	})
	return total, unfinished, err
}
