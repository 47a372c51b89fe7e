package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

func (s *Store) PutPending(ctx context.Context, ws string, p store.PendingRequest) error {
	if p.Status == "" {
		p.Status = store.Pending
	}
	return s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO pending (ws, auth3ds_id, authentication_id, customer_id, card_id,
			wallet_operation_id, event, expires_ns, status, answer, answer_body, answered_ns)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			ws, p.Auth3dsID, p.AuthenticationID, p.CustomerID, p.CardID, p.WalletOperationID, p.Event, ns(p.Expires),
			string(p.Status), p.Answer, p.AnswerBody, ns(p.AnsweredAt))
		return affected(res, err, store.ErrExists)
	})
}

const pendingCols = `auth3ds_id, authentication_id, customer_id, card_id, wallet_operation_id, event, expires_ns,
	status, answer, answer_body, answered_ns`

type scanner interface{ Scan(dest ...any) error }

func scanPending(row scanner) (store.PendingRequest, error) {
	var p store.PendingRequest
	var expires, answered sql.NullInt64
	var status string
	err := row.Scan(&p.Auth3dsID, &p.AuthenticationID, &p.CustomerID, &p.CardID, &p.WalletOperationID, &p.Event,
		&expires, &status, &p.Answer, &p.AnswerBody, &answered)
	p.Expires, p.AnsweredAt, p.Status = fromNS(expires), fromNS(answered), store.PendingStatus(status)
	return p, err
}

func readPending(ctx context.Context, q querier, ws, id string) (store.PendingRequest, error) {
	p, err := scanPending(q.QueryRowContext(ctx, `SELECT `+pendingCols+` FROM pending WHERE ws = ? AND auth3ds_id = ?`, ws, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound(ctx, q, ws, store.ErrNotFound)
	}
	return p, err
}

func (s *Store) PendingRequest(ctx context.Context, ws, id string) (store.PendingRequest, error) {
	return readPending(ctx, s.r, ws, id)
}

func (s *Store) TakePending(ctx context.Context, ws, id string, answer, body []byte, now time.Time) (store.PendingRequest, bool, error) {
	var p store.PendingRequest
	taken := false
	err := s.write(ctx, func(tx *wtx) error {
		var err error
		if p, err = readPending(ctx, tx, ws, id); err != nil {
			return err
		}
		if p.Status != store.Pending {
			return nil
		}
		if !now.Before(p.Expires) {
			p.Status = store.Expired
			_, err = tx.ExecContext(ctx, `UPDATE pending SET status = ? WHERE ws = ? AND auth3ds_id = ?`, string(p.Status), ws, id)
			return err
		}
		p.Status, p.Answer, p.AnswerBody, p.AnsweredAt = store.Answered, answer, body, now
		_, err = tx.ExecContext(ctx, `UPDATE pending SET status = ?, answer = ?, answer_body = ?, answered_ns = ?
			WHERE ws = ? AND auth3ds_id = ?`, string(p.Status), answer, body, ns(now), ws, id)
		taken = err == nil
		return err
	})
	if err != nil {
		return store.PendingRequest{}, false, err
	}
	if taken { // p holds the caller's slices: give back copies
		p.Answer, p.AnswerBody = clone(answer), clone(body)
	}
	return p, taken, nil
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func (s *Store) ExpirePending(ctx context.Context, ws, id string) (bool, error) {
	did := false
	err := s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE pending SET status = ? WHERE ws = ? AND auth3ds_id = ? AND status = ?`,
			string(store.Expired), ws, id, string(store.Pending))
		if err := affected(res, err, store.ErrNotFound); err == nil {
			did = true
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		_, err = readPending(ctx, tx, ws, id) // not pending, or missing?
		return err
	})
	return did, err
}

func (s *Store) ListPending(ctx context.Context, ws, customer, card string, now time.Time) ([]store.PendingRequest, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+pendingCols+` FROM pending WHERE ws = ? AND customer_id = ? AND card_id = ?
		AND status = ? AND expires_ns > ? ORDER BY expires_ns, auth3ds_id`, ws, customer, card, string(store.Pending), now.UnixNano())
	if err != nil {
		return nil, err
	}
	var out []store.PendingRequest
	for rows.Next() {
		p, err := scanPending(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	err = errors.Join(rows.Err(), rows.Close())
	return out, s.orNoWorkspace(ctx, ws, len(out) == 0, err)
}

func (s *Store) ForgetPending(ctx context.Context, ws, id string) error {
	return s.write(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, ws); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM pending WHERE ws = ? AND auth3ds_id = ?`, ws, id)
		return err
	})
}
