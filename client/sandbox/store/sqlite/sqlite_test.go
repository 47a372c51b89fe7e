package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/internal/migrate"
	"github.com/walletsim/walletsim/client/sandbox/store/storetest"
	msqlite "modernc.org/sqlite"
)

func open(t *testing.T, path string, l store.Limits) *Store {
	t.Helper()
	s, err := Open(path, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, l store.Limits) store.Store {
		return open(t, filepath.Join(t.TempDir(), "sandbox.db"), l)
	})
}

var ctx = context.Background()

// TestKeepsAcrossRestarts: what one process wrote, the next one reads —
// the point of a SQLite store.
func TestKeepsAcrossRestarts(t *testing.T) {
	// A path with characters a URI would misread.
	path := filepath.Join(t.TempDir(), "my sandbox?#%.db")
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	s, err := Open(path, store.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.CreateWorkspace(ctx, store.Workspace{ID: "w", Credentials: store.Credentials{WalletToken: "tok"}, Created: t0}))
	must(t, s.Enroll(ctx, "w", store.Enrollment{Cardholder: "h", Card: "c", Wallet: "wal", Method: "SMS"}))
	must(t, s.PutPending(ctx, "w", store.PendingRequest{Auth3dsID: "p", CustomerID: "h", CardID: "c", Event: []byte("ev"), Expires: t0.Add(time.Hour)}))
	must(t, s.Deliver(ctx, "w", "h", store.Message{ID: "m", Code: "123456", SentAt: t0}, 50))
	_, _, err = s.ClaimKey(ctx, "w", "k", [32]byte{1}, t0)
	must(t, err)
	must(t, s.CompleteKey(ctx, "w", "k", 201, []byte("first")))
	if _, err := s.AdvanceClock(ctx, "w", time.Minute); err != nil {
		t.Fatal(err)
	}
	must(t, s.Close())
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where asked: %v", err)
	}

	s = open(t, path, store.Limits{})
	w, err := s.WorkspaceByCredential(ctx, store.WalletToken, "tok")
	if err != nil || w.ID != "w" || !w.Created.Equal(t0) || w.ClockOffset != time.Minute {
		t.Fatalf("workspace after restart: %+v %v", w, err)
	}
	if e, err := s.Enrollment(ctx, "w", "h", "c"); err != nil || e.Method != "SMS" || e.Wallet != "wal" {
		t.Fatalf("enrollment after restart: %+v %v", e, err)
	}
	p, taken, err := s.TakePending(ctx, "w", "p", []byte("ok"), []byte("201"), t0.Add(time.Minute))
	if err != nil || !taken || string(p.Event) != "ev" {
		t.Fatalf("pending purchase after restart: %+v %v %v", p, taken, err)
	}
	if box, _ := s.Inbox(ctx, "w", "h"); len(box) != 1 || box[0].Code != "123456" || !box[0].SentAt.Equal(t0) {
		t.Fatalf("inbox after restart: %+v", box)
	}
	if rec, st, _ := s.ClaimKey(ctx, "w", "k", [32]byte{1}, t0); st != store.Done || string(rec.Body) != "first" {
		t.Fatalf("idempotency after restart: %v %+v", st, rec)
	}
}

func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for range 2 { // the second start applies nothing
		s := open(t, path, store.Limits{})
		must(t, s.Close())
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, max int
	must(t, db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max))
	if ms := Migrations(); n != len(ms) || max != ms[len(ms)-1].Version {
		t.Fatalf("%d migrations recorded up to %d, want %d up to %d", n, max, len(ms), ms[len(ms)-1].Version)
	}
	// A later walletsim migrated this database: refuse it, do not touch it.
	_, err = db.Exec(`INSERT INTO schema_migrations (version, name, applied_ns) VALUES (?, 'future', 0)`, max+1)
	must(t, err)
	_, err = Open(path, store.Limits{})
	var tooNew *migrate.TooNewError
	if !errors.As(err, &tooNew) || tooNew.Database != max+1 || !strings.Contains(err.Error(), "newer than this walletsim") {
		t.Fatalf("opening a newer schema: %v", err)
	}
}

// TestCancelledWrite: a caller that gave up before its write was queued
// gets its context's error and the write does not happen.
func TestCancelledWrite(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "c.db"), store.Limits{})
	must(t, s.CreateWorkspace(ctx, store.Workspace{ID: "w"}))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Enroll(cctx, "w", store.Enrollment{Cardholder: "h", Card: "c"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled enroll: %v", err)
	}
	if n, _ := s.Enrollments(ctx, "w"); n != 0 {
		t.Fatalf("a cancelled write happened: %d enrollments", n)
	}
	must(t, s.Close())
	if err := s.Enroll(ctx, "w", store.Enrollment{Cardholder: "h", Card: "c"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("enroll after close: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) (store.Store, store.Outbox) {
		s := open(t, filepath.Join(t.TempDir(), "outbox.db"), store.Limits{})
		return s, s
	})
}

// TestCredentialCache: WorkspaceByCredential's remembered answers follow
// the writes that change them.
func TestCredentialCache(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "cache.db"), store.Limits{})
	if _, err := s.WorkspaceByCredential(ctx, store.WalletToken, "tok"); !errors.Is(err, store.ErrNoWorkspace) {
		t.Fatalf("before create: %v", err)
	}
	must(t, s.CreateWorkspace(ctx, store.Workspace{ID: "w", Credentials: store.Credentials{WalletToken: "tok"}}))
	w, err := s.WorkspaceByCredential(ctx, store.WalletToken, "tok")
	if err != nil || w.ID != "w" {
		t.Fatalf("after create: %+v %v", w, err)
	}
	if _, err := s.AdvanceClock(ctx, "w", time.Minute); err != nil {
		t.Fatal(err)
	}
	if w, _ = s.WorkspaceByCredential(ctx, store.WalletToken, "tok"); w.ClockOffset != time.Minute {
		t.Fatalf("after moving the clock: %v", w.ClockOffset)
	}
	must(t, s.ResetWorkspace(ctx, "w"))
	if w, _ = s.WorkspaceByCredential(ctx, store.WalletToken, "tok"); w.ClockOffset != 0 {
		t.Fatalf("after reset: %v", w.ClockOffset)
	}
	must(t, s.DeleteWorkspace(ctx, "w"))
	if _, err := s.WorkspaceByCredential(ctx, store.WalletToken, "tok"); !errors.Is(err, store.ErrNoWorkspace) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestAuths(t *testing.T) {
	storetest.RunAuths(t, func(t *testing.T) (store.Store, store.Auths) {
		s := open(t, filepath.Join(t.TempDir(), "auths.db"), store.Limits{})
		return s, s
	})
}

func TestUsage(t *testing.T) {
	storetest.RunUsage(t, func(t *testing.T) (store.Store, store.Usage) {
		s := open(t, filepath.Join(t.TempDir(), "usage.db"), store.Limits{})
		return s, s
	})
}

// TestCommitsWithFdatasync: on Linux a commit syncs the WAL as SQLite's
// own builds do there (see Open).
func TestCommitsWithFdatasync(t *testing.T) {
	open(t, filepath.Join(t.TempDir(), "f.db"), store.Limits{})
	if runtime.GOOS == "linux" && !msqlite.FdatasyncEnabled() {
		t.Fatal("commits sync with fsync(2), not fdatasync(2)")
	}
}
