package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

func (s *Store) Enroll(ctx context.Context, ws string, e store.Enrollment) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO enrollments (ws, cardholder, card, wallet, method) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, ws, e.Cardholder, e.Card, e.Wallet, e.Method)
	return affected(tag, noWorkspace(err), store.ErrExists)
}

func (s *Store) Enrollment(ctx context.Context, ws, cardholder, card string) (store.Enrollment, error) {
	e := store.Enrollment{Cardholder: cardholder, Card: card}
	err := s.pool.QueryRow(ctx, `SELECT wallet, method FROM enrollments WHERE ws = $1 AND cardholder = $2 AND card = $3`,
		ws, cardholder, card).Scan(&e.Wallet, &e.Method)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Enrollment{}, notFound(ctx, s.pool, ws, store.ErrNotFound)
	}
	return e, err
}

func (s *Store) UpdateEnrollment(ctx context.Context, ws, cardholder, card, method string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE enrollments SET method = $1 WHERE ws = $2 AND cardholder = $3 AND card = $4`,
		method, ws, cardholder, card)
	return notFound(ctx, s.pool, ws, affected(tag, err, store.ErrNotFound))
}

func (s *Store) Unenroll(ctx context.Context, ws, cardholder, card string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM enrollments WHERE ws = $1 AND cardholder = $2 AND card = $3`, ws, cardholder, card)
	return notFound(ctx, s.pool, ws, affected(tag, err, store.ErrNotFound))
}

func (s *Store) Enrollments(ctx context.Context, ws string) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM enrollments WHERE ws = $1`, ws).Scan(&n); err != nil || n > 0 {
		return n, err
	}
	return 0, exists(ctx, s.pool, ws)
}

func (s *Store) Deliver(ctx context.Context, ws, cardholder string, m store.Message, keep int) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO messages (ws, cardholder, id, channel, sender, recipient, subject,
			body, code, authentication_id, sent_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			ws, cardholder, m.ID, m.Channel, m.From, m.To, m.Subject, m.Body, m.Code, m.AuthenticationID, ns(m.SentAt)); err != nil {
			return noWorkspace(err)
		}
		if keep <= 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `DELETE FROM messages WHERE ws = $1 AND cardholder = $2 AND seq <=
			(SELECT seq FROM messages WHERE ws = $1 AND cardholder = $2 ORDER BY seq DESC LIMIT 1 OFFSET $3)`,
			ws, cardholder, keep)
		return err
	})
}

func (s *Store) Inbox(ctx context.Context, ws, cardholder string) ([]store.Message, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, channel, sender, recipient, subject, body, code, authentication_id, sent_ns
		FROM messages WHERE ws = $1 AND cardholder = $2 ORDER BY seq`, ws, cardholder)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Message, error) {
		var m store.Message
		var sent *int64
		err := row.Scan(&m.ID, &m.Channel, &m.From, &m.To, &m.Subject, &m.Body, &m.Code, &m.AuthenticationID, &sent)
		m.SentAt = fromNS(sent)
		return m, err
	})
	if err != nil || len(out) > 0 {
		return out, err
	}
	return nil, exists(ctx, s.pool, ws)
}

func (s *Store) SetWebhook(ctx context.Context, ws string, w store.Webhook) error {
	tag, err := s.pool.Exec(ctx, `UPDATE workspaces SET webhook_url = $1, webhook_key = $2, webhook_old_key = $3,
		webhook_old_until_ns = $4, webhook_faults = $6 WHERE id = $5`, w.URL, w.Key, w.OldKey, ns(w.OldUntil), ws, w.Faults)
	return affected(tag, err, store.ErrNoWorkspace)
}

func (s *Store) Webhook(ctx context.Context, ws string) (store.Webhook, error) {
	var w store.Webhook
	var until *int64
	err := s.pool.QueryRow(ctx, `SELECT webhook_url, webhook_key, webhook_old_key, webhook_old_until_ns, webhook_faults
		FROM workspaces WHERE id = $1`, ws).Scan(&w.URL, &w.Key, &w.OldKey, &until, &w.Faults)
	w.OldUntil = fromNS(until)
	if errors.Is(err, pgx.ErrNoRows) {
		return w, store.ErrNoWorkspace
	}
	return w, err
}

func (s *Store) RecordDelivery(ctx context.Context, ws string, d store.Delivery, keep int) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO deliveries (ws, event_id, auth3ds_id, url, attempts, last_status,
			last_error, delivered, updated_ns, fault, duplicates) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (ws, event_id) DO UPDATE SET auth3ds_id = excluded.auth3ds_id, url = excluded.url,
			attempts = excluded.attempts, last_status = excluded.last_status, last_error = excluded.last_error,
			delivered = excluded.delivered, updated_ns = excluded.updated_ns, fault = excluded.fault,
			duplicates = excluded.duplicates`,
			ws, d.EventID, d.Auth3dsID, d.URL, d.Attempts, d.LastStatus, d.LastError, d.Delivered, ns(d.UpdatedAt),
			d.Fault, d.Duplicates); err != nil {
			return noWorkspace(err)
		}
		if keep <= 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `DELETE FROM deliveries WHERE ws = $1 AND seq <=
			(SELECT seq FROM deliveries WHERE ws = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`, ws, keep)
		return err
	})
}

func (s *Store) Deliveries(ctx context.Context, ws string) ([]store.Delivery, error) {
	rows, err := s.pool.Query(ctx, `SELECT event_id, auth3ds_id, url, attempts, last_status, last_error, delivered,
		updated_ns, fault, duplicates FROM deliveries WHERE ws = $1 ORDER BY seq`, ws)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Delivery, error) {
		var d store.Delivery
		var updated *int64
		err := row.Scan(&d.EventID, &d.Auth3dsID, &d.URL, &d.Attempts, &d.LastStatus, &d.LastError, &d.Delivered, &updated, &d.Fault, &d.Duplicates)
		d.UpdatedAt = fromNS(updated)
		return d, err
	})
	if err != nil || len(out) > 0 {
		return out, err
	}
	return nil, exists(ctx, s.pool, ws)
}
