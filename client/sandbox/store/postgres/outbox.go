package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

var _ store.Outbox = (*Store)(nil)

func (s *Store) Enqueue(ctx context.Context, m store.OutboxMessage) error {
	body := m.Body
	if body == nil {
		body = []byte{}
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO outbox (ws, id, url, body, due_ns, fault, held) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT DO NOTHING`, m.Workspace, m.ID, m.URL, body, m.Due.UnixNano(), m.Fault, m.Held)
		if err := affected(tag, noWorkspace(err), store.ErrExists); err != nil || m.Held {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE outbox SET held = false, due_ns = $1, after_id = $3 WHERE ws = $2 AND held AND owner IS NULL`,
			m.Due.UnixNano()+1, m.Workspace, m.ID)
		return err
	})
}

func (s *Store) Advance(ctx context.Context, ws string, d time.Duration) error {
	if err := exists(ctx, s.pool, ws); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `UPDATE outbox SET due_ns = due_ns - $1 WHERE ws = $2 AND owner IS NULL`, int64(d), ws)
	return err
}

// Claim is one statement: the subquery locks the due rows no other
// transaction has locked (SKIP LOCKED), and the UPDATE hands them to
// owner until the lease ends. A replica claiming at the same moment skips
// those rows and takes the next ones, so no message is claimed twice and
// no replica waits for another.
func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]store.OutboxMessage, error) {
	rows, err := s.pool.Query(ctx, `UPDATE outbox o SET owner = $1, due_ns = $3, attempts = o.attempts + 1
		FROM (SELECT ws, id, due_ns AS was FROM outbox d WHERE due_ns <= $2
			AND (after_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox r WHERE r.ws = d.ws AND r.id = d.after_id))
			ORDER BY due_ns, seq LIMIT $4 FOR UPDATE SKIP LOCKED) due
		WHERE o.ws = due.ws AND o.id = due.id
		RETURNING o.ws, o.id, o.url, o.body, o.fault, o.held, coalesce(o.after_id, ''), o.due_ns, o.attempts, o.last_error, due.was, o.seq`,
		owner, now.UnixNano(), now.Add(lease).UnixNano(), n)
	if err != nil {
		return nil, err
	}
	type row struct {
		m        store.OutboxMessage
		was, seq int64
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		var due int64
		err := r.Scan(&x.m.Workspace, &x.m.ID, &x.m.URL, &x.m.Body, &x.m.Fault, &x.m.Held, &x.m.After, &due, &x.m.Attempts, &x.m.LastError, &x.was, &x.seq)
		x.m.Due = time.Unix(0, due).UTC()
		return x, err
	})
	if err != nil {
		return nil, err
	}
	// RETURNING's order is not the subquery's: oldest due first again.
	slices.SortFunc(got, func(a, b row) int { return cmp.Or(cmp.Compare(a.was, b.was), cmp.Compare(a.seq, b.seq)) })
	out := make([]store.OutboxMessage, len(got))
	for i, x := range got {
		out[i] = x.m
	}
	return out, nil
}

func (s *Store) Done(ctx context.Context, owner, ws, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM outbox WHERE ws = $1 AND id = $2 AND owner = $3`, ws, id, owner)
	return affected(tag, err, store.ErrNotFound)
}

func (s *Store) Retry(ctx context.Context, owner, ws, id string, due time.Time, lastErr string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE outbox SET owner = NULL, due_ns = $4, last_error = $5
		WHERE ws = $1 AND id = $2 AND owner = $3`, ws, id, owner, due.UnixNano(), lastErr)
	return affected(tag, err, store.ErrNotFound)
}
