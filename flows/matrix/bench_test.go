package matrix

import (
	"context"
	"testing"
	"time"

	"github.com/walletsim/walletsim/flows"
)

// BenchmarkRun is one whole matrix (480 cells) on the embedded sandbox,
// as `walletsim matrix` runs it.
func BenchmarkRun(b *testing.B) {
	for b.Loop() {
		rep, err := Run(context.Background(), Options{Target: flows.SandboxTarget(), NoAnswer: 250 * time.Millisecond})
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
