package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// sweep is how many records past the TTL a claim removes at most, so
// that expired records go at the pace new ones come, at a bounded cost
// per request.
const sweep = 32

// inWorkspace runs fn in a transaction holding the workspace's row lock:
// the idempotency operations of one workspace take turns across every
// replica, so a claim, its byte count and the evictions move together.
// Other workspaces never wait.
func (s *Store) inWorkspace(ctx context.Context, ws string, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE`, ws).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNoWorkspace
		} else if err != nil {
			return err
		}
		return fn(tx)
	})
}

// textKey is key as a TEXT column can hold it: PostgreSQL's text has no
// NUL byte, and the sandbox joins a key's parts with NULs. The escape is
// one-to-one (a backslash is doubled, a NUL becomes \0), so distinct keys
// stay distinct; the key is never read back.
func textKey(key string) string {
	if !strings.ContainsAny(key, "\x00\\") {
		return key
	}
	return strings.NewReplacer("\\", "\\\\", "\x00", "\\0").Replace(key)
}

func (s *Store) ClaimKey(ctx context.Context, ws, key string, fp [32]byte, now time.Time) (store.IdemRecord, store.IdemState, error) {
	given := key
	key = textKey(key)
	var rec store.IdemRecord
	var state store.IdemState
	err := s.inWorkspace(ctx, ws, func(tx pgx.Tx) error {
		cutoff := now.Add(-s.limits.IdempotencyTTL).UnixNano()
		if err := forget(ctx, tx, ws, `SELECT seq FROM idempotency WHERE ws = $1 AND created_ns <= $2 AND done
			ORDER BY created_ns LIMIT $3`, ws, cutoff, sweep); err != nil {
			return err
		}
		var seq int64
		var fpb []byte
		var created *int64
		var done bool
		err := tx.QueryRow(ctx, `SELECT seq, fingerprint, created_ns, done, status, body FROM idempotency
			WHERE ws = $1 AND key = $2`, ws, key).Scan(&seq, &fpb, &created, &done, &rec.Status, &rec.Body)
		switch {
		case err == nil && now.Sub(fromNS(created)) < s.limits.IdempotencyTTL:
			rec.Key, rec.Created = given, fromNS(created)
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
			if err := forget(ctx, tx, ws, `SELECT $1::bigint`, seq); err != nil {
				return err
			}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		rec = store.IdemRecord{}
		size := store.IdemRecord{Key: given}.Size()
		if _, err := tx.Exec(ctx, `INSERT INTO idempotency (ws, key, fingerprint, created_ns, size) VALUES ($1, $2, $3, $4, $5)`,
			ws, key, fp[:], ns(now), size); err != nil {
			return err
		}
		state = store.Claimed
		_, err = tx.Exec(ctx, `UPDATE workspaces SET idem_count = idem_count + 1, idem_bytes = idem_bytes + $1 WHERE id = $2`, size, ws)
		return err
	})
	if err != nil {
		return store.IdemRecord{}, 0, err
	}
	return rec, state, nil
}

// forget deletes the idempotency records whose seq the query selects and
// takes them off the workspace's usage.
func forget(ctx context.Context, tx pgx.Tx, ws, selectSeqs string, args ...any) error {
	var n, bytes int64
	err := tx.QueryRow(ctx, `WITH gone AS (DELETE FROM idempotency WHERE seq IN (`+selectSeqs+`) RETURNING size)
		SELECT COUNT(*), COALESCE(SUM(size), 0) FROM gone`, args...).Scan(&n, &bytes)
	if err != nil || n == 0 {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE workspaces SET idem_count = idem_count - $1, idem_bytes = idem_bytes - $2 WHERE id = $3`, n, bytes, ws)
	return err
}

func (s *Store) CompleteKey(ctx context.Context, ws, key string, status int, body []byte) error {
	key = textKey(key)
	if body == nil {
		body = []byte{}
	}
	return s.inWorkspace(ctx, ws, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE idempotency SET done = TRUE, status = $1, body = $2, size = size + $3
			WHERE ws = $4 AND key = $5 AND NOT done`, status, body, len(body), ws, key)
		if err := affected(tag, err, store.ErrNotFound); err != nil {
			return err
		}
		var total int64
		if err := tx.QueryRow(ctx, `UPDATE workspaces SET idem_bytes = idem_bytes + $1 WHERE id = $2 RETURNING idem_bytes`,
			len(body), ws).Scan(&total); err != nil {
			return err
		}
		// Over the budget: the oldest completed records go first.
		for total > s.limits.IdempotencyBytes {
			var seq, size int64
			err := tx.QueryRow(ctx, `SELECT seq, size FROM idempotency WHERE ws = $1 AND done ORDER BY seq LIMIT 1`, ws).Scan(&seq, &size)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil // only records in flight remain
			} else if err != nil {
				return err
			}
			if err := forget(ctx, tx, ws, `SELECT $1::bigint`, seq); err != nil {
				return err
			}
			total -= size
		}
		return nil
	})
}

func (s *Store) ReleaseKey(ctx context.Context, ws, key string) error {
	key = textKey(key)
	return s.inWorkspace(ctx, ws, func(tx pgx.Tx) error {
		var seq int64
		err := tx.QueryRow(ctx, `SELECT seq FROM idempotency WHERE ws = $1 AND key = $2 AND NOT done`, ws, key).Scan(&seq)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		return forget(ctx, tx, ws, `SELECT $1::bigint`, seq)
	})
}

func (s *Store) IdempotencyUsage(ctx context.Context, ws string) (int, int64, error) {
	var n int
	var b int64
	err := s.pool.QueryRow(ctx, `SELECT idem_count, idem_bytes FROM workspaces WHERE id = $1`, ws).Scan(&n, &b)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, store.ErrNoWorkspace
	}
	return n, b, err
}
