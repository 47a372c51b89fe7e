package scenario_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/walletsim/walletsim/flows/scenario"
)

// TestMarshalRoundTrip: every shipped scenario, written back out and read
// again, is the same scenario.
func TestMarshalRoundTrip(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	scs, err := scenario.Load(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmpopts.IgnoreFields(scenario.Step{}, "Line")
	ignoreExpect := cmpopts.IgnoreFields(scenario.Expect{}, "Line")
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			out, err := scenario.Marshal(sc)
			if err != nil {
				t.Fatal(err)
			}
			back, err := scenario.Parse(sc.File, out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if diff := cmp.Diff(sc, back, ignore, ignoreExpect); diff != "" {
				t.Errorf("round trip differs (-read +written):\n%s\n%s", diff, out)
			}
		})
	}
}
