package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/postgres"
	"github.com/walletsim/walletsim/client/sandbox/store/sqlite"
)

// storeSpec is where `walletsim sandbox --store` keeps the workspaces.
type storeSpec struct {
	kind string // "memory", "sqlite" or "postgres"
	path string // sqlite: the database file
	dsn  string // postgres: the URL, password and all (never printed)
	pg   *pgxpool.Config
}

const storeUsage = `where workspaces are kept: memory (lost on exit), sqlite:PATH (a file, kept across restarts) or postgres://USER:PASSWORD@HOST:PORT/DB (shared by replicas)`

// parseStore validates --store without touching a file or a network; its
// errors name the flag and never quote a password.
func parseStore(v string) (storeSpec, error) {
	switch {
	case v == "memory":
		return storeSpec{kind: "memory"}, nil
	case strings.HasPrefix(v, "sqlite:"):
		path := strings.TrimPrefix(v, "sqlite:")
		if path == "" || strings.ContainsRune(path, 0) {
			return storeSpec{}, fmt.Errorf("invalid --store %q: want sqlite:PATH, e.g. sqlite:walletsim.db", v)
		}
		return storeSpec{kind: "sqlite", path: path}, nil
	case strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://"):
		red := redactDSN(v)
		// url.Parse's and pgx's own errors may quote the URL: say what is
		// wrong without them.
		if _, err := url.Parse(v); err != nil {
			return storeSpec{}, fmt.Errorf("invalid --store %s: not a valid URL", red)
		}
		cfg, err := pgxpool.ParseConfig(v)
		if err != nil {
			return storeSpec{}, fmt.Errorf("invalid --store %s: %s", red, scrub(err.Error(), v))
		}
		return storeSpec{kind: "postgres", dsn: v, pg: cfg}, nil
	}
	return storeSpec{}, fmt.Errorf("invalid --store %q: want memory, sqlite:PATH or postgres://…", redactDSN(v))
}

// String is the store as the banner and logs show it: a PostgreSQL URL
// with its password replaced by xxxxx.
func (s storeSpec) String() string {
	switch s.kind {
	case "sqlite":
		return "sqlite:" + s.path + " (a file; kept across restarts)"
	case "postgres":
		return redactDSN(s.dsn) + " (PostgreSQL; replicas may share it)"
	}
	return "memory (lost when the sandbox stops)"
}

// open opens the store; nil for memory, which the sandbox makes itself.
func (s storeSpec) open(ctx context.Context, l store.Limits) (store.Store, io.Closer, error) {
	switch s.kind {
	case "sqlite":
		st, err := sqlite.Open(s.path, l)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot open --store sqlite:%s: %w", s.path, err)
		}
		return st, st, nil
	case "postgres":
		// A host that does not answer must not hang the start-up.
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		st, err := postgres.OpenConfig(ctx, s.pg, l)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot open --store %s: %s", redactDSN(s.dsn), scrub(err.Error(), s.dsn))
		}
		return st, st, nil
	}
	return nil, nil, nil
}

// redactDSN hides a URL's password, in its user info or its query.
func redactDSN(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		// Unparseable: keep the scheme only, the rest may hold a password.
		scheme, _, _ := strings.Cut(s, "://")
		return scheme + "://…"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// scrub removes the DSN's password from an error text, wherever a library
// might have put it.
func scrub(msg, dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return msg
	}
	var secrets []string
	if p, ok := u.User.Password(); ok && p != "" {
		secrets = append(secrets, p, url.QueryEscape(p), url.PathEscape(p))
	}
	if p := u.Query().Get("password"); p != "" {
		secrets = append(secrets, p, url.QueryEscape(p))
	}
	for _, p := range secrets {
		msg = strings.ReplaceAll(msg, p, "xxxxx")
	}
	return msg
}
