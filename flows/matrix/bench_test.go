package matrix

import (
	"context"
	"testing"

	"github.com/walletsim/walletsim/flows"
)

// BenchmarkRun is one whole matrix (480 cells) on the embedded sandbox,
// as `walletsim matrix` runs it.
func BenchmarkRun(b *testing.B) {
	for b.Loop() {
		rep, err := Run(context.Background(), Options{Target: flows.SandboxTarget()})
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range rep.Cells {
			if !c.OK() {
				b.Errorf("%s: %s", c.Name(), Diff(c.Want, c.Got))
			}
		}
	}
}
