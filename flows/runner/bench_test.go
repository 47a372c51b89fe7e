package runner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
)

// decoupledScenarios are n copies of the shipped decoupled-approve scenario
// (enroll → authenticate → webhook → verify → final result).
func decoupledScenarios(b *testing.B, n int) []scenario.Scenario {
	scs, err := scenario.Load(filepath.Join(root(b), "testdata", "scenarios", "cards", "04-decoupled-approve-visa.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	out := make([]scenario.Scenario, n)
	for i := range out {
		out[i] = scs[0]
		out[i].Name = fmt.Sprintf("%s #%d", scs[0].Name, i)
	}
	return out
}

// BenchmarkDecoupledFlow is one full decoupled flow, as `walletsim run`
// runs it: its own embedded sandbox and webhook listener, enroll,
// authenticate, the signed webhook, the wallet's verify and the final result.
func BenchmarkDecoupledFlow(b *testing.B) {
	scs := decoupledScenarios(b, 1)
	opts := runner.Options{Resolve: sandboxOnly}
	b.ReportAllocs()
	for b.Loop() {
		if rep := runner.Run(context.Background(), scs, opts); rep.ExitCode() != 0 {
			b.Fatalf("%+v", rep.Scenarios[0])
		}
	}
}

// BenchmarkParallelFlows runs n decoupled flows with --parallel 64 and
// reports the time per flow: it should stay flat as n grows (linear total),
// with no errors at all.
func BenchmarkParallelFlows(b *testing.B) {
	for _, n := range []int{250, 500, 1000} {
		b.Run(fmt.Sprintf("flows=%d", n), func(b *testing.B) {
			scs := decoupledScenarios(b, n)
			opts := runner.Options{Resolve: sandboxOnly, Parallel: 64}
			var total time.Duration
			for b.Loop() {
				start := time.Now()
				rep := runner.Run(context.Background(), scs, opts)
				total += time.Since(start)
				if rep.Passed != n {
					b.Fatalf("%d of %d passed, %d failed, %d errors: %s", rep.Passed, n, rep.Failed, rep.Errors, firstProblem(rep))
				}
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N*n)/1000, "ms/flow")
		})
	}
}

func firstProblem(rep *runner.Report) string {
	for _, s := range rep.Scenarios {
		if s.Status != runner.Passed {
			return s.Error + fmt.Sprint(s.Steps)
		}
	}
	return ""
}

// BenchmarkBackToBack runs 5,000 decoupled flows (--parallel 64) three times
// in a row and reports each run's seconds and how many TCP sockets in
// TIME_WAIT the machine gained: on the in-memory sandbox the runs take the
// same time and the count does not grow (when the sandbox listened on
// loopback, each flow left two such sockets and the third run was 3× as
// slow as the first, ephemeral ports running out).
func BenchmarkBackToBack(b *testing.B) {
	const n = 5000
	scs := decoupledScenarios(b, n)
	opts := runner.Options{Resolve: sandboxOnly, Parallel: 64}
	for b.Loop() {
		before := timeWait(b)
		for run := 1; run <= 3; run++ {
			start := time.Now()
			rep := runner.Run(context.Background(), scs, opts)
			if rep.Passed != n {
				b.Fatalf("run %d: %d of %d passed: %s", run, rep.Passed, n, firstProblem(rep))
			}
			b.ReportMetric(time.Since(start).Seconds(), fmt.Sprintf("s/run%d", run))
		}
		b.ReportMetric(float64(timeWait(b)-before), "time-wait-growth")
	}
}

// timeWait counts the machine's TCP sockets in TIME_WAIT (Linux).
func timeWait(b *testing.B) int {
	n := 0
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Skip("counts TIME_WAIT through /proc/net/tcp")
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			if fields := strings.Fields(line); len(fields) > 3 && fields[3] == "06" {
				n++
			}
		}
	}
	return n
}
