package migrate

import (
	"errors"
	"testing"
	"testing/fstest"
)

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_more.sql": {Data: []byte("B")},
		"m/0001_init.sql": {Data: []byte("A")},
		"m/README":        {Data: []byte("ignored")},
	}
	ms, err := Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 1 || ms[0].Name != "init" || ms[0].SQL != "A" || ms[1].Version != 2 {
		t.Fatalf("loaded %+v", ms)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":     {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"twice":   {"m/0001_a.sql": {}, "m/1_b.sql": {}},
		"no num":  {"m/init.sql": {}},
		"zero":    {"m/0000_a.sql": {}},
		"no name": {"m/0001.sql": {}},
	} {
		if _, err := Load(fsys, "m"); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestPending(t *testing.T) {
	ms := []Migration{{Version: 1}, {Version: 2}, {Version: 3}}
	for cur, want := range []int{3, 2, 1, 0} {
		got, err := Pending(ms, cur)
		if err != nil || len(got) != want || (want > 0 && got[0].Version != cur+1) {
			t.Errorf("at %d: %v %v", cur, got, err)
		}
	}
	_, err := Pending(ms, 4)
	var tn *TooNewError
	if !errors.As(err, &tn) || tn.Database != 4 || tn.Known != 3 {
		t.Fatalf("newer schema: %v", err)
	}
}
