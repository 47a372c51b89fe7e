// Package sqlite is the sandbox's Store in one SQLite file, so that a
// standalone sandbox keeps every workspace across restarts. It uses
// modernc.org/sqlite, a pure-Go SQLite: no cgo, so `go build` and `go test
// ./...` need nothing installed.
//
// SQLite allows one writer at a time. Every write goes to one goroutine
// that owns the only writing connection; it gathers the writes waiting for
// it into one transaction, each in its own savepoint (so one write's
// failure undoes only that write), and commits them together: one fsync
// makes a whole batch durable (group commit). A caller returns only once
// its write is committed. Reads run on a pool of read-only connections,
// which WAL mode lets proceed while the writer writes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/internal/migrate"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
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

// ErrClosed is a write after Close.
var ErrClosed = errors.New("sqlite store: closed")

// maxBatch bounds how many writes share one transaction, so that a long
// queue still sees commits at a steady pace.
const maxBatch = 256

// Store is a store.Store in a SQLite file.
type Store struct {
	limits store.Limits
	r, w   *sql.DB // r: read-only pool; w: the writer's one connection

	ops  chan *op
	quit chan struct{} // closed by Close, under mu
	done chan struct{} // closed when the writer has finished

	mu     sync.RWMutex // held for reading while a write is queued
	closed bool
}

var _ store.Store = (*Store)(nil)

// op is one write waiting for the writer.
type op struct {
	ctx context.Context
	fn  func(tx *sql.Tx) error
	err chan error
}

// Open opens (creating it if needed) the database at path and brings its
// schema up to date. A database whose schema is newer than this binary's
// is refused (a *migrate.TooNewError).
func Open(path string, l store.Limits) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite store: empty path")
	}
	// journal_mode=WAL lets readers run beside the writer; synchronous=FULL
	// syncs the WAL on every commit, so a committed write survives a crash
	// of the machine, not only of the process; busy_timeout makes a second
	// process on the same file wait instead of failing at once.
	dsn := func(extra string) string {
		u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath()}
		return u.String() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
			"&_pragma=foreign_keys(1)" + extra
	}
	w, err := sql.Open("sqlite", dsn("&_txlock=immediate"))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := migrateDB(w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite store %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn("&_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s := &Store{limits: l.WithDefaults(), r: r, w: w,
		ops: make(chan *op, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	go s.writer()
	return s, nil
}

// migrateDB applies the migrations the database lacks, in one transaction
// (BEGIN IMMEDIATE: a second process opening the file at the same moment
// waits, then finds them applied).
func migrateDB(db *sql.DB) error {
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ns INTEGER NOT NULL)`); err != nil {
		return err
	}
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return err
	}
	todo, err := migrate.Pending(Migrations(), cur)
	if err != nil {
		return err
	}
	for _, m := range todo {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_ns) VALUES (?, ?, ?)`,
			m.Version, m.Name, time.Now().UnixNano()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Close stops the writer once the writes already queued are done, and
// closes the database. It may be called more than once.
func (s *Store) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.quit)
	}
	s.mu.Unlock()
	<-s.done
	return errors.Join(s.w.Close(), s.r.Close())
}

// write runs fn in the writer's transaction and waits until it is
// committed (or failed). fn sees its own savepoint: returning an error
// undoes what it did, and nothing else.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	o := &op{ctx: ctx, fn: fn, err: make(chan error, 1)}
	// The read lock keeps Close from finishing between the check and the
	// send, so the writer drains every op that was queued.
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.ops <- o:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued, wait for the outcome whatever ctx does: the write may
	// already be running, and the caller must not believe it did not.
	return <-o.err
}

func (s *Store) writer() {
	defer close(s.done)
	batch := make([]*op, 0, maxBatch)
	for {
		select {
		case o := <-s.ops:
			batch = append(batch[:0], o)
		case <-s.quit:
			for {
				select {
				case o := <-s.ops:
					s.commit([]*op{o})
				default:
					return
				}
			}
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case o := <-s.ops:
				batch = append(batch, o)
			default:
				break gather
			}
		}
		s.commit(batch)
	}
}

// commit runs a batch of writes in one transaction and tells each its
// outcome.
func (s *Store) commit(batch []*op) {
	errs := make([]error, len(batch))
	fail := func(err error) {
		for _, o := range batch {
			o.err <- err
		}
	}
	ctx := context.Background()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			errs[i] = err // its caller gave up before it ran
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
			tx.Rollback()
			fail(err)
			return
		}
		if errs[i] = o.fn(tx); errs[i] != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO op"); err != nil {
				tx.Rollback() // SQLite already rolled the transaction back
				fail(errors.Join(errs[i], err))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE op"); err != nil {
			tx.Rollback()
			fail(err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(err)
		return
	}
	for i, o := range batch {
		o.err <- errs[i]
	}
}

// ns and fromNS store times as Unix nanoseconds, the zero time as NULL.
func ns(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func fromNS(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// exists is ErrNoWorkspace unless workspace ws exists.
func exists(ctx context.Context, q querier, ws string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM workspaces WHERE id = ?`, ws).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNoWorkspace
	}
	return err
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// orNoWorkspace turns an empty answer into ErrNoWorkspace when ws does
// not exist (checked only then, to keep the common read one query).
func (s *Store) orNoWorkspace(ctx context.Context, ws string, empty bool, err error) error {
	if err != nil || !empty {
		return err
	}
	return exists(ctx, s.r, ws)
}
