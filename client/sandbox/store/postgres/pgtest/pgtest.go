// Package pgtest gives tests an empty PostgreSQL schema of their own: the
// store's suite and the sandbox's replica tests share it. The database is
// WALLETSIM_TEST_POSTGRES; without it a test skips with a message saying
// how to run it — unless WALLETSIM_CI=1, where it fails: CI never skips.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// DSNEnv names the database the tests use. They make a schema of their
// own in it for each test and drop it after.
const DSNEnv = "WALLETSIM_TEST_POSTGRES"

// DSN is the test database, or skips the test (fails it under
// WALLETSIM_CI=1). pkg is the package to name in the message.
func DSN(t testing.TB, pkg string) string {
	t.Helper()
	dsn := os.Getenv(DSNEnv)
	if dsn == "" {
		msg := DSNEnv + " is not set: these tests need a PostgreSQL. Run them with .ci/with-postgres go test " +
			pkg + " (it starts a throw-away cluster), or set " + DSNEnv + " to a database's URL"
		if os.Getenv("WALLETSIM_CI") == "1" {
			t.Fatal(msg + " (WALLETSIM_CI=1: CI does not skip)")
		}
		t.Skip(msg)
	}
	return dsn
}

var schemas atomic.Int64

// Schema makes an empty schema for one test and returns a DSN that uses
// it; the schema is dropped after the test.
func Schema(t testing.TB, pkg string) string {
	t.Helper()
	dsn := DSN(t, pkg)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), schemas.Add(1))
	exec := func(sql string) error {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec(`CREATE SCHEMA ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := exec(`DROP SCHEMA ` + name + ` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + name
}
