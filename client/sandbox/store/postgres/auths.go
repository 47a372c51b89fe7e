package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

var _ store.Auths = (*Store)(nil)

const authCols = `id, auth3ds_id, acs_trans_id, expires_ns, final, updated_ns, version, data`

// orNull stores "" as NULL, so that the partial unique index on
// acs_trans_id leaves records without one alone.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func scanAuth(row pgx.Row, extra ...any) (store.AuthRecord, error) {
	var a store.AuthRecord
	var auth3ds, acs *string
	var expires, updated *int64
	err := row.Scan(append(extra, &a.ID, &auth3ds, &acs, &expires, &a.Final, &updated, &a.Version, &a.Data)...)
	if auth3ds != nil {
		a.Auth3dsID = *auth3ds
	}
	if acs != nil {
		a.ACSTransID = *acs
	}
	a.Expires, a.Updated = fromNS(expires), fromNS(updated)
	return a, err
}

// PutAuth is one INSERT: the workspace's foreign key refuses a missing
// workspace, ON CONFLICT DO NOTHING a taken id or acsTransID.
func (s *Store) PutAuth(ctx context.Context, ws string, a store.AuthRecord) (store.AuthRecord, error) {
	a.Version = 1
	tag, err := s.pool.Exec(ctx, `INSERT INTO auths (ws, `+authCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT DO NOTHING`, ws, a.ID, orNull(a.Auth3dsID), orNull(a.ACSTransID), ns(a.Expires), a.Final,
		ns(a.Updated), a.Version, a.Data)
	if err := affected(tag, noWorkspace(err), store.ErrExists); err != nil {
		return store.AuthRecord{}, err
	}
	a.Data = append([]byte{}, a.Data...)
	return a, nil
}

func (s *Store) readAuth(ctx context.Context, ws, where, key string) (store.AuthRecord, error) {
	a, err := scanAuth(s.pool.QueryRow(ctx, `SELECT `+authCols+` FROM auths WHERE ws = $1 AND `+where, ws, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, notFound(ctx, s.pool, ws, store.ErrNotFound)
	}
	return a, err
}

func (s *Store) Auth(ctx context.Context, ws, id string) (store.AuthRecord, error) {
	return s.readAuth(ctx, ws, `id = $2`, id)
}

func (s *Store) AuthByAuth3ds(ctx context.Context, ws, auth3dsID string) (store.AuthRecord, error) {
	return s.readAuth(ctx, ws, `auth3ds_id = $2`, auth3dsID)
}

func (s *Store) AuthByACS(ctx context.Context, acsTransID string) (string, store.AuthRecord, error) {
	var ws string
	a, err := scanAuth(s.pool.QueryRow(ctx, `SELECT ws, `+authCols+` FROM auths WHERE acs_trans_id = $1`, acsTransID), &ws)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", a, store.ErrNotFound
	}
	return ws, a, err
}

// UpdateAuth is one UPDATE whose WHERE holds the version read: of
// concurrent ones (on any replica) PostgreSQL re-checks the later ones'
// WHERE against the first to commit, so they change nothing.
func (s *Store) UpdateAuth(ctx context.Context, ws string, a store.AuthRecord) (store.AuthRecord, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE auths SET auth3ds_id = $1, acs_trans_id = $2, expires_ns = $3, final = $4,
		updated_ns = $5, version = version + 1, data = $6 WHERE ws = $7 AND id = $8 AND version = $9`,
		orNull(a.Auth3dsID), orNull(a.ACSTransID), ns(a.Expires), a.Final, ns(a.Updated), a.Data, ws, a.ID, a.Version)
	if err := affected(tag, err, store.ErrStale); err != nil {
		if !errors.Is(err, store.ErrStale) {
			return store.AuthRecord{}, err
		}
		if _, err := s.Auth(ctx, ws, a.ID); err != nil { // changed, or gone?
			return store.AuthRecord{}, err
		}
		return store.AuthRecord{}, store.ErrStale
	}
	a.Version++
	a.Data = append([]byte{}, a.Data...)
	return a, nil
}

func (s *Store) DueAuths(ctx context.Context, ws string, now time.Time, n int) ([]store.AuthRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+authCols+` FROM auths WHERE ws = $1 AND NOT final AND expires_ns <= $2
		ORDER BY expires_ns, id LIMIT $3`, ws, now.UnixNano(), n)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.AuthRecord, error) { return scanAuth(row) })
	if err != nil || len(out) > 0 {
		return out, err
	}
	return nil, exists(ctx, s.pool, ws)
}

// PruneAuths is one DELETE: the keep-th newest finished record's time,
// read from the auths_done index, is the other bound (none when there are
// fewer: the comparison with NULL is not true).
func (s *Store) PruneAuths(ctx context.Context, ws string, before time.Time, keep int) (int, error) {
	if keep <= 0 {
		keep = 1 << 62 // no such offset: no count bound
	}
	// One statement, so the pending requests go with the records that
	// name them: the DELETE … RETURNING feeds the second DELETE.
	var n int
	err := s.pool.QueryRow(ctx, `WITH gone AS (DELETE FROM auths WHERE ws = $1 AND final AND (updated_ns < $2 OR
		updated_ns < (SELECT updated_ns FROM auths WHERE ws = $1 AND final ORDER BY updated_ns DESC LIMIT 1 OFFSET $3))
		RETURNING auth3ds_id),
		requests AS (DELETE FROM pending WHERE ws = $1 AND auth3ds_id IN (SELECT auth3ds_id FROM gone WHERE auth3ds_id IS NOT NULL))
		SELECT COUNT(*) FROM gone`, ws, before.UnixNano(), keep-1).Scan(&n)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, exists(ctx, s.pool, ws)
	}
	return n, nil
}

func (s *Store) AuthCounts(ctx context.Context, ws string) (total, unfinished int, err error) {
	err = s.pool.QueryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT final) FROM auths WHERE ws = $1`, ws).Scan(&total, &unfinished)
	if err == nil && total == 0 {
		err = exists(ctx, s.pool, ws)
	}
	return total, unfinished, err
}
