package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/postgres"
	"github.com/walletsim/walletsim/client/sandbox/store/sqlite"
)

// BenchmarkAuthenticate runs what the sandbox asks its store for on one
// authenticate with an idempotency key — find the workspace by the
// request's credential, read the card's enrollment, claim the key, store
// the answer — from parallel goroutines, on each store. PostgreSQL runs
// when WALLETSIM_TEST_POSTGRES names a database ("replicas-2" is two
// stores on it, each taking half the goroutines).
//
//	go test -run '^$' -bench Authenticate -cpu 2,8 ./client/sandbox/store/
func BenchmarkAuthenticate(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchAuthenticate(b, store.NewMemory(store.Limits{})) })
	b.Run("sqlite", func(b *testing.B) {
		s, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"), store.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchAuthenticate(b, s)
	})
	dsn := os.Getenv("WALLETSIM_TEST_POSTGRES")
	if dsn == "" {
		return
	}
	for _, replicas := range []int{1, 2} {
		b.Run(fmt.Sprintf("postgres-replicas-%d", replicas), func(b *testing.B) {
			dsn := benchSchema(b, dsn)
			var stores []store.Store
			for range replicas {
				s, err := postgres.Open(context.Background(), dsn, store.Limits{})
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				stores = append(stores, s)
			}
			benchAuthenticate(b, stores...)
		})
	}
}

func benchAuthenticate(b *testing.B, stores ...store.Store) {
	ctx := context.Background()
	s0 := stores[0]
	creds := store.Credentials{ThreeDSKey: "sk_bench"}
	if err := s0.CreateWorkspace(ctx, store.Workspace{ID: "w", Credentials: creds}); err != nil {
		b.Fatal(err)
	}
	if err := s0.Enroll(ctx, "w", store.Enrollment{Cardholder: "h", Card: "c", Method: "SMS"}); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	body := []byte(strings.Repeat(`{"transStatus":"Y"}`, 20))
	var n, next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := stores[int(next.Add(1))%len(stores)]
		for pb.Next() {
			key := fmt.Sprint("idem-", n.Add(1))
			w, err := s.WorkspaceByCredential(ctx, store.ThreeDSKey, creds.ThreeDSKey)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := s.Enrollment(ctx, w.ID, "h", "c"); err != nil {
				b.Error(err)
				return
			}
			if _, st, err := s.ClaimKey(ctx, w.ID, key, [32]byte{1}, now); err != nil || st != store.Claimed {
				b.Error(st, err)
				return
			}
			if err := s.CompleteKey(ctx, w.ID, key, 200, body); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

var benchSchemas atomic.Int64

func benchSchema(b *testing.B, dsn string) string {
	ctx := context.Background()
	name := fmt.Sprintf("bench%d_%d", os.Getpid(), benchSchemas.Add(1))
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			conn.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`)
			conn.Close(ctx)
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + name
}
