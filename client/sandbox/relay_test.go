package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/sqlite"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// hooks are the wallets of several workspaces, told apart by the host of
// their webhook URL: each records every delivery, in order, and answers
// 200 to a validly signed one, 401 to the rest.
type hooks struct {
	mu     sync.Mutex
	got    map[string][]arrival
	signal chan struct{}
}

func newHooks() *hooks { return &hooks{got: map[string][]arrival{}, signal: make(chan struct{}, 1)} }

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev wallet.Event
	json.Unmarshal(body, &ev)
	sig := r.Header.Get(wallet.SignatureHeader)
	a := arrival{amount: ev.Amount, id: ev.ID, sig: sig, valid: wallet.VerifySignature([]byte(hmacKey), body, sig),
		sigs: len(strings.Split(sig, ","))}
	if !a.valid {
		w.WriteHeader(http.StatusUnauthorized)
	}
	h.mu.Lock()
	h.got[r.Host] = append(h.got[r.Host], a)
	h.mu.Unlock()
	select {
	case h.signal <- struct{}{}:
	default:
	}
}

// await waits until host has had n deliveries, and returns them.
func (h *hooks) await(t *testing.T, host string, n int) []arrival {
	t.Helper()
	guard := time.After(10 * time.Second) // liveness guard
	for {
		h.mu.Lock()
		got := append([]arrival(nil), h.got[host]...)
		h.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-h.signal:
		case <-guard:
			t.Fatalf("%s: %d deliveries, want %d", host, len(got), n)
		}
	}
}

// relayEnv is a sandbox on a real-clock-like test clock (frozen unless
// advanced, not virtual), so webhooks go through the outbox and its relay.
func relayEnv(t *testing.T, mutate ...func(*sandbox.Config)) (*env, *hooks) {
	h := newHooks()
	e := newEnv(t, append([]func(*sandbox.Config){func(c *sandbox.Config) {
		c.WebhookTransport, c.WebhookPoll, c.WebhookBackoff = sandbox.HandlerTransport(h), 2*time.Millisecond, 2*time.Second
	}}, mutate...)...)
	return e, h
}

// hook points the tenant's webhook at host, signed with the test key,
// misbehaving as faults says.
func (tn *tenant) hook(e *env, host, faults string) {
	e.t.Helper()
	body := `{"url":"http://` + host + wallet.EventPath + `","hmac_key":"` + hmacKey + `","faults":"` + faults + `"}`
	if status, got := e.do("PUT", "/sandbox/webhook", tn.auth, body); status != 200 {
		e.t.Fatalf("put webhook with faults %q: %d %s", faults, status, got)
	}
}

// decoupled enrolls the decoupled Visa card (once) and starts a decoupled
// purchase of amount in the tenant's workspace.
func (tn *tenant) decoupled(t *testing.T, amount int64) {
	t.Helper()
	ctx := context.Background()
	c := card(t, testcards.Visa, testcards.Decoupled)
	tn.issuing.Enroll(ctx, ref(c), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}) // already enrolled is fine
	p, err := tn.tds.Create(ctx, threeds.CreateRequest{Amount: amount, Currency: "SAR"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.tds.Authenticate(ctx, p.ID, purchase(c, threeds.Decoupled)); err != nil {
		t.Fatal(err)
	}
}

func (tn *tenant) deliveries(e *env) []sandbox.Delivery {
	e.t.Helper()
	_, body := e.do("GET", "/sandbox/webhook/deliveries", tn.auth, "")
	var out struct{ Deliveries []sandbox.Delivery }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Deliveries
}

// TestWorkspaceWebhookFaults: two workspaces set different webhook faults
// in their webhook configuration; each workspace's events misbehave as its
// own say, and never as the other's.
func TestWorkspaceWebhookFaults(t *testing.T) {
	e, h := relayEnv(t)
	a, b := e.workspace(), e.workspace()
	a.hook(e, "wallet-a", "webhook=duplicate")
	b.hook(e, "wallet-b", "webhook=corrupt")
	a.decoupled(t, 1000)
	b.decoupled(t, 2000)
	got := h.await(t, "wallet-a", 2)
	if !got[0].valid || !got[1].valid || got[0].id != got[1].id {
		t.Fatalf("a's duplicate: %+v", got)
	}
	got = h.await(t, "wallet-b", 1)
	if got[0].valid {
		t.Fatalf("b's first delivery was not corrupted: %+v", got)
	}
	e.clock.Advance(2 * time.Second) // b's backoff
	got = h.await(t, "wallet-b", 2)
	if !got[1].valid || got[1].id != got[0].id {
		t.Fatalf("b's redelivery: %+v", got)
	}
	eventually(t, func() bool {
		da, db := a.deliveries(e), b.deliveries(e)
		return len(da) == 1 && da[0].Fault == "webhook=duplicate" && da[0].Duplicates == 1 && da[0].Attempts == 1 && da[0].Delivered &&
			len(db) == 1 && db[0].Fault == "webhook=corrupt" && db[0].Duplicates == 0 && db[0].Attempts == 2 && db[0].Delivered
	})
	h.mu.Lock()
	na, nb := len(h.got["wallet-a"]), len(h.got["wallet-b"])
	h.mu.Unlock()
	if na != 2 || nb != 2 {
		t.Fatalf("deliveries: a %d (want 2: one duplicate), b %d (want 2: one corrupt)", na, nb)
	}
}

// TestWorkspaceWebhookFaultsValidated: the faults field takes webhook=
// items only, and names itself when it is wrong.
func TestWorkspaceWebhookFaultsValidated(t *testing.T) {
	e := newEnv(t)
	a := e.workspace()
	for _, faults := range []string{`"webhook=explode"`, `"webhook=delay:10m"`, `"latency=1s"`, `"status=503"`, `"webhook=drop,rate=0.5"`, `"` + strings.Repeat("webhook=drop,", 30) + `"`} {
		status, body := e.do("PUT", "/sandbox/webhook", a.auth, `{"url":"http://w/hook","faults":`+faults+`}`)
		if status != 400 || !strings.Contains(body, `"field":"faults"`) {
			t.Errorf("faults %s: %d %s, want 400 naming faults", faults, status, body)
		}
	}
	if status, body := e.do("PUT", "/sandbox/webhook", a.auth, `{"url":"http://w/hook","faults":7}`); status != 400 || !strings.Contains(body, "faults") {
		t.Errorf("faults 7: %d %s", status, body)
	}
	status, body := e.do("PUT", "/sandbox/webhook", a.auth, `{"url":"http://w/hook","faults":"WEBHOOK=rotate, webhook=drop"}`)
	if status != 200 || !strings.Contains(body, `"faults":"webhook=drop,webhook=rotate"`) {
		t.Fatalf("good faults: %d %s", status, body)
	}
}

// TestRelayedChaos: the faults that wait — delay, reorder, drop — through
// the outbox: a delay ends when the workspace's clock moves (and not
// before), a held event goes right after the next one, a dropped attempt
// is redelivered after the backoff.
func TestRelayedChaos(t *testing.T) {
	e, h := relayEnv(t)
	a, b := e.workspace(), e.workspace()
	b.hook(e, "wallet-b", "")
	a.hook(e, "wallet-a", "webhook=delay:45s")
	a.decoupled(t, 1000)
	a.hook(e, "wallet-a", "webhook=reorder")
	a.decoupled(t, 2000)
	a.hook(e, "wallet-a", "")
	a.decoupled(t, 3000)
	e.clock.Advance(time.Millisecond) // the held event is due 1ns after the next: a real clock gets there
	got := h.await(t, "wallet-a", 2)
	if got[0].amount != 3000 || got[1].amount != 2000 {
		t.Fatalf("a's deliveries %+v: want the next event, then the held one", got)
	}
	// b's clock moving does not end a's delay.
	if status, body := e.do("POST", "/sandbox/workspaces/"+b.view.ID+"/clock", b.auth, `{"advance":"1m"}`); status != 200 {
		t.Fatalf("b's clock: %d %s", status, body)
	}
	b.decoupled(t, 4000)
	h.await(t, "wallet-b", 1)
	h.mu.Lock()
	n := len(h.got["wallet-a"])
	h.mu.Unlock()
	if n != 2 {
		t.Fatalf("a's delayed event arrived before a's clock moved (%d deliveries)", n)
	}
	if status, body := e.do("POST", "/sandbox/workspaces/"+a.view.ID+"/clock", a.auth, `{"advance":"45s"}`); status != 200 {
		t.Fatalf("a's clock: %d %s", status, body)
	}
	if got = h.await(t, "wallet-a", 3); got[2].amount != 1000 || !got[2].valid {
		t.Fatalf("a's delayed event: %+v", got[2])
	}
	// drop: the first attempt never arrives; the redelivery does, after
	// the backoff on the sandbox's clock.
	a.hook(e, "wallet-a", "webhook=drop")
	a.decoupled(t, 5000)
	eventually(t, func() bool {
		for _, d := range a.deliveries(e) {
			if d.Fault == "webhook=drop" && d.Attempts == 1 && strings.Contains(d.LastError, "lost on the way") {
				return true
			}
		}
		return false
	})
	e.clock.Advance(2 * time.Second)
	if got = h.await(t, "wallet-a", 4); got[3].amount != 5000 || !got[3].valid {
		t.Fatalf("a's redelivered event: %+v", got[3])
	}
}

// BenchmarkDecoupledWebhook: a decoupled authenticate and the delivery of
// its ThreeDSecureEvent to an in-memory wallet, each op waiting until the
// wallet has it: on a virtual clock (delivered before the answer, no
// outbox), and through the outbox and relay on the memory and SQLite
// stores.
//
//	go test ./client/sandbox -run '^$' -bench DecoupledWebhook -count 5
func BenchmarkDecoupledWebhook(b *testing.B) {
	sqliteStore := func(b *testing.B, c *sandbox.Config) {
		st, err := sqlite.Open(filepath.Join(b.TempDir(), "b.db"), store.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		c.Clock, c.Store = clock.Real, st
	}
	for _, bc := range []struct {
		name  string
		setup func(b *testing.B, c *sandbox.Config)
	}{
		{"virtual-clock", func(_ *testing.B, c *sandbox.Config) {
			c.Clock = clock.NewManual(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
		}},
		{"relay-memory", func(_ *testing.B, c *sandbox.Config) { c.Clock = clock.Real }},
		{"relay-sqlite", sqliteStore},
		// The same authenticate on SQLite with no webhook URL: what the
		// outbox adds is the difference.
		{"sqlite-no-webhook", func(b *testing.B, c *sandbox.Config) { sqliteStore(b, c); c.WebhookURL = "" }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var got atomic.Int64
			arrived := make(chan struct{}, 1)
			wal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				got.Add(1)
				select {
				case arrived <- struct{}{}:
				default:
				}
			})
			cfg := sandbox.Config{HMACKey: []byte(hmacKey), WebhookURL: "http://wallet" + wallet.EventPath,
				WebhookTransport: sandbox.HandlerTransport(wal), MaxPending: 1 << 30, MaxStoredBytes: 1 << 40}
			bc.setup(b, &cfg)
			sb := sandbox.New(cfg)
			b.Cleanup(sb.Close)
			h := sb.Handler()
			c := card(b, testcards.Visa, testcards.Decoupled)
			enroll := httptest.NewRequest("POST", enrollPath, strings.NewReader(`{"otp_delivery_method":"SMS"}`))
			for k, v := range issuingHeaders(c.CardID) {
				enroll.Header[k] = v
			}
			h.ServeHTTP(httptest.NewRecorder(), enroll)
			body := `{"number":"` + c.PAN + `","month":12,"year":2030,"channel":"decoupled","return_url":"https://x.example"}`
			b.ResetTimer()
			for i := range b.N {
				req := httptest.NewRequest("POST", "/v1/3ds/b"+strconv.Itoa(i)+"/authenticate", strings.NewReader(body))
				req.Header.Set("Authorization", basicAuth("sk_test_1"))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("authenticate: %d %s", rec.Code, rec.Body)
				}
				for cfg.WebhookURL != "" && got.Load() < int64(i+1) {
					<-arrived
				}
			}
		})
	}
}
