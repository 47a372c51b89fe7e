package postgres

import (
	"context"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

var _ store.Usage = (*Store)(nil)

func (s *Store) TouchWorkspace(ctx context.Context, ws string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE workspaces SET last_used_ns = greatest(coalesce(last_used_ns, 0), $1) WHERE id = $2`,
		at.UnixNano(), ws)
	return affected(tag, err, store.ErrNoWorkspace)
}

func (s *Store) LastUsed(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, coalesce(last_used_ns, created_ns) FROM workspaces`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at *int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = fromNS(at)
	}
	return out, rows.Err()
}
