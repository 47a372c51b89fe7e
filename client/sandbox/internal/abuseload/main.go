// Command abuseload measures the standalone sandbox under the loads of
// issue 11 §2 — slow clients, idle keep-alive connections, oversized and
// memory-hungry requests — reporting its RSS and how long a new client
// waits for an answer meanwhile.
//
//	go build -o /tmp/walletsim ./cmd/walletsim
//	go run ./client/sandbox/internal/abuseload -phases all -- /tmp/walletsim sandbox --quiet --listen 127.0.0.1:28090
//
// Each phase starts the command afresh (so its peak RSS is the phase's),
// waits for it to answer, runs the phase's load for -duration (the
// oversize phase: until its requests are sent) while a probe opens a new
// connection every 50 ms and times one request on it, and samples the
// process's VmRSS every 100 ms. It prints one line per phase.
//
// The probe runs in a child process of its own (abuseload -probe-child),
// so that the load's thousands of goroutines, garbage and Go scheduler
// do not delay a probe's timings; -probe inline runs it among them, as
// earlier versions did, to compare. Each probe's time is split into the
// TCP handshake (dial), the wait from connected to the answer's first
// byte (the sandbox's listen queue, accept and handling) and the read.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	addr      = flag.String("addr", "127.0.0.1:28090", "where the command listens")
	duration  = flag.Duration("duration", 15*time.Second, "how long the slow and idle loads run")
	slowN     = flag.Int("slow", 2000, "slow clients (headers one byte at a time)")
	idleN     = flag.Int("idle", 2000, "idle keep-alive clients")
	every     = flag.Duration("every", 5*time.Second, "how often an idle client sends a request (on average)")
	workers   = flag.Int("workers", 8, "concurrent senders of oversized requests")
	ramp      = flag.Duration("ramp", time.Second, "how long the load runs before the probe starts")
	verbose   = flag.Bool("v", false, "log each probe slower than 100 ms and where its time went")
	probeMode = flag.String("probe", "process", "where the probe runs: process (a child process of its own) or inline (among the load's goroutines)")
	childMode = flag.Bool("probe-child", false, "be the probe's child process (used by -probe process)")
	phases    = flag.String("phases", "all", "comma-separated: baseline, slow, idle, oversize, mixed (or all)")
)

// The sandbox's challenge test card, and seed 000's headers for it.
const (
	challengePAN = "4000000000000036"
	challengeID  = "7e57ca4d-0000-4000-8000-000000000036"
	cardholder   = "CH-5435323362"
)

func main() {
	flag.Parse()
	if *childMode {
		probeChild()
		return
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: abuseload [flags] -- command [args…]")
		os.Exit(2)
	}
	list := strings.Split(*phases, ",")
	if *phases == "all" {
		list = []string{"baseline", "slow", "idle", "oversize", "mixed"}
	}
	for _, p := range list {
		if err := run(p, flag.Args()); err != nil {
			fmt.Fprintln(os.Stderr, p+":", err)
			os.Exit(1)
		}
	}
}

// run starts the command, loads it as phase says, and prints the figures.
func run(phase string, argv []string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if err := waitUp(); err != nil {
		return err
	}
	if status := send(http.DefaultClient, enroll(challengeID, "setup")); status != 200 {
		return fmt.Errorf("enrolling the challenge card: %d", status)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rss := sampleRSS(ctx, cmd.Process.Pid)
	dropsBefore := listenDrops()
	probes, err := startProbe(ctx)
	if err != nil {
		return err
	}
	counts := &statusCounts{m: map[string]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	timed := func(f func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tctx, stop := context.WithTimeout(ctx, *duration)
			defer stop()
			f(tctx)
		}()
	}
	switch phase {
	case "baseline":
		timed(func(ctx context.Context) { <-ctx.Done() })
	case "slow":
		timed(func(ctx context.Context) { slowClients(ctx, *slowN, counts) })
	case "idle":
		timed(func(ctx context.Context) { idleClients(ctx, *idleN, counts) })
	case "oversize":
		oversize(counts)
	case "mixed":
		timed(func(ctx context.Context) { slowClients(ctx, *slowN/2, counts) })
		timed(func(ctx context.Context) { idleClients(ctx, *idleN/2, counts) })
		oversize(counts)
	default:
		return fmt.Errorf("unknown phase %q", phase)
	}
	wg.Wait()
	elapsed := time.Since(start)
	cancel()
	summary := probeSummary(probes())
	peak, hwm := rss()
	fmt.Printf("%-8s %5.1fs  %s  RSS peak %.1f MiB (VmHWM %.1f MiB)  CPU %.2fs  listen queue overflows %d  load: %s\n",
		phase, elapsed.Seconds(), summary, float64(peak)/1024, float64(hwm)/1024, cpuSeconds(cmd.Process.Pid),
		listenDrops()-dropsBefore, counts)
	return nil
}

func waitUp() error {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if resp, err := http.Get("http://" + *addr + "/sandbox/cards"); err == nil {
			resp.Body.Close()
			return nil
		}
	}
	return fmt.Errorf("%s does not answer", *addr)
}

// sampleRSS samples VmRSS every 100 ms; the function it returns gives the
// peak sampled and VmHWM, in KiB.
func sampleRSS(ctx context.Context, pid int) func() (int, int) {
	var peak atomic.Int64
	done := make(chan struct{})
	read := func(field string) int {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		for line := range strings.SplitSeq(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, field+":"); ok {
				n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
				return n
			}
		}
		return 0
	}
	go func() {
		defer close(done)
		for {
			if n := int64(read("VmRSS")); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() (int, int) {
		<-done
		return int(peak.Load()), read("VmHWM")
	}
}

// slowClients keeps n connections sending a request's headers one byte
// every 500 ms, reconnecting whenever the server closes one.
func slowClients(ctx context.Context, n int, counts *statusCounts) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			header := "POST /v1/3ds/slow-" + strconv.Itoa(i) + "/authenticate HTTP/1.1\r\nHost: x\r\nX-Slow: "
			for ctx.Err() == nil {
				conn, err := net.Dial("tcp", *addr)
				if err != nil {
					counts.add("slow: dial error")
					sleep(ctx, 100*time.Millisecond)
					continue
				}
				counts.add("slow: connected")
				context.AfterFunc(ctx, func() { conn.Close() })
				for j := 0; ctx.Err() == nil; j++ {
					b := byte('s') // then the header's value, endlessly
					if j < len(header) {
						b = header[j]
					}
					if _, err := conn.Write([]byte{b}); err != nil {
						counts.add("slow: closed by the server")
						break
					}
					sleep(ctx, 500*time.Millisecond)
				}
				conn.Close()
			}
		}()
	}
	wg.Wait()
}

// idleClients are n keep-alive clients, each with its own connection
// pool, sending one request every -every (with jitter): between requests
// their connections sit idle. A client whose idle connection the server
// closed dials again on its next request, as Go's and resty's transports
// do.
func idleClients(ctx context.Context, n int, counts *statusCounts) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Hour}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			sleep(ctx, time.Duration(i)*(*every)/time.Duration(n)) // spread the first requests
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+*addr+"/sandbox/cards", nil)
				if status := send(client, req); ctx.Err() == nil {
					counts.add("idle: GET", status)
				}
				sleep(ctx, *every/2+time.Duration(i*7919)%(*every))
			}
		}()
	}
	wg.Wait()
}

// oversize sends issue 11's experiment — 200 enrollments with a 1 MB
// x-card-id, 6,000 challenges with a 60 KB return_url — and then 6,000
// challenges with the longest return_url accepted (2,048 characters) and
// distinct customer data, which fill the store.
func oversize(counts *statusCounts) {
	jobs := make(chan func() (string, int))
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				counts.add(job())
			}
		}()
	}
	for i := range 200 {
		jobs <- func() (string, int) {
			return "enroll 1MB x-card-id", send(http.DefaultClient, enroll(strconv.Itoa(i)+strings.Repeat("c", 1<<20), "big-"+strconv.Itoa(i)))
		}
	}
	for _, c := range []struct {
		name, id string
		url      int
	}{{"challenge 60KB return_url", "long-", 60 << 10}, {"challenge 2KB return_url", "fill-", 2048}} {
		for i := range 6000 {
			jobs <- func() (string, int) {
				return c.name, send(http.DefaultClient, authenticate(c.id+strconv.Itoa(i), c.url, i))
			}
		}
	}
	close(jobs)
	wg.Wait()
}

func enroll(cardID, requestID string) *http.Request {
	return issuing(http.MethodPost, cardID, requestID, `{"otp_delivery_method":"SMS"}`)
}

// issuing is a seed 000 request for the sandbox cardholder's card.
func issuing(method, cardID, requestID, body string) *http.Request {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, "http://"+*addr+"/issuing/api/v1/card/3DS", r)
	for k, v := range map[string]string{"x-api-key": "load", "x-product-id": "p", "x-cardholder-id": cardholder,
		"x-wallet-id": "WAL-5435323362", "x-card-id": cardID, "x-request-id": requestID, "Content-Type": "application/json"} {
		req.Header.Set(k, v)
	}
	return req
}

func authenticate(id string, urlLen, i int) *http.Request {
	url := "https://shop.example/" + strings.Repeat("r", urlLen-len("https://shop.example/"))
	n := strconv.Itoa(i)
	body := `{"number":"` + challengePAN + `","month":6,"year":2030,"return_url":"` + url + `","name":"Buyer ` + n +
		`","customer":{"name":"Customer ` + n + `","email":"c` + n + `@example.com","mobile":"05` + n + `"},` +
		`"billing_address":{"city":"City ` + n + `","country":"SA","line_1":"Street ` + n + `","postal_code":"` + n + `"}}`
	req, _ := http.NewRequest("POST", "http://"+*addr+"/v1/3ds/"+id+"/authenticate", strings.NewReader(body))
	req.SetBasicAuth("sk_test_load", "")
	req.Header.Set("Content-Type", "application/json")
	return req
}

// send does req and returns its status, 0 for no answer.
func send(client *http.Client, req *http.Request) int {
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func pct(lat []time.Duration, q float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[int(q*float64(len(lat)-1)+0.5)].Round(100 * time.Microsecond)
}

// statusCounts counts what the load got, by kind.
type statusCounts struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *statusCounts) add(kind string, status ...int) {
	if len(status) > 0 {
		kind += " → " + strconv.Itoa(status[0])
	}
	c.mu.Lock()
	c.m[kind]++
	c.mu.Unlock()
}

func (c *statusCounts) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + strconv.Itoa(c.m[k])
	}
	return strings.Join(parts, ", ")
}

// listenDrops is the machine's count of connections a full listen queue
// turned away (TcpExt ListenOverflows): each such client's SYN is
// retransmitted a second later. The count is machine-wide.
func listenDrops() int {
	b, _ := os.ReadFile("/proc/net/netstat")
	lines := strings.Split(string(b), "\n")
	for k := 0; k+1 < len(lines); k += 2 {
		names, values := strings.Fields(lines[k]), strings.Fields(lines[k+1])
		for j, name := range names {
			if name == "ListenOverflows" && j < len(values) {
				n, _ := strconv.Atoi(values[j])
				return n
			}
		}
	}
	return 0
}

// cpuSeconds is the CPU time (user and system) the process has used: under
// reconnecting slow clients, divided by the connections closed, what each
// costs the sandbox, a figure other people's load on the machine changes
// less than latency. (The sandbox is exec'd by sh, so pid is its own.)
func cpuSeconds(pid int) float64 {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	_, rest, _ := strings.Cut(string(b), ") ") // after the command's name
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return float64(utime+stime) / 100 // clock ticks: USER_HZ is 100 on Linux
}
