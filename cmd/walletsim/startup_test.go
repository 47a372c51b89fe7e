package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Start-up is measured against yardsticks built and run in the same
// benchmark, alternating, so that the ratios hold on a machine whose speed
// varies: `walletsim --version` against a Go program that prints one line
// (testdata/hello), the TUI's first frame against the smallest bubbletea
// program (testdata/hellotea). Each reports the median milliseconds of
// both, the median of the per-pair ratios, and the same for the CPU time
// (user + system) the processes used, which other load disturbs less.
//
// A third binary runs in the same turns: testdata/hellodeps, which links
// and initialises every package walletsim links but then does only what
// the yardstick does. deps-ratio is hellodeps over the yardstick (what
// the dependencies cost before main runs, out of walletsim's hands but by
// choosing what it links), own-ratio walletsim over hellodeps (what
// walletsim's main adds).

// BenchmarkVersionVsHello: exec to exit, output to a pipe.
func BenchmarkVersionVsHello(b *testing.B) {
	ws, hello, deps := build(b, "."), build(b, "./testdata/hello"), build(b, "./testdata/hellodeps")
	var pairs pairSamples
	for i := 0; b.Loop(); i++ {
		pairs.add(i, func() sample { return runToExit(b, ws, "--version") }, func() sample { return runToExit(b, hello) },
			func() sample { return runToExit(b, deps, "--version") })
	}
	pairs.report(b, "hello")
}

// BenchmarkVersionVsHelloOnTerminal: exec to exit in an 80×24 pseudo-
// terminal that answers the queries terminals answer. bubbletea v1 asks
// the terminal for its background colour while its package initialises,
// whatever the program then does: this is what a person at a terminal
// waits for.
func BenchmarkVersionVsHelloOnTerminal(b *testing.B) {
	ws, hello, deps := build(b, "."), build(b, "./testdata/hello"), build(b, "./testdata/hellodeps")
	var pairs pairSamples
	for i := 0; b.Loop(); i++ {
		pairs.add(i, func() sample { return runInTerminal(b, nil, ws, "--version") },
			func() sample { return runInTerminal(b, nil, hello) }, func() sample { return runInTerminal(b, nil, deps, "--version") })
	}
	pairs.report(b, "hello")
}

// BenchmarkStartupToFirstFrame measures what a person waits for: from
// starting the walletsim binary in an 80×24 terminal to the home screen
// being drawn (the embedded sandbox started, the first frame written),
// against the smallest bubbletea program drawing its one line.
func BenchmarkStartupToFirstFrame(b *testing.B) {
	ws, hello, deps := build(b, "."), build(b, "./testdata/hellotea"), build(b, "./testdata/hellodeps")
	home := []byte("Walk through")
	var pairs pairSamples
	for i := 0; b.Loop(); i++ {
		pairs.add(i, func() sample { return runInTerminal(b, home, ws) }, func() sample { return runInTerminal(b, home, hello) },
			func() sample { return runInTerminal(b, home, deps) })
	}
	pairs.report(b, "hellotea")
}

// build compiles a package of this directory into a temporary binary.
func build(b *testing.B, pkg string) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "walletsim")
	if pkg != "." {
		bin = filepath.Join(b.TempDir(), filepath.Base(pkg))
	}
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		b.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// sample is one run: wall time, and CPU time of the process.
type sample struct{ wall, cpu time.Duration }

// pairSamples are runs of walletsim, of its yardstick and of hellodeps,
// made in turn.
type pairSamples struct{ ws, yard, deps []sample }

// add runs the three, rotating which goes first.
func (p *pairSamples) add(i int, ws, yard, deps func() sample) {
	runs := []func(){
		func() { p.ws = append(p.ws, ws()) },
		func() { p.yard = append(p.yard, yard()) },
		func() { p.deps = append(p.deps, deps()) },
	}
	for k := range runs {
		runs[(i+k)%len(runs)]()
	}
}

func (p *pairSamples) report(b *testing.B, yard string) {
	b.StopTimer()
	wall := func(s sample) time.Duration { return s.wall }
	cpu := func(s sample) time.Duration { return s.cpu }
	for _, m := range []struct {
		name string
		of   func(sample) time.Duration
	}{{"", wall}, {"cpu-", cpu}} {
		b.ReportMetric(median(p.ws, m.of), m.name+"ms-walletsim")
		b.ReportMetric(median(p.yard, m.of), m.name+"ms-"+yard)
		b.ReportMetric(median(p.deps, m.of), m.name+"ms-hellodeps")
		for _, r := range []struct {
			name     string
			num, den []sample
		}{{"ratio", p.ws, p.yard}, {"deps-ratio", p.deps, p.yard}, {"own-ratio", p.ws, p.deps}} {
			if q, ok := medianRatio(r.num, r.den, m.of); ok {
				b.ReportMetric(q, m.name+r.name)
			}
		}
	}
	b.ReportMetric(0, "ns/op")
}

// medianRatio is the median of num[i]/den[i], runs made in the same turn.
func medianRatio(num, den []sample, of func(sample) time.Duration) (float64, bool) {
	var ratios []float64
	for i := range num {
		if d := of(den[i]); d > 0 {
			ratios = append(ratios, float64(of(num[i]))/float64(d))
		}
	}
	if len(ratios) == 0 {
		return 0, false
	}
	slices.Sort(ratios)
	return ratios[len(ratios)/2], true
}

func median(s []sample, of func(sample) time.Duration) float64 {
	ds := make([]time.Duration, len(s))
	for i, x := range s {
		ds[i] = of(x)
	}
	slices.Sort(ds)
	return float64(ds[len(ds)/2].Microseconds()) / 1000
}

// runToExit runs a command with its output to a pipe until it exits.
func runToExit(b *testing.B, bin string, args ...string) sample {
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v\n%s", bin, err, out.Bytes())
	}
	return sample{time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
}

// runInTerminal starts a command in an 80×24 pseudo-terminal and answers
// its terminal queries. With until set it measures the time until that
// text is drawn, then quits the program with q; otherwise until it exits.
func runInTerminal(b *testing.B, until []byte, bin string, args ...string) sample {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "WALLETSIM_CONFIG="+filepath.Join(b.TempDir(), "none.yaml"))
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	deadline := time.Now().Add(10 * time.Second) // a liveness guard
	var wall time.Duration
	for until == nil || !bytes.Contains(seen.Bytes(), until) {
		f.SetReadDeadline(deadline)
		n, err := f.Read(buf)
		if err != nil {
			if until == nil {
				break // the program exited and the terminal closed
			}
			b.Fatalf("%s drew no %q: %v\n%q", bin, until, err, seen.String())
		}
		seen.Write(buf[:n])
		answer(f, buf[:n])
	}
	wall = time.Since(start)
	if until != nil {
		f.Write([]byte("q"))
	}
	cmd.Wait()
	if until == nil {
		wall = time.Since(start)
	}
	return sample{wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
}

// answer replies to the queries a terminal answers at start-up: the
// background colour (OSC 11), the device attributes (DA1) and the cursor
// position; without a reply, libraries wait for their timeouts.
func answer(f *os.File, out []byte) {
	if bytes.Contains(out, []byte("\x1b]11;?")) {
		f.Write([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\"))
	}
	if bytes.Contains(out, []byte("\x1b[c")) {
		f.Write([]byte("\x1b[?62;22c"))
	}
	if bytes.Contains(out, []byte("\x1b[6n")) {
		f.Write([]byte("\x1b[1;1R"))
	}
}

// TestHelloDepsLinksWhatWalletsimLinks keeps the hellodeps yardstick
// honest: every package walletsim links, it links too.
func TestHelloDepsLinksWhatWalletsimLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	deps := func(pkg string) map[string]bool {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		m := map[string]bool{}
		for _, p := range strings.Fields(string(out)) {
			m[p] = true
		}
		return m
	}
	ws, yard := deps("."), deps("./testdata/hellodeps")
	for p := range ws {
		if !yard[p] && p != "github.com/walletsim/walletsim/cmd/walletsim" {
			t.Errorf("testdata/hellodeps does not link %s, which walletsim links: import it there", p)
		}
	}
}
