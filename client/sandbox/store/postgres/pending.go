package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

func (s *Store) PutPending(ctx context.Context, ws string, p store.PendingRequest) error {
	if p.Status == "" {
		p.Status = store.Pending
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO pending (ws, auth3ds_id, authentication_id, customer_id, card_id,
		wallet_operation_id, event, expires_ns, status, answer, answer_body, answered_ns)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
		ws, p.Auth3dsID, p.AuthenticationID, p.CustomerID, p.CardID, p.WalletOperationID, p.Event, ns(p.Expires),
		string(p.Status), p.Answer, p.AnswerBody, ns(p.AnsweredAt))
	return affected(tag, noWorkspace(err), store.ErrExists)
}

const pendingCols = `auth3ds_id, authentication_id, customer_id, card_id, wallet_operation_id, event, expires_ns,
	status, answer, answer_body, answered_ns`

func scanPending(row pgx.Row) (store.PendingRequest, error) {
	var p store.PendingRequest
	var expires, answered *int64
	var status string
	err := row.Scan(&p.Auth3dsID, &p.AuthenticationID, &p.CustomerID, &p.CardID, &p.WalletOperationID, &p.Event,
		&expires, &status, &p.Answer, &p.AnswerBody, &answered)
	p.Expires, p.AnsweredAt, p.Status = fromNS(expires), fromNS(answered), store.PendingStatus(status)
	return p, err
}

func (s *Store) PendingRequest(ctx context.Context, ws, id string) (store.PendingRequest, error) {
	p, err := scanPending(s.pool.QueryRow(ctx, `SELECT `+pendingCols+` FROM pending WHERE ws = $1 AND auth3ds_id = $2`, ws, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.PendingRequest{}, notFound(ctx, s.pool, ws, store.ErrNotFound)
	}
	return p, err
}

// TakePending is one UPDATE: of concurrent ones (on any replica) the first
// to commit changes the row, and PostgreSQL re-checks the others' WHERE
// against what it committed, so they change nothing. The deadline is the
// stored one, compared with the caller's now.
func (s *Store) TakePending(ctx context.Context, ws, id string, answer, body []byte, now time.Time) (store.PendingRequest, bool, error) {
	p, err := scanPending(s.pool.QueryRow(ctx, `UPDATE pending SET
			status      = CASE WHEN expires_ns > $3 THEN 'ANSWERED' ELSE 'EXPIRED' END,
			answer      = CASE WHEN expires_ns > $3 THEN $4::bytea END,
			answer_body = CASE WHEN expires_ns > $3 THEN $5::bytea END,
			answered_ns = CASE WHEN expires_ns > $3 THEN $3::bigint END
		WHERE ws = $1 AND auth3ds_id = $2 AND status = 'PENDING'
		RETURNING `+pendingCols, ws, id, now.UnixNano(), answer, body))
	if err == nil {
		return p, p.Status == store.Answered, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return store.PendingRequest{}, false, err
	}
	// Not pending (answered or expired before), or not there: as it stands.
	p, err = s.PendingRequest(ctx, ws, id)
	return p, false, err
}

func (s *Store) ExpirePending(ctx context.Context, ws, id string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE pending SET status = 'EXPIRED' WHERE ws = $1 AND auth3ds_id = $2 AND status = 'PENDING'`, ws, id)
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	_, err = s.PendingRequest(ctx, ws, id) // not pending, or missing?
	return false, err
}

func (s *Store) ListPending(ctx context.Context, ws, customer, card string, now time.Time) ([]store.PendingRequest, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pendingCols+` FROM pending WHERE ws = $1 AND customer_id = $2 AND card_id = $3
		AND status = 'PENDING' AND expires_ns > $4 ORDER BY expires_ns, auth3ds_id`, ws, customer, card, now.UnixNano())
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.PendingRequest, error) { return scanPending(row) })
	if err != nil || len(out) > 0 {
		return out, err
	}
	return nil, exists(ctx, s.pool, ws)
}

func (s *Store) ForgetPending(ctx context.Context, ws, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM pending WHERE ws = $1 AND auth3ds_id = $2`, ws, id)
	if err != nil || tag.RowsAffected() > 0 {
		return err
	}
	return exists(ctx, s.pool, ws)
}
