package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

func TestParseStore(t *testing.T) {
	for _, tc := range []struct {
		in, kind, shown, err string
	}{
		{in: "memory", kind: "memory", shown: "memory"},
		{in: "sqlite:walletsim.db", kind: "sqlite", shown: "sqlite:walletsim.db"},
		{in: "sqlite:/tmp/a b.db", kind: "sqlite", shown: "sqlite:/tmp/a b.db"},
		{in: "postgres://bob:hunter2@db:5432/ws", kind: "postgres", shown: "postgres://bob:xxxxx@db:5432/ws"},
		{in: "postgresql://bob@db/ws?password=hunter2&sslmode=disable", kind: "postgres", shown: "password=xxxxx"},
		{in: "", err: `invalid --store "": want memory, sqlite:PATH or postgres://`},
		{in: "Memory", err: `invalid --store "Memory"`},
		{in: "sqlite:", err: `invalid --store "sqlite:": want sqlite:PATH`},
		{in: "mysql://bob:hunter2@db/ws", err: `invalid --store "mysql://bob:xxxxx@db/ws"`},
		{in: "postgres://bob:hunter2@[::1", err: "invalid --store postgres://…: not a valid URL"},
		{in: "postgres://bob:hunter2@db/ws?sslmode=bogus", err: "invalid --store postgres://bob:xxxxx@db/ws?sslmode=bogus"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			spec, err := parseStore(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("the error quotes the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if spec.kind != tc.kind || !strings.Contains(spec.String(), tc.shown) || strings.Contains(spec.String(), "hunter2") {
				t.Fatalf("%q parsed as %s, shown %q", tc.in, spec.kind, spec)
			}
		})
	}
}

// TestSandboxSQLiteKeepsEnrollments: a sandbox restarted on the same
// --store sqlite: file still has the card enrolled before.
func TestSandboxSQLiteKeepsEnrollments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "walletsim.db")
	enroll := func(r *running, requestID string) int {
		return r.do(t, http.MethodPost, "/issuing/api/v1/card/3DS", map[string]string{
			"x-api-key": "k", "x-product-id": "p", "x-cardholder-id": testcards.CardholderID,
			"x-wallet-id": "w", "x-card-id": "c", "x-request-id": requestID, "Content-Type": "application/json",
		}, `{"otp_delivery_method":"EMAIL"}`)
	}
	r := startSandbox(t, "--store", "sqlite:"+path)
	if got := enroll(r, "r1"); got != http.StatusOK {
		t.Fatalf("enroll = %d, want 200", got)
	}
	r.shutdown(t)
	if !strings.Contains(r.stdout.String(), "store: sqlite:"+path) {
		t.Errorf("the banner does not name the store:\n%s", r.stdout)
	}
	r = startSandbox(t, "--store", "sqlite:"+path)
	if got := enroll(r, "r2"); got != http.StatusBadRequest {
		t.Fatalf("enroll again after a restart = %d, want 400 (already enrolled)", got)
	}
}

func TestSandboxStoreErrors(t *testing.T) {
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"sandbox", "--listen", "127.0.0.1:0", "--store", "sqlite:" + filepath.Join(t.TempDir(), "no", "such", "dir.db")})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "cannot open --store sqlite:") {
		t.Fatalf("a store that cannot open: %v", err)
	}
}
