// Package postgres is the sandbox's Store on PostgreSQL (pgx), so that
// several `walletsim sandbox` replicas behind one load balancer serve the
// same workspaces. Every operation is one statement or one transaction:
// the compound ones hold because PostgreSQL decides them — "insert unless
// present" is ON CONFLICT DO NOTHING, "answer if still pending" an UPDATE
// whose WHERE is re-checked after any concurrent one commits, and an
// idempotency claim locks its workspace's row (FOR UPDATE) so claims and
// the byte count move together.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the schema steps this binary knows, in order.
func Migrations() []migrate.Migration {
	ms, err := migrate.Load(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the embedded files are checked by the package's tests
	}
	return ms
}

// Store is a store.Store on PostgreSQL.
type Store struct {
	limits store.Limits
	pool   *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string; a search_path parameter picks the schema) and brings its schema
// up to date. A database whose schema is newer than this binary's is
// refused (a *migrate.TooNewError).
func Open(ctx context.Context, dsn string, l store.Limits) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err) // pgconn's errors redact the password
	}
	return OpenConfig(ctx, cfg, l)
}

// OpenConfig is Open with a parsed configuration.
func OpenConfig(ctx context.Context, cfg *pgxpool.Config, l store.Limits) (*Store, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if err := migrateDB(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	return &Store{limits: l.WithDefaults(), pool: pool}, nil
}

// migrationLock is the advisory lock that makes replicas starting at once
// take turns migrating: the first applies, the others then find nothing
// to do.
const migrationLock = 0x77616c6c // "wall"

func migrateDB(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT version FROM schema_migrations`)
		applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		todo, err := migrate.Pending(Migrations(), applied)
		if err != nil {
			return err
		}
		for _, m := range todo {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool is the store's connection pool (for the outbox and tests).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// ns and fromNS store times as Unix nanoseconds, the zero time as NULL.
func ns(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

func fromNS(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}

// querier is the pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// exists is ErrNoWorkspace unless workspace ws exists.
func exists(ctx context.Context, q querier, ws string) error {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM workspaces WHERE id = $1`, ws).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNoWorkspace
	}
	return err
}

// notFound turns ErrNotFound into ErrNoWorkspace when the workspace is
// missing (checked only then, to keep the common case one statement).
func notFound(ctx context.Context, q querier, ws string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		if err := exists(ctx, q, ws); err != nil {
			return err
		}
	}
	return err
}

// affected is notFound when a statement changed no row.
func affected(tag pgconn.CommandTag, err, notFound error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return notFound
	}
	return nil
}

// PostgreSQL's error codes the store answers with sentinels.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// noWorkspace maps an insert refused for its workspace's foreign key to
// ErrNoWorkspace.
func noWorkspace(err error) error {
	if pgCode(err) == foreignKeyViolation {
		return store.ErrNoWorkspace
	}
	return err
}
