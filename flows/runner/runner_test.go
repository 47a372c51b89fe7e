package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
)

func root(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func sandboxOnly(name string) (flows.Target, error) {
	if name == "sandbox" {
		return flows.SandboxTarget(), nil
	}
	return flows.Target{}, fmt.Errorf("unknown target %q", name)
}

// TestShippedScenarios: every scenario under testdata/scenarios passes on
// the embedded sandbox.
func TestShippedScenarios(t *testing.T) {
	scs, err := scenario.Load(filepath.Join(root(t), "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	rep := runner.Run(context.Background(), scs, runner.Options{Resolve: sandboxOnly, Parallel: 4})
	for _, s := range rep.Scenarios {
		t.Run(s.Name, func(t *testing.T) {
			if s.Status != runner.Passed {
				var log strings.Builder
				for _, st := range s.Steps {
					log.WriteString(runner.StepLine(st) + "\n")
				}
				t.Fatalf("%s: %s\n%s", s.Status, s.Error, log.String())
			}
		})
	}
}

var _ = os.Getenv
var _ = bytes.NewBuffer
