package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// probeResult is one probe: a new connection and one request on it, and
// where its time went, as the probing process saw it.
type probeResult struct {
	i      int
	at     time.Duration // since the probe began
	status int           // 0: no answer
	// dial is the TCP handshake (connect() until it returns); wait, from
	// then until the answer's first byte: writing the request, the
	// sandbox's listen queue, accept, its goroutine and handler; read,
	// from the first byte to the last. total is the whole request, dial
	// to last byte; what the three leave out is the client's own work.
	dial, wait, read, total time.Duration
}

// probeEvery is how often the probe opens a new connection.
const probeEvery = 50 * time.Millisecond

// probeLoop opens a new connection every probeEvery (after -ramp) and
// times one request on it, until ctx ends, giving each result to emit.
func probeLoop(ctx context.Context, emit func(probeResult)) {
	sleep(ctx, *ramp) // the load's clients connect
	begin := time.Now()
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		emit(probeOnce(i, begin))
	}
}

func probeOnce(i int, begin time.Time) probeResult {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	req := issuing(http.MethodGet, challengeID, "probe-"+strconv.Itoa(i), "")
	var dialStart, connected, first time.Time
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		ConnectStart:         func(string, string) { dialStart = time.Now() },
		ConnectDone:          func(string, string, error) { connected = time.Now() },
		GotFirstResponseByte: func() { first = time.Now() },
	}))
	t0 := time.Now()
	r := probeResult{i: i, at: t0.Sub(begin), status: send(client, req)}
	end := time.Now()
	r.total = end.Sub(t0)
	if r.status != 0 {
		r.dial, r.wait, r.read = connected.Sub(dialStart), first.Sub(connected), end.Sub(first)
	}
	return r
}

// probeChild is abuseload -probe-child: the probe alone, in its own
// process, so that the load's thousands of goroutines do not delay its
// timings. It writes one line per probe to stdout and stops when stdin
// closes.
func probeChild() {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { io.Copy(io.Discard, os.Stdin); cancel() }()
	out := bufio.NewWriter(os.Stdout)
	probeLoop(ctx, func(r probeResult) {
		fmt.Fprintln(out, r.i, int64(r.at), r.status, int64(r.dial), int64(r.wait), int64(r.read), int64(r.total))
		out.Flush()
	})
}

// startProbe runs the probe in this process (-probe inline) or in a child
// process (-probe process) until ctx ends; the function it returns gives
// its results, sorted by total time.
func startProbe(ctx context.Context) (func() []probeResult, error) {
	var mu sync.Mutex
	var got []probeResult
	emit := func(r probeResult) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
	}
	done := make(chan struct{})
	switch *probeMode {
	case "inline":
		go func() { defer close(done); probeLoop(ctx, emit) }()
	case "process":
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		child := exec.Command(self, "-probe-child", "-addr", *addr, "-ramp", ramp.String())
		child.Stderr = os.Stderr
		stop, err := child.StdinPipe()
		if err != nil {
			return nil, err
		}
		out, err := child.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := child.Start(); err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { stop.Close() })
		go func() {
			defer close(done)
			lines := bufio.NewScanner(out)
			for lines.Scan() {
				if r, ok := parseProbe(lines.Text()); ok {
					emit(r)
				}
			}
			child.Wait()
		}()
	default:
		return nil, fmt.Errorf("-probe %q: want inline or process", *probeMode)
	}
	return func() []probeResult {
		<-done
		slices.SortFunc(got, func(a, b probeResult) int { return int(a.total - b.total) })
		return got
	}, nil
}

func parseProbe(line string) (probeResult, bool) {
	f := strings.Fields(line)
	if len(f) != 7 {
		return probeResult{}, false
	}
	n := make([]int64, len(f))
	for k, s := range f {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return probeResult{}, false
		}
		n[k] = v
	}
	d := func(k int) time.Duration { return time.Duration(n[k]) }
	return probeResult{i: int(n[0]), at: d(1), status: int(n[2]), dial: d(3), wait: d(4), read: d(5), total: d(6)}, true
}

// probeSummary is the phase's probe figures: the answered probes' p50,
// p99 and maximum, how many took over 100 ms and where their time went
// (summed over them), how many got no answer or not a 200.
func probeSummary(rs []probeResult) string {
	var lat []time.Duration
	var slow, dial, wait, read time.Duration
	failed, over := 0, 0
	for _, r := range rs {
		if r.status != 200 {
			failed++
			fmt.Fprintf(os.Stderr, "probe %d: status %d after %v\n", r.i, r.status, r.total)
			continue
		}
		lat = append(lat, r.total)
		if r.total > 100*time.Millisecond {
			over++
			slow += r.total
			dial, wait, read = dial+r.dial, wait+r.wait, read+r.read
			if *verbose {
				fmt.Fprintf(os.Stderr, "probe %d at %v: %v = dial %v + to first byte %v + read %v\n", r.i,
					r.at.Round(time.Millisecond), ms(r.total), ms(r.dial), ms(r.wait), ms(r.read))
			}
		}
	}
	s := fmt.Sprintf("probe (%s) n=%d p50=%v p99=%v max=%v >100ms=%d", *probeMode, len(lat), pct(lat, 0.5), pct(lat, 0.99), pct(lat, 1), over)
	if over > 0 {
		share := func(d time.Duration) int { return int(100 * d / slow) }
		s += fmt.Sprintf(" (dial %d %%, to first byte %d %%, read %d %%)", share(dial), share(wait), share(read))
	}
	return s + fmt.Sprintf(" failed=%d", failed)
}

func ms(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
