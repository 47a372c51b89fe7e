package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/internal/migrate"
	"github.com/walletsim/walletsim/client/sandbox/store/postgres/pgtest"
	"github.com/walletsim/walletsim/client/sandbox/store/storetest"
)

var ctx = context.Background()

// testDSN is the test database, or skips the test (see pgtest).
func testDSN(t *testing.T) string { return pgtest.DSN(t, "./client/sandbox/store/postgres/") }

// schema is an empty schema for one test (see pgtest).
func schema(t *testing.T) string { return pgtest.Schema(t, "./client/sandbox/store/postgres/") }

func open(t *testing.T, dsn string, l store.Limits) *Store {
	t.Helper()
	s, err := Open(ctx, dsn, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSuite(t *testing.T) {
	testDSN(t)
	storetest.Run(t, func(t *testing.T, l store.Limits) store.Store { return open(t, schema(t), l) })
}

func TestMigrations(t *testing.T) {
	dsn := schema(t)
	for range 2 { // the second start applies nothing
		open(t, dsn, store.Limits{}).Close()
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, max int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	if ms := Migrations(); n != len(ms) || max != ms[len(ms)-1].Version {
		t.Fatalf("%d migrations recorded up to %d, want %d up to %d", n, max, len(ms), ms[len(ms)-1].Version)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'future')`, max+1); err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, dsn, store.Limits{})
	var tooNew *migrate.TooNewError
	if !errors.As(err, &tooNew) || tooNew.Database != max+1 || !strings.Contains(err.Error(), "newer than this walletsim") {
		t.Fatalf("opening a newer schema: %v", err)
	}
}

// TestReplicasStartTogether: replicas migrating one empty database at
// once take turns; none fails and the schema is applied once.
func TestReplicasStartTogether(t *testing.T) {
	dsn := schema(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := Open(ctx, dsn, store.Limits{})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestTwoStores: two stores (two replicas) on one database see one state,
// and of concurrent answers through both exactly one is taken.
func TestTwoStores(t *testing.T) {
	dsn := schema(t)
	a, b := open(t, dsn, store.Limits{}), open(t, dsn, store.Limits{})
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := a.CreateWorkspace(ctx, store.Workspace{ID: "w", Credentials: store.Credentials{WalletToken: "tok"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.PutPending(ctx, "w", store.PendingRequest{Auth3dsID: "p", Expires: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	taken := make(chan bool, 2*n)
	for i := range 2 * n {
		s := []*Store{a, b}[i%2]
		go func() {
			_, ok, err := s.TakePending(ctx, "w", "p", []byte{byte(i)}, nil, t0)
			if err != nil {
				t.Error(err)
			}
			taken <- ok
		}()
	}
	won := 0
	for range 2 * n {
		if <-taken {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d answers taken through two replicas, want 1", won)
	}
	// Expiry is the stored deadline's: a replica whose clock is past it
	// cannot answer, whichever replica stored it.
	if err := a.PutPending(ctx, "w", store.PendingRequest{Auth3dsID: "late", Expires: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	p, ok, err := b.TakePending(ctx, "w", "late", []byte("x"), nil, t0.Add(time.Minute))
	if err != nil || ok || p.Status != store.Expired {
		t.Fatalf("answer at the deadline: %+v %v %v", p, ok, err)
	}
}

func TestOutbox(t *testing.T) {
	testDSN(t)
	storetest.RunOutbox(t, func(t *testing.T) (store.Store, store.Outbox) {
		s := open(t, schema(t), store.Limits{})
		return s, s
	})
}

func TestAuths(t *testing.T) {
	testDSN(t)
	storetest.RunAuths(t, func(t *testing.T) (store.Store, store.Auths) {
		s := open(t, schema(t), store.Limits{})
		return s, s
	})
}

func TestUsage(t *testing.T) {
	testDSN(t)
	storetest.RunUsage(t, func(t *testing.T) (store.Store, store.Usage) {
		s := open(t, schema(t), store.Limits{})
		return s, s
	})
}
