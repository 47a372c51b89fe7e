package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// lookedUp are the credential kinds WorkspaceByCredential finds (the
// webhook's HMAC key signs; it is never presented).
var lookedUp = []store.CredentialKind{store.IssuingAPIKey, store.IssuingToken, store.ThreeDSKey, store.WalletToken}

func (s *Store) CreateWorkspace(ctx context.Context, w store.Workspace) error {
	c := w.Credentials
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO workspaces (id, issuing_api_key, issuing_token, threeds_key, wallet_token,
			webhook_hmac_key, created_ns, clock_offset_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
			w.ID, c.IssuingAPIKey, c.IssuingToken, c.ThreeDSKey, c.WalletToken, c.WebhookHMACKey, ns(w.Created), int64(w.ClockOffset))
		if err := affected(tag, err, store.ErrExists); err != nil {
			return err
		}
		for _, k := range lookedUp {
			if v := c.Of(k); v != "" {
				_, err := tx.Exec(ctx, `INSERT INTO credentials (kind, value, ws) VALUES ($1, $2, $3)`, int(k), v, w.ID)
				if pgCode(err) == uniqueViolation {
					return store.ErrCredentialTaken // and the transaction undoes the workspace
				} else if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

const workspaceCols = `id, issuing_api_key, issuing_token, threeds_key, wallet_token, webhook_hmac_key, created_ns, clock_offset_ns`

func scanWorkspace(row pgx.Row) (store.Workspace, error) {
	var w store.Workspace
	var created *int64
	var offset int64
	c := &w.Credentials
	err := row.Scan(&w.ID, &c.IssuingAPIKey, &c.IssuingToken, &c.ThreeDSKey, &c.WalletToken, &c.WebhookHMACKey, &created, &offset)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Workspace{}, store.ErrNoWorkspace
	}
	w.Created, w.ClockOffset = fromNS(created), time.Duration(offset)
	return w, err
}

func (s *Store) Workspace(ctx context.Context, id string) (store.Workspace, error) {
	return scanWorkspace(s.pool.QueryRow(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = $1`, id))
}

func (s *Store) WorkspaceByCredential(ctx context.Context, k store.CredentialKind, value string) (store.Workspace, error) {
	if value == "" {
		return store.Workspace{}, store.ErrNoWorkspace
	}
	return scanWorkspace(s.pool.QueryRow(ctx, `SELECT `+workspaceCols+` FROM workspaces
		WHERE id = (SELECT ws FROM credentials WHERE kind = $1 AND value = $2)`, int(k), value))
}

func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM workspaces WHERE id = $1`, id) // the rest cascades
	return affected(tag, err, store.ErrNoWorkspace)
}

func (s *Store) ResetWorkspace(ctx context.Context, id string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Updating the row first locks it: idempotency claims wait for the reset.
		tag, err := tx.Exec(ctx, `UPDATE workspaces SET clock_offset_ns = 0, webhook_url = '', webhook_key = NULL,
			webhook_old_key = NULL, webhook_old_until_ns = NULL, webhook_faults = '',
			idem_count = 0, idem_bytes = 0 WHERE id = $1`, id)
		if err := affected(tag, err, store.ErrNoWorkspace); err != nil {
			return err
		}
		for _, t := range []string{"enrollments", "messages", "deliveries", "pending", "idempotency", "auths"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE ws = $1`, id); err != nil {
				return err
			}
		}
		// Deliveries still queued go too: their events are the workspace's.
		_, err = tx.Exec(ctx, `DELETE FROM outbox WHERE ws = $1`, id)
		return err
	})
}

func (s *Store) AdvanceClock(ctx context.Context, id string, d time.Duration) (store.Workspace, error) {
	if d < 0 {
		d = 0
	}
	return scanWorkspace(s.pool.QueryRow(ctx, `UPDATE workspaces SET clock_offset_ns = clock_offset_ns + $1 WHERE id = $2
		RETURNING `+workspaceCols, int64(d), id))
}
