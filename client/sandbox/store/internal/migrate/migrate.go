// Package migrate reads a SQL store's versioned schema migrations and
// decides which a database still needs. Each driver embeds its own files
// and applies them in one transaction, recording each version in its
// schema_migrations table; what is shared is the naming, the ordering and
// the refusal of a schema newer than the binary.
package migrate

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema step: the file NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Load reads the migrations in dir of fsys: every file named
// NNNN_name.sql, numbered 1, 2, 3, … without gaps, so that a missing or
// doubled file is found when the binary is built, not on a user's
// database.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: want a name like 0001_init.sql", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: versions must run 1, 2, 3, … (want %d)", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// TooNewError is a database whose schema is newer than this binary's: a
// later walletsim migrated it. Running on it could corrupt what that
// version stores, so the store refuses to open.
type TooNewError struct {
	Database int // the database's schema version
	Known    int // the newest this binary knows
}

func (e *TooNewError) Error() string {
	return fmt.Sprintf("store: the database's schema is version %d, newer than this walletsim knows (%d): "+
		"upgrade walletsim, or point it at another database", e.Database, e.Known)
}

// Pending are the migrations a database at version current still needs,
// in order; a TooNewError if current is past the newest in ms.
func Pending(ms []Migration, current int) ([]Migration, error) {
	if current > len(ms) {
		return nil, &TooNewError{Database: current, Known: len(ms)}
	}
	return ms[current:], nil
}
