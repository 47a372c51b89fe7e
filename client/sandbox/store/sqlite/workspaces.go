package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// lookedUp are the credential kinds WorkspaceByCredential finds (the
// webhook's HMAC key signs; it is never presented).
var lookedUp = []store.CredentialKind{store.IssuingAPIKey, store.IssuingToken, store.ThreeDSKey, store.WalletToken}

func (s *Store) CreateWorkspace(ctx context.Context, w store.Workspace) error {
	c := w.Credentials
	return s.changed(ctx, func(tx *wtx) error {
		if err := exists(ctx, tx, w.ID); err == nil {
			return store.ErrExists
		} else if !errors.Is(err, store.ErrNoWorkspace) {
			return err
		}
		for _, k := range lookedUp {
			if v := c.Of(k); v != "" {
				var one int
				err := tx.QueryRowContext(ctx, `SELECT 1 FROM credentials WHERE kind = ? AND value = ?`, int(k), v).Scan(&one)
				if err == nil {
					return store.ErrCredentialTaken
				} else if !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workspaces (id, issuing_api_key, issuing_token, threeds_key,
			wallet_token, webhook_hmac_key, created_ns, clock_offset_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			w.ID, c.IssuingAPIKey, c.IssuingToken, c.ThreeDSKey, c.WalletToken, c.WebhookHMACKey,
			ns(w.Created), int64(w.ClockOffset)); err != nil {
			return err
		}
		for _, k := range lookedUp {
			if v := c.Of(k); v != "" {
				if _, err := tx.ExecContext(ctx, `INSERT INTO credentials (kind, value, ws) VALUES (?, ?, ?)`, int(k), v, w.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

const workspaceCols = `id, issuing_api_key, issuing_token, threeds_key, wallet_token, webhook_hmac_key, created_ns, clock_offset_ns`

func scanWorkspace(row *sql.Row) (store.Workspace, error) {
	var w store.Workspace
	var created sql.NullInt64
	var offset int64
	c := &w.Credentials
	err := row.Scan(&w.ID, &c.IssuingAPIKey, &c.IssuingToken, &c.ThreeDSKey, &c.WalletToken, &c.WebhookHMACKey, &created, &offset)
	if errors.Is(err, sql.ErrNoRows) {
		return w, store.ErrNoWorkspace
	}
	w.Created, w.ClockOffset = fromNS(created), time.Duration(offset)
	return w, err
}

// Workspace is cached as WorkspaceByCredential is (under kind 0, which no
// credential has): a sandbox on a shared store reads its workspace's clock
// on every request, and only this process changes it.
func (s *Store) Workspace(ctx context.Context, id string) (store.Workspace, error) {
	key := credKey{0, id}
	c, gen, ok := s.creds.get(key)
	if ok && c.found {
		return c.w, nil
	}
	w, err := scanWorkspace(s.r.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = ?`, id))
	if err == nil {
		s.creds.put(key, cached{w: w, found: true}, gen)
	}
	return w, err
}

func (s *Store) WorkspaceByCredential(ctx context.Context, k store.CredentialKind, value string) (store.Workspace, error) {
	if value == "" {
		return store.Workspace{}, store.ErrNoWorkspace
	}
	key := credKey{k, value}
	c, gen, ok := s.creds.get(key)
	if ok {
		if !c.found {
			return store.Workspace{}, store.ErrNoWorkspace
		}
		return c.w, nil
	}
	w, err := scanWorkspace(s.r.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces
		WHERE id = (SELECT ws FROM credentials WHERE kind = ? AND value = ?)`, int(k), value))
	switch {
	case err == nil:
		s.creds.put(key, cached{w: w, found: true}, gen)
	case errors.Is(err, store.ErrNoWorkspace):
		s.creds.put(key, cached{}, gen)
	}
	return w, err
}

// changed runs a write that changes workspaces, then clears the
// credential cache (also when the write failed: it may have committed).
func (s *Store) changed(ctx context.Context, fn func(tx *wtx) error) error {
	defer s.creds.clear()
	return s.write(ctx, fn)
}

func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	return s.changed(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM workspaces WHERE id = ?`, id) // the rest cascades
		return affected(res, err, store.ErrNoWorkspace)
	})
}

func (s *Store) ResetWorkspace(ctx context.Context, id string) error {
	return s.changed(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE workspaces SET clock_offset_ns = 0, webhook_url = '', webhook_key = NULL,
			webhook_old_key = NULL, webhook_old_until_ns = NULL, webhook_faults = '',
			idem_count = 0, idem_bytes = 0 WHERE id = ?`, id)
		if err := affected(res, err, store.ErrNoWorkspace); err != nil {
			return err
		}
		for _, t := range []string{"enrollments", "messages", "deliveries", "pending", "idempotency", "auths"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE ws = ?`, id); err != nil {
				return err
			}
		}
		// Deliveries still queued go too: their events are the workspace's.
		_, err = tx.ExecContext(ctx, `DELETE FROM outbox WHERE ws = ?`, id)
		return err
	})
}

func (s *Store) AdvanceClock(ctx context.Context, id string, d time.Duration) (store.Workspace, error) {
	var w store.Workspace
	err := s.changed(ctx, func(tx *wtx) error {
		var err error
		if d > 0 {
			res, err := tx.ExecContext(ctx, `UPDATE workspaces SET clock_offset_ns = clock_offset_ns + ? WHERE id = ?`, int64(d), id)
			if err := affected(res, err, store.ErrNoWorkspace); err != nil {
				return err
			}
		}
		w, err = scanWorkspace(tx.QueryRowContext(ctx, `SELECT `+workspaceCols+` FROM workspaces WHERE id = ?`, id))
		return err
	})
	return w, err
}

// affected is notFound when a statement changed no row.
func affected(res sql.Result, err, notFound error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}
