package migrate

import (
	"errors"
	"fmt"
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

// TestLoadGaps: versions may leave gaps (separate branches take separate
// ranges); they load in order.
func TestLoadGaps(t *testing.T) {
	ms, err := Load(fstest.MapFS{"m/0010_c.sql": {}, "m/0001_a.sql": {}, "m/0002_b.sql": {}}, "m")
	if err != nil || len(ms) != 3 || ms[2].Version != 10 {
		t.Fatalf("loaded %+v, %v", ms, err)
	}
}

func TestPending(t *testing.T) {
	ms := []Migration{{Version: 1}, {Version: 2}, {Version: 3}, {Version: 10}}
	for _, tt := range []struct {
		applied []int
		want    string
	}{
		{nil, "[1 2 3 10]"},
		{[]int{1}, "[2 3 10]"},
		{[]int{1, 2, 3, 10}, "[]"},
		// A database that got 10 before 3 landed (another branch's range)
		// still gets 3.
		{[]int{1, 2, 10}, "[3]"},
	} {
		got, err := Pending(ms, tt.applied)
		var vs []int
		for _, m := range got {
			vs = append(vs, m.Version)
		}
		if err != nil || fmt.Sprint(vs) != tt.want && !(tt.want == "[]" && len(vs) == 0) {
			t.Errorf("applied %v: pending %v, %v; want %s", tt.applied, vs, err, tt.want)
		}
	}
	_, err := Pending(ms, []int{1, 2, 11})
	var tn *TooNewError
	if !errors.As(err, &tn) || tn.Database != 11 || tn.Known != 10 {
		t.Fatalf("newer schema: %v", err)
	}
}
