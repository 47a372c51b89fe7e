package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// sweep is how many records past the TTL a claim removes at most, so
// that expired records go at the pace new ones come, at a bounded cost
// per request.
const sweep = 32

func (s *Store) ClaimKey(ctx context.Context, ws, key string, fp [32]byte, now time.Time) (store.IdemRecord, store.IdemState, error) {
	var rec store.IdemRecord
	var state store.IdemState
	err := s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		cutoff := now.Add(-s.limits.IdempotencyTTL).UnixNano()
		// Records past the TTL, oldest first, a few per claim.
		if err := forget(ctx, tx, ws, `SELECT seq FROM idempotency WHERE ws = ? AND created_ns <= ? AND done = 1
			ORDER BY created_ns LIMIT ?`, ws, cutoff, sweep); err != nil {
			return err
		}
		var seq int64
		var fpb []byte
		var created sql.NullInt64
		var done bool
		err := tx.QueryRowContext(ctx, `SELECT seq, fingerprint, created_ns, done, status, body FROM idempotency
			WHERE ws = ? AND key = ?`, ws, key).Scan(&seq, &fpb, &created, &done, &rec.Status, &rec.Body)
		switch {
		case err == nil && now.Sub(fromNS(created)) < s.limits.IdempotencyTTL:
			rec.Key, rec.Created = key, fromNS(created)
			copy(rec.Fingerprint[:], fpb)
			switch {
			case rec.Fingerprint != fp:
				state = store.Conflict
			case !done:
				rec, state = store.IdemRecord{}, store.InFlight
			default:
				state = store.Done
			}
			return nil
		case err == nil: // past the TTL: as if absent
			if err := forget(ctx, tx, ws, `SELECT ?`, seq); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		rec = store.IdemRecord{}
		size := store.IdemRecord{Key: key}.Size()
		if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency (ws, key, fingerprint, created_ns, size) VALUES (?, ?, ?, ?, ?)`,
			ws, key, fp[:], ns(now), size); err != nil {
			return err
		}
		state = store.Claimed
		_, err = tx.ExecContext(ctx, `UPDATE workspaces SET idem_count = idem_count + 1, idem_bytes = idem_bytes + ? WHERE id = ?`, size, ws)
		return err
	})
	if err != nil {
		return store.IdemRecord{}, 0, err
	}
	return rec, state, nil
}

// forget deletes the idempotency records whose seq the query selects and
// takes them off the workspace's usage.
func forget(ctx context.Context, tx *wtx, ws, selectSeqs string, args ...any) error {
	var n, bytes int64
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM idempotency WHERE seq IN (`+selectSeqs+`)`, args...).Scan(&n, &bytes)
	if err != nil || n == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE seq IN (`+selectSeqs+`)`, args...); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE workspaces SET idem_count = idem_count - ?, idem_bytes = idem_bytes - ? WHERE id = ?`, n, bytes, ws)
	return err
}

func (s *Store) CompleteKey(ctx context.Context, ws, key string, status int, body []byte) error {
	return s.write(ctx, func(tx *wtx) error {
		if body == nil {
			body = []byte{}
		}
		res, err := tx.ExecContext(ctx, `UPDATE idempotency SET done = 1, status = ?, body = ?, size = size + ?
			WHERE ws = ? AND key = ? AND done = 0`, status, body, len(body), ws, key)
		if err := notFound(ctx, tx, ws, affected(res, err, store.ErrNotFound)); err != nil {
			return err
		}
		var total int64
		if err := tx.QueryRowContext(ctx, `UPDATE workspaces SET idem_bytes = idem_bytes + ? WHERE id = ? RETURNING idem_bytes`,
			len(body), ws).Scan(&total); err != nil {
			return err
		}
		// Over the budget: the oldest completed records go first.
		for total > s.limits.IdempotencyBytes {
			var seq, size int64
			err := tx.QueryRowContext(ctx, `SELECT seq, size FROM idempotency WHERE ws = ? AND done = 1 ORDER BY seq LIMIT 1`, ws).Scan(&seq, &size)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // only records in flight remain
			} else if err != nil {
				return err
			}
			if err := forget(ctx, tx, ws, `SELECT ?`, seq); err != nil {
				return err
			}
			total -= size
		}
		return nil
	})
}

func (s *Store) ReleaseKey(ctx context.Context, ws, key string) error {
	return s.write(ctx, func(tx *wtx) error {
		var seq int64
		err := tx.QueryRowContext(ctx, `SELECT seq FROM idempotency WHERE ws = ? AND key = ? AND done = 0`, ws, key).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(ctx, tx, ws, store.ErrNotFound)
		} else if err != nil {
			return err
		}
		return forget(ctx, tx, ws, `SELECT ?`, seq)
	})
}

func (s *Store) IdempotencyUsage(ctx context.Context, ws string) (int, int64, error) {
	var n int
	var b int64
	err := s.r.QueryRowContext(ctx, `SELECT idem_count, idem_bytes FROM workspaces WHERE id = ?`, ws).Scan(&n, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, store.ErrNoWorkspace
	}
	return n, b, err
}
