package sandbox_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/internal/clienttest"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// testClock is a manual clock for expiry tests; it is not virtual (see
// client/clock), so faults and timeouts take real time with it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *testClock { return &testClock{now: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a sandbox on a test server with clients for the three APIs.
type env struct {
	t       *testing.T
	sb      *sandbox.Sandbox
	srv     *httptest.Server
	clock   *testClock
	issuing *issuing.Client
	tds     *threeds.Client
	wallet  *wallet.Client
	rec     *clienttest.Recorder
}

const hmacKey = "test-hmac-key"

func newEnv(t *testing.T, mutate ...func(*sandbox.Config)) *env {
	t.Helper()
	clk := newClock()
	cfg := sandbox.Config{
		Clock: clk, NewID: clienttest.IDs(), Rand: rand.NewChaCha8([32]byte{1}),
		HMACKey: []byte(hmacKey), WebhookBackoff: time.Millisecond,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	if cfg.Store == nil && os.Getenv(sharedEnv) == "1" {
		cfg.Store = sharedMemory(cfg)
	}
	sb := sandbox.New(cfg)
	srv := httptest.NewServer(sb.Handler())
	sb.SetBaseURL(srv.URL)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	rec := &clienttest.Recorder{}
	ccfg := client.Config{BaseURL: srv.URL, Observer: rec.Observe, RetryWait: time.Millisecond, RetryMaxWait: time.Millisecond, Retries: -1}
	return &env{
		t: t, sb: sb, srv: srv, clock: clk, rec: rec,
		issuing: issuing.New(ccfg, issuing.Credentials{APIKey: "key", ProductID: "prod", Token: "token"}),
		tds:     threeds.New(ccfg, threeds.Credentials{SecretKey: "sk_test_1"}),
		wallet:  wallet.New(ccfg, wallet.Credentials{Token: "wallet-token"}),
	}
}

// card returns the test card of a scheme and outcome.
func card(t testing.TB, s testcards.Scheme, o testcards.Outcome) testcards.Card {
	for _, c := range testcards.All {
		if c.Scheme == s && c.Outcome == o {
			return c
		}
	}
	t.Fatalf("no test card %s %s", s, o)
	return testcards.Card{}
}

func ref(c testcards.Card) issuing.Card {
	return issuing.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: c.CardID}
}

func (e *env) enroll(c testcards.Card, m issuing.OTPMethod) {
	e.t.Helper()
	if _, err := e.issuing.Enroll(context.Background(), ref(c), issuing.EnrollRequest{OTPDeliveryMethod: m}); err != nil {
		e.t.Fatal(err)
	}
}

func purchase(c testcards.Card, ch threeds.Channel) threeds.AuthenticateRequest {
	return threeds.AuthenticateRequest{Number: c.PAN, Month: 12, Year: 2030, Channel: ch, ReturnURL: "https://shop.example/return"}
}

func (e *env) authenticate(id string, req threeds.AuthenticateRequest) *threeds.Authentication {
	e.t.Helper()
	a, err := e.tds.Authenticate(context.Background(), id, req)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) result(id string) *threeds.Authentication {
	e.t.Helper()
	a, err := e.tds.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// raw sends a request and returns the response, its body read and closed.
func (e *env) raw(method, path string, header http.Header, body string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// do sends a raw request and returns the status and body.
func (e *env) do(method, path string, header http.Header, body string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// sharedEnv runs the package's tests with the memory store's Auths: every
// authentication encoded, read and written back as a SQL store's are (the
// shared-store path, shared.go), without a database. CI runs the package
// once so.
const sharedEnv = "WALLETSIM_SANDBOX_SHARED"

// sharedMemory is a memory store that keeps the authentications in its
// Auths, as a SQL store does.
func sharedMemory(cfg sandbox.Config) store.Store {
	return sharedOn(store.NewMemory(store.Limits{IdempotencyTTL: cfg.IdempotencyTTL, IdempotencyBytes: cfg.IdempotencyBytes}))
}

// sharedStore is m with its Auths and an outbox beside it: what a SQL
// store has (the sandbox makes the outbox itself only for a bare Memory).
type sharedStore struct {
	*store.Memory
	*store.MemoryAuths
	*store.MemoryOutbox
}

func sharedOn(m *store.Memory) sharedStore {
	return sharedStore{m, m.Auths(), store.NewMemoryOutbox(m)}
}

// inProcessOnly skips a test of what only in-process authentications have
// under sharedEnv — their bytes counted in MaxStoredBytes, eviction at the
// very request past MaxFinished: a shared store's are on its disk, pruned
// by a sweep at most once a second (TestSharedStoreBounds; README,
// "Stores").
func inProcessOnly(t *testing.T) {
	if os.Getenv(sharedEnv) == "1" {
		t.Skip(sharedEnv + "=1: a shared store's authentications are not counted in memory")
	}
}
