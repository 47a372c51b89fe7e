package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

func (s *Store) Enroll(ctx context.Context, ws string, e store.Enrollment) error {
	return s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO enrollments (ws, cardholder, card, wallet, method) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, ws, e.Cardholder, e.Card, e.Wallet, e.Method)
		return affected(res, err, store.ErrExists)
	})
}

func (s *Store) Enrollment(ctx context.Context, ws, cardholder, card string) (store.Enrollment, error) {
	e := store.Enrollment{Cardholder: cardholder, Card: card}
	err := s.r.QueryRowContext(ctx, `SELECT wallet, method FROM enrollments WHERE ws = ? AND cardholder = ? AND card = ?`,
		ws, cardholder, card).Scan(&e.Wallet, &e.Method)
	if errors.Is(err, sql.ErrNoRows) {
		if err := exists(ctx, s.r, ws); err != nil {
			return store.Enrollment{}, err
		}
		return store.Enrollment{}, store.ErrNotFound
	}
	return e, err
}

func (s *Store) UpdateEnrollment(ctx context.Context, ws, cardholder, card, method string) error {
	return s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE enrollments SET method = ? WHERE ws = ? AND cardholder = ? AND card = ?`,
			method, ws, cardholder, card)
		return notFound(ctx, tx, ws, affected(res, err, store.ErrNotFound))
	})
}

func (s *Store) Unenroll(ctx context.Context, ws, cardholder, card string) error {
	return s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM enrollments WHERE ws = ? AND cardholder = ? AND card = ?`, ws, cardholder, card)
		return notFound(ctx, tx, ws, affected(res, err, store.ErrNotFound))
	})
}

// notFound turns ErrNotFound into ErrNoWorkspace when the workspace is
// missing.
func notFound(ctx context.Context, q querier, ws string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		if err := exists(ctx, q, ws); err != nil {
			return err
		}
	}
	return err
}

func (s *Store) Enrollments(ctx context.Context, ws string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrollments WHERE ws = ?`, ws).Scan(&n)
	return n, s.orNoWorkspace(ctx, ws, n == 0, err)
}

func (s *Store) Deliver(ctx context.Context, ws, cardholder string, m store.Message, keep int) error {
	return s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages (ws, cardholder, id, channel, sender, recipient, subject,
			body, code, authentication_id, sent_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ws, cardholder, m.ID, m.Channel, m.From, m.To, m.Subject, m.Body, m.Code, m.AuthenticationID, ns(m.SentAt)); err != nil {
			return err
		}
		if keep <= 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE ws = ? AND cardholder = ? AND seq <=
			(SELECT seq FROM messages WHERE ws = ? AND cardholder = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
			ws, cardholder, ws, cardholder, keep)
		return err
	})
}

func (s *Store) Inbox(ctx context.Context, ws, cardholder string) ([]store.Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, channel, sender, recipient, subject, body, code, authentication_id, sent_ns
		FROM messages WHERE ws = ? AND cardholder = ? ORDER BY seq`, ws, cardholder)
	if err != nil {
		return nil, err
	}
	var out []store.Message
	for rows.Next() {
		var m store.Message
		var sent sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Channel, &m.From, &m.To, &m.Subject, &m.Body, &m.Code, &m.AuthenticationID, &sent); err != nil {
			rows.Close()
			return nil, err
		}
		m.SentAt = fromNS(sent)
		out = append(out, m)
	}
	err = errors.Join(rows.Err(), rows.Close())
	return out, s.orNoWorkspace(ctx, ws, len(out) == 0, err)
}

func (s *Store) SetWebhook(ctx context.Context, ws string, w store.Webhook) error {
	return s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE workspaces SET webhook_url = ?, webhook_key = ?, webhook_old_key = ?,
			webhook_old_until_ns = ?, webhook_faults = ? WHERE id = ?`, w.URL, w.Key, w.OldKey, ns(w.OldUntil), w.Faults, ws)
		return affected(res, err, store.ErrNoWorkspace)
	})
}

func (s *Store) Webhook(ctx context.Context, ws string) (store.Webhook, error) {
	var w store.Webhook
	var until sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT webhook_url, webhook_key, webhook_old_key, webhook_old_until_ns, webhook_faults
		FROM workspaces WHERE id = ?`, ws).Scan(&w.URL, &w.Key, &w.OldKey, &until, &w.Faults)
	w.OldUntil = fromNS(until)
	if errors.Is(err, sql.ErrNoRows) {
		return w, store.ErrNoWorkspace
	}
	return w, err
}

func (s *Store) RecordDelivery(ctx context.Context, ws string, d store.Delivery, keep int) error {
	return s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries (ws, event_id, auth3ds_id, url, attempts, last_status,
			last_error, delivered, updated_ns, fault, duplicates) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (ws, event_id) DO UPDATE SET auth3ds_id = excluded.auth3ds_id, url = excluded.url,
			attempts = excluded.attempts, last_status = excluded.last_status, last_error = excluded.last_error,
			delivered = excluded.delivered, updated_ns = excluded.updated_ns, fault = excluded.fault,
			duplicates = excluded.duplicates`,
			ws, d.EventID, d.Auth3dsID, d.URL, d.Attempts, d.LastStatus, d.LastError, d.Delivered, ns(d.UpdatedAt),
			d.Fault, d.Duplicates); err != nil {
			return err
		}
		if keep <= 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE ws = ? AND seq <=
			(SELECT seq FROM deliveries WHERE ws = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`, ws, ws, keep)
		return err
	})
}

func (s *Store) Deliveries(ctx context.Context, ws string) ([]store.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT event_id, auth3ds_id, url, attempts, last_status, last_error, delivered,
		updated_ns, fault, duplicates FROM deliveries WHERE ws = ? ORDER BY seq`, ws)
	if err != nil {
		return nil, err
	}
	var out []store.Delivery
	for rows.Next() {
		var d store.Delivery
		var updated sql.NullInt64
		if err := rows.Scan(&d.EventID, &d.Auth3dsID, &d.URL, &d.Attempts, &d.LastStatus, &d.LastError, &d.Delivered, &updated,
			&d.Fault, &d.Duplicates); err != nil {
			rows.Close()
			return nil, err
		}
		d.UpdatedAt = fromNS(updated)
		out = append(out, d)
	}
	err = errors.Join(rows.Err(), rows.Close())
	return out, s.orNoWorkspace(ctx, ws, len(out) == 0, err)
}
