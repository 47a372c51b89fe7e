package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/postgres"
	"github.com/walletsim/walletsim/client/sandbox/store/postgres/pgtest"
	"github.com/walletsim/walletsim/client/sandbox/store/sqlite"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// eventCounter is a wallet that counts the deliveries it accepted (a valid
// signature under key), by event id.
type eventCounter struct {
	key    []byte
	mu     sync.Mutex
	byID   map[string]int
	signal chan struct{}
}

func newEventCounter(key string) *eventCounter {
	return &eventCounter{key: []byte(key), byID: map[string]int{}, signal: make(chan struct{}, 1)}
}

func (c *eventCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !wallet.VerifySignature(c.key, body, r.Header.Get(wallet.SignatureHeader)) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev wallet.Event
	json.Unmarshal(body, &ev)
	c.mu.Lock()
	c.byID[ev.ID]++
	c.mu.Unlock()
	select {
	case c.signal <- struct{}{}:
	default:
	}
}

// await waits until n distinct events were accepted, and returns the
// counts.
func (c *eventCounter) await(t *testing.T, n int, within time.Duration) map[string]int {
	t.Helper()
	guard := time.After(within) // liveness guard
	for {
		c.mu.Lock()
		got := len(c.byID)
		c.mu.Unlock()
		if got >= n {
			break
		}
		select {
		case <-c.signal:
		case <-guard:
			t.Fatalf("%d distinct events accepted, want %d", got, n)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for id, k := range c.byID {
		out[id] = k
	}
	return out
}

// hangTransport passes requests on until hang is set; then it holds each
// until its context ends, as a replica that died mid-send would. holding
// is closed when it first holds one.
type hangTransport struct {
	hang    atomic.Bool
	held    atomic.Int64
	once    sync.Once
	holding chan struct{}
}

func newHangTransport() *hangTransport { return &hangTransport{holding: make(chan struct{})} }

func (h *hangTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.hang.Load() {
		h.held.Add(1)
		h.once.Do(func() { close(h.holding) })
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// awaitHolding waits until h holds a request.
func (h *hangTransport) awaitHolding(t *testing.T) {
	t.Helper()
	select {
	case <-h.holding:
	case <-time.After(20 * time.Second): // liveness guard
		t.Fatal("no send was held")
	}
}

// replica is one `walletsim sandbox` on a port.
func replica(t *testing.T, st store.Store, rt http.RoundTripper) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{Store: st, WebhookTransport: rt,
		WebhookLease: time.Second, WebhookPoll: 20 * time.Millisecond, WebhookBackoff: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// tenantOn is a workspace made through one replica, with clients for
// every replica (the credentials are in the shared store).
type tenantOn struct {
	view sandbox.WorkspaceView
	tds  []*threeds.Client
}

func newTenantOn(t *testing.T, key string, hook string, srvs ...*sandbox.Server) *tenantOn {
	t.Helper()
	resp, err := http.Post(srvs[0].URL+"/sandbox/workspaces", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var v sandbox.WorkspaceView
	json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	c := v.Credentials
	ctx := context.Background()
	tn := &tenantOn{view: v}
	for _, s := range srvs {
		tn.tds = append(tn.tds, threeds.New(client.Config{BaseURL: s.URL, Retries: -1}, threeds.Credentials{SecretKey: c.ThreeDSKey}))
	}
	req, _ := http.NewRequest("PUT", srvs[len(srvs)-1].URL+"/sandbox/webhook",
		strings.NewReader(`{"url":"`+hook+`","hmac_key":"`+key+`"}`))
	req.Header.Set("x-api-key", c.IssuingAPIKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("put webhook: %v %v", resp, err)
	}
	iss := issuing.New(client.Config{BaseURL: srvs[0].URL, Retries: -1}, issuing.Credentials{APIKey: c.IssuingAPIKey, ProductID: "prod", Token: c.IssuingToken})
	if _, err := iss.Enroll(ctx, ref(card(t, testcards.Visa, testcards.Decoupled)), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	return tn
}

// decoupled starts purchase id through replica r: one webhook event.
func (tn *tenantOn) decoupled(t *testing.T, r int, id string) {
	t.Helper()
	if _, err := tn.tds[r].Authenticate(context.Background(), id, purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled)); err != nil {
		t.Fatalf("authenticate %s on replica %d: %v", id, r, err)
	}
}

// TestReplicasDeliverEachWebhookOnce: two `walletsim sandbox` replicas on
// one PostgreSQL. Events made on either are delivered exactly once (the
// wallet counts them by event id), and when replica A stops mid-way with
// deliveries claimed — its sends hang, then its database connections go —
// replica B sends them once their lease ends. Every delivery record says
// delivered, and the outbox is empty.
func TestReplicasDeliverEachWebhookOnce(t *testing.T) {
	dsn := pgtest.Schema(t, "./client/sandbox/")
	ctx := context.Background()
	pgA, err := postgres.Open(ctx, dsn, store.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer pgA.Close()
	pg, err := postgres.Open(ctx, dsn, store.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	pgB := &pausableClaims{Store: pg}
	const key = "replica-test-key"
	wal := newEventCounter(key)
	hook := httptest.NewServer(wal)
	defer hook.Close()
	ta := newHangTransport()
	a, b := replica(t, pgA, ta), replica(t, pgB, http.DefaultTransport)
	tn := newTenantOn(t, key, hook.URL+wallet.EventPath, a, b)

	const n = 40
	for i := range n / 2 { // both replicas up
		tn.decoupled(t, i%2, fmt.Sprint("p", i))
	}
	wal.await(t, n/2, 20*time.Second)
	// ... and marked done: a replica that dies between a send and its
	// Done leaves the message to be sent again after the lease (at least
	// once, which is why wallets dedupe by event id); this test is about
	// the claims a dying replica holds, so that window is closed first.
	drained(t, dsn)

	// A hangs on every send from now on, and B claims nothing for a while:
	// the events made on A are claimed by A and held. (Which relay claims
	// first is a race the product allows; B polls every 20 ms and could
	// otherwise take them all, leaving A nothing to hold.) Then A dies: its
	// database connections go, so it can give nothing back, and B claims
	// again.
	ta.hang.Store(true)
	pgB.paused.Store(true)
	for i := n / 2; i < n; i++ {
		tn.decoupled(t, 0, fmt.Sprint("p", i))
	}
	ta.awaitHolding(t)
	pgA.Close()
	pgB.paused.Store(false)
	got := wal.await(t, n, 30*time.Second) // B sends them after their lease
	drained(t, dsn)                        // and marks them done: stopping B now aborts no send
	a.Close()
	b.Close()
	if len(got) != n {
		t.Fatalf("%d distinct events, want %d", len(got), n)
	}
	for id, k := range got {
		if k != 1 {
			t.Errorf("event %s delivered %d times", id, k)
		}
	}
	if ta.held.Load() == 0 {
		t.Fatal("replica A never held a delivery: the test did not test a replica dying mid-way")
	}
	recs, err := pgB.Deliveries(ctx, tn.view.ID)
	if err != nil {
		t.Fatal(err)
	}
	delivered := 0
	for _, d := range recs {
		if d.Delivered {
			delivered++
		} else {
			t.Errorf("not delivered: %+v (the wallet counted it %d times)", d, got[d.EventID])
		}
	}
	if len(recs) != n || delivered != n {
		t.Fatalf("%d delivery records, %d delivered, want %d of each", len(recs), delivered, n)
	}
	if left, err := pgB.Claim(ctx, "check", time.Now().Add(24*time.Hour), time.Minute, 100); err != nil || len(left) != 0 {
		t.Fatalf("left in the outbox: %d %v", len(left), err)
	}
	t.Logf("replica A held %d sends when it died", ta.held.Load())
}

// pausableClaims is a replica's store whose outbox claims nothing while
// paused, so that a test decides which replica's relay may claim.
type pausableClaims struct {
	*postgres.Store
	paused atomic.Bool
}

func (p *pausableClaims) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]store.OutboxMessage, error) {
	if p.paused.Load() {
		return nil, nil
	}
	return p.Store.Claim(ctx, owner, now, lease, n)
}

// drained waits until the outbox at dsn is empty.
func drained(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	guard := time.Now().Add(20 * time.Second) // liveness guard
	for {
		var n int
		if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(guard) {
			t.Fatalf("%d messages still in the outbox", n)
		}
		time.Sleep(10 * time.Millisecond) // the database has no notification for an empty table
	}
}

// TestSQLiteWebhookSurvivesRestart: a webhook enqueued on a SQLite sandbox
// that stops before sending it (the wallet was down) is delivered after
// the sandbox restarts on the same file.
func TestSQLiteWebhookSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	open := func() *sqlite.Store {
		st, err := sqlite.Open(path, store.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	const key = "restart-test-key"
	wal := newEventCounter(key)
	hook := httptest.NewServer(wal)
	defer hook.Close()
	down := newHangTransport()
	down.hang.Store(true) // the wallet does not answer yet
	st := open()
	first := replica(t, st, down)
	tn := newTenantOn(t, key, hook.URL+wallet.EventPath, first)
	tn.decoupled(t, 0, "before-restart")
	down.awaitHolding(t)
	first.Close() // gives its claim back
	st.Close()

	st = open()
	defer st.Close()
	second := replica(t, st, http.DefaultTransport)
	got := wal.await(t, 1, 20*time.Second)
	second.Close()
	if len(got) != 1 {
		t.Fatalf("after the restart: %v", got)
	}
	for id, k := range got {
		if k != 1 {
			t.Errorf("event %s delivered %d times", id, k)
		}
	}
}
