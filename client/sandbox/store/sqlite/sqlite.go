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
	msqlite "modernc.org/sqlite" // also registers the "sqlite" driver
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
	r      *reader   // the read-only pool
	w      *sql.DB   // the writer's one connection
	conn   *sql.Conn // w's connection, held by the writer
	// prepared are the writer's statements, prepared once on conn: SQLite
	// parsing each statement again was most of a write's time. Only the
	// writer goroutine touches it.
	prepared map[string]*sql.Stmt
	creds    credCache

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
	fn  func(tx *wtx) error
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
	// A commit syncs the WAL with fdatasync(2), as SQLite built by its own
	// configure script does on Linux, rather than the fsync(2) this
	// transpiled build defaults to: the same durability (the data and the
	// size needed to read it back), without also forcing the file's
	// timestamps through the journal, which on ext4 can be half of what a
	// commit waits for (dd with 4 KiB writes on this machine's disk: 0.8 ms
	// with O_DSYNC, 1.4 ms with O_SYNC). The switch is process-wide; on
	// macOS and Windows it is unavailable and fsync stays.
	msqlite.Fdatasync(true)
	w, err := sql.Open("sqlite", dsn("&_txlock=immediate")) // for the migrations
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
	rdb, err := sql.Open("sqlite", dsn("&_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, err
	}
	rdb.SetMaxOpenConns(8)
	rdb.SetMaxIdleConns(8)
	r := &reader{db: rdb}
	conn, err := w.Conn(context.Background())
	if err != nil {
		w.Close()
		r.Close()
		return nil, err
	}
	s := &Store{limits: l.WithDefaults(), r: r, w: w, conn: conn, prepared: map[string]*sql.Stmt{},
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
	applied, err := appliedVersions(ctx, tx)
	if err != nil {
		return err
	}
	todo, err := migrate.Pending(Migrations(), applied)
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

// appliedVersions are the migrations the database recorded.
func appliedVersions(ctx context.Context, tx *sql.Tx) ([]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
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
	var errs []error
	for _, st := range s.prepared {
		errs = append(errs, st.Close())
	}
	s.prepared = map[string]*sql.Stmt{}
	errs = append(errs, s.conn.Close(), s.w.Close(), s.r.Close())
	if err := errors.Join(errs...); err != nil && !errors.Is(err, sql.ErrConnDone) {
		return err
	}
	return nil
}

// write runs fn in the writer's transaction and waits until it is
// committed (or failed). fn sees its own savepoint: returning an error
// undoes what it did, and nothing else.
func (s *Store) write(ctx context.Context, fn func(tx *wtx) error) error {
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
	tx := &wtx{s: s}
	// BEGIN IMMEDIATE takes the write lock now, waiting (busy_timeout) for
	// another process's writer rather than failing later.
	if _, err := tx.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		fail(err)
		return
	}
	rollback := func(err error) {
		tx.ExecContext(ctx, "ROLLBACK") // fails if SQLite already rolled back: nothing to undo
		fail(err)
	}
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			errs[i] = err // its caller gave up before it ran
			continue
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
			rollback(err)
			return
		}
		if errs[i] = o.fn(tx); errs[i] != nil {
			if _, err := tx.ExecContext(ctx, "ROLLBACK TO op"); err != nil {
				rollback(errors.Join(errs[i], err))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, "RELEASE op"); err != nil {
			rollback(err)
			return
		}
	}
	if _, err := tx.ExecContext(ctx, "COMMIT"); err != nil {
		rollback(err)
		return
	}
	for i, o := range batch {
		o.err <- errs[i]
	}
}

// reader runs reads on the pool, each statement prepared once (the pool
// prepares it again on each of its connections as needed).
type reader struct {
	db    *sql.DB
	stmts sync.Map // query → *sql.Stmt
}

func (r *reader) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := r.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := r.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := r.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

func (r *reader) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := r.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (r *reader) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := r.stmt(ctx, q)
	if err != nil {
		return r.db.QueryRowContext(ctx, q, args...) // reports the same error from Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// ExecContext is never used on the read-only pool; it is here so that
// reader is a querier.
func (r *reader) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return r.db.ExecContext(ctx, q, args...)
}

func (r *reader) Close() error {
	var errs []error
	r.stmts.Range(func(_, st any) bool { errs = append(errs, st.(*sql.Stmt).Close()); return true })
	return errors.Join(append(errs, r.db.Close())...)
}

// wtx is the writer's transaction: its statements run on the writer's
// connection, each prepared the first time it is used.
type wtx struct{ s *Store }

func (t *wtx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st := t.s.prepared[q]; st != nil {
		return st, nil
	}
	st, err := t.s.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	t.s.prepared[q] = st
	return st, nil
}

func (t *wtx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *wtx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext is sql.Stmt's; a failed prepare shows in Scan, as with
// sql.DB's.
func (t *wtx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return t.s.conn.QueryRowContext(ctx, q, args...) // reports the same error from Scan
	}
	return st.QueryRowContext(ctx, args...)
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

// querier is the read pool or the writer's transaction.
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
