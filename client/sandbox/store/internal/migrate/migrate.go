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
// NNNN_name.sql, each version once, in order. Versions may leave gaps
// (work on separate branches takes separate ranges), so a database records
// every version it applied and Pending applies those it lacks; a doubled
// version is found when the binary is built, not on a user's database.
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
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migration %04d_%s: version %d is also %04d_%s", ms[i].Version, ms[i].Name, ms[i].Version, ms[i-1].Version, ms[i-1].Name)
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

// Pending are the migrations a database that applied the versions in
// applied still needs, in order; a TooNewError if it applied one this
// binary does not know (a later walletsim's).
func Pending(ms []Migration, applied []int) ([]Migration, error) {
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
	}
	done := map[int]bool{}
	for _, v := range applied {
		if !known[v] {
			newest := 0
			if len(ms) > 0 {
				newest = ms[len(ms)-1].Version
			}
			return nil, &TooNewError{Database: v, Known: newest}
		}
		done[v] = true
	}
	var out []Migration
	for _, m := range ms {
		if !done[m.Version] {
			out = append(out, m)
		}
	}
	return out, nil
}
