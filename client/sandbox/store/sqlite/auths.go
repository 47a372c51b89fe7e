package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

var _ store.Auths = (*Store)(nil)

const authCols = `id, auth3ds_id, acs_trans_id, expires_ns, final, updated_ns, version, data`

// orNull stores "" as NULL, so that the partial unique index on
// acs_trans_id leaves records without one alone.
func orNull(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func scanAuth(row scanner, extra ...any) (store.AuthRecord, error) {
	var a store.AuthRecord
	var auth3ds, acs sql.NullString
	var expires, updated sql.NullInt64
	var final int
	dest := append(extra, &a.ID, &auth3ds, &acs, &expires, &final, &updated, &a.Version, &a.Data)
	err := row.Scan(dest...)
	a.Auth3dsID, a.ACSTransID, a.Final = auth3ds.String, acs.String, final != 0
	a.Expires, a.Updated = fromNS(expires), fromNS(updated)
	return a, err
}

func (s *Store) PutAuth(ctx context.Context, ws string, a store.AuthRecord) (store.AuthRecord, error) {
	a.Version = 1
	// No look at the workspace first: the foreign key refuses a record in
	// none, and only then is it asked why. Every frictionless authenticate
	// is one PutAuth in the writer, whose time all writers wait for.
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO auths (ws, `+authCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, ws, a.ID, orNull(a.Auth3dsID), orNull(a.ACSTransID), ns(a.Expires),
			boolInt(a.Final), ns(a.Updated), a.Version, a.Data)
		if err != nil {
			if err := exists(ctx, tx, ws); err != nil {
				return err
			}
		}
		return affected(res, err, store.ErrExists)
	})
	if err != nil {
		return store.AuthRecord{}, err
	}
	a.Data = clone(a.Data)
	return a, nil
}

// readAuth is one record found by where (a condition on ws and one key).
func readAuth(ctx context.Context, q querier, ws, where string, key string) (store.AuthRecord, error) {
	a, err := scanAuth(q.QueryRowContext(ctx, `SELECT `+authCols+` FROM auths WHERE ws = ? AND `+where, ws, key))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound(ctx, q, ws, store.ErrNotFound)
	}
	return a, err
}

func (s *Store) Auth(ctx context.Context, ws, id string) (store.AuthRecord, error) {
	return readAuth(ctx, s.r, ws, `id = ?`, id)
}

func (s *Store) AuthByAuth3ds(ctx context.Context, ws, auth3dsID string) (store.AuthRecord, error) {
	return readAuth(ctx, s.r, ws, `auth3ds_id = ?`, auth3dsID)
}

func (s *Store) AuthByACS(ctx context.Context, acsTransID string) (string, store.AuthRecord, error) {
	var ws string
	a, err := scanAuth(s.r.QueryRowContext(ctx, `SELECT ws, `+authCols+` FROM auths WHERE acs_trans_id = ?`, acsTransID), &ws)
	if errors.Is(err, sql.ErrNoRows) {
		return "", a, store.ErrNotFound
	}
	return ws, a, err
}

func (s *Store) UpdateAuth(ctx context.Context, ws string, a store.AuthRecord) (store.AuthRecord, error) {
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE auths SET auth3ds_id = ?, acs_trans_id = ?, expires_ns = ?, final = ?,
			updated_ns = ?, version = version + 1, data = ? WHERE ws = ? AND id = ? AND version = ?`,
			orNull(a.Auth3dsID), orNull(a.ACSTransID), ns(a.Expires), boolInt(a.Final), ns(a.Updated), a.Data,
			ws, a.ID, a.Version)
		if err := affected(res, err, store.ErrStale); !errors.Is(err, store.ErrStale) {
			return err
		}
		_, err = readAuth(ctx, tx, ws, `id = ?`, a.ID) // changed, or gone?
		if err == nil {
			err = store.ErrStale
		}
		return err
	})
	if err != nil {
		return store.AuthRecord{}, err
	}
	a.Version++
	a.Data = clone(a.Data)
	return a, nil
}

func (s *Store) DueAuths(ctx context.Context, ws string, now time.Time, n int) ([]store.AuthRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+authCols+` FROM auths WHERE ws = ? AND final = 0 AND expires_ns <= ?
		ORDER BY expires_ns, id LIMIT ?`, ws, now.UnixNano(), n)
	if err != nil {
		return nil, err
	}
	var out []store.AuthRecord
	for rows.Next() {
		a, err := scanAuth(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	err = errors.Join(rows.Err(), rows.Close())
	return out, s.orNoWorkspace(ctx, ws, len(out) == 0, err)
}

// PruneAuths is one DELETE: the keep-th newest finished record's time,
// read from the auths_done index, is the other bound (none when there are
// fewer: the comparison with NULL is not true).
func (s *Store) PruneAuths(ctx context.Context, ws string, before time.Time, keep int) (int, error) {
	var n int64
	if keep <= 0 {
		keep = 1 << 62 // no such offset: no count bound
	}
	err := s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		pruned := `ws = ? AND final = 1 AND (updated_ns < ? OR updated_ns <
			(SELECT updated_ns FROM auths WHERE ws = ? AND final = 1 ORDER BY updated_ns DESC LIMIT 1 OFFSET ?))`
		args := []any{ws, before.UnixNano(), ws, keep - 1}
		// The pending requests first, while their records still say which:
		// the writer holds the only write lock, so both read the same rows.
		if _, err := tx.ExecContext(ctx, `DELETE FROM pending WHERE ws = ? AND auth3ds_id IN
			(SELECT auth3ds_id FROM auths WHERE auth3ds_id IS NOT NULL AND `+pruned+`)`, append([]any{ws}, args...)...); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM auths WHERE `+pruned, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

func (s *Store) AuthCounts(ctx context.Context, ws string) (total, unfinished int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(1 - final), 0) FROM auths WHERE ws = ?`, ws).Scan(&total, &unfinished)
	return total, unfinished, s.orNoWorkspace(ctx, ws, total == 0, err)
}
