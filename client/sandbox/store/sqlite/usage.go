package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

var _ store.Usage = (*Store)(nil)

// TouchWorkspace does not clear the credential cache (changed): the
// cached workspace has no last-used time.
func (s *Store) TouchWorkspace(ctx context.Context, ws string, at time.Time) error {
	return s.write(ctx, func(tx *wtx) error {
		res, err := tx.ExecContext(ctx, `UPDATE workspaces SET last_used_ns = max(coalesce(last_used_ns, 0), ?) WHERE id = ?`,
			at.UnixNano(), ws)
		return affected(res, err, store.ErrNoWorkspace)
	})
}

func (s *Store) LastUsed(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, coalesce(last_used_ns, created_ns) FROM workspaces`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at sql.NullInt64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = fromNS(at)
	}
	return out, rows.Err()
}
