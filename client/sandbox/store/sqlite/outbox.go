package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

var _ store.Outbox = (*Store)(nil)

func (s *Store) Enqueue(ctx context.Context, m store.OutboxMessage) error {
	body := m.Body
	if body == nil {
		body = []byte{}
	}
	return s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, m.Workspace); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO outbox (ws, id, url, body, due_ns, fault, held) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, m.Workspace, m.ID, m.URL, body, m.Due.UnixNano(), m.Fault, m.Held)
		if err := affected(res, err, store.ErrExists); err != nil || m.Held {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET held = 0, due_ns = ?, after_id = ? WHERE ws = ? AND held AND owner IS NULL`,
			m.Due.UnixNano()+1, m.ID, m.Workspace)
		return err
	})
}

func (s *Store) Advance(ctx context.Context, ws string, d time.Duration) error {
	return s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET due_ns = due_ns - ? WHERE ws = ? AND owner IS NULL`, int64(d), ws)
		return err
	})
}

// Claim runs in the writer, so claims never overlap.
func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]store.OutboxMessage, error) {
	var out []store.OutboxMessage
	err := s.write(ctx, func(tx *wtx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `SELECT seq, ws, id, url, body, fault, held, coalesce(after_id, ''), attempts, last_error FROM outbox o
			WHERE due_ns <= ? AND (after_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox r WHERE r.ws = o.ws AND r.id = o.after_id))
			ORDER BY due_ns, seq LIMIT ?`, now.UnixNano(), n)
		if err != nil {
			return err
		}
		var seqs []int64
		for rows.Next() {
			var m store.OutboxMessage
			var seq int64
			if err := rows.Scan(&seq, &m.Workspace, &m.ID, &m.URL, &m.Body, &m.Fault, &m.Held, &m.After, &m.Attempts, &m.LastError); err != nil {
				rows.Close()
				return err
			}
			m.Attempts++
			m.Due = now.Add(lease)
			seqs, out = append(seqs, seq), append(out, m)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, seq := range seqs {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET owner = ?, due_ns = ?, attempts = attempts + 1 WHERE seq = ?`,
				owner, now.Add(lease).UnixNano(), seq); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) Done(ctx context.Context, owner, ws, id string) error {
	return s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE ws = ? AND id = ? AND owner = ?`, ws, id, owner)
		return affected(res, err, store.ErrNotFound)
	})
}

func (s *Store) Retry(ctx context.Context, owner, ws, id string, due time.Time, lastErr string) error {
	return s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET owner = NULL, due_ns = ?, last_error = ?
			WHERE ws = ? AND id = ? AND owner = ?`, due.UnixNano(), lastErr, ws, id, owner)
		return affected(res, err, store.ErrNotFound)
	})
}
