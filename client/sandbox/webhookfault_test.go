package sandbox_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// arrival is one webhook delivery as a wallet saw it.
type arrival struct {
	amount int64
	id     string
	sig    string
	valid  bool // the signature verified under the test key
	at     time.Time
	sigs   int // signatures in the header
}

// wallets is an in-memory wallet backend that records every delivery, in
// order, and answers 200 to a valid one, 401 to the rest.
func wallets(c clock.Clock) (http.Handler, chan arrival) {
	got := make(chan arrival, 32)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev wallet.Event
		json.Unmarshal(body, &ev)
		sig := r.Header.Get(wallet.SignatureHeader)
		a := arrival{amount: ev.Amount, id: ev.ID, sig: sig, valid: wallet.VerifySignature([]byte(hmacKey), body, sig),
			at: c.Now(), sigs: len(strings.Split(sig, ","))}
		if !a.valid {
			w.WriteHeader(http.StatusUnauthorized)
		}
		got <- a
	}), got
}

func next(t *testing.T, got chan arrival) arrival {
	t.Helper()
	select {
	case a := <-got:
		return a
	case <-time.After(10 * time.Second): // liveness guard
		t.Fatal("no delivery arrived")
		return arrival{}
	}
}

// chaos is a sandbox on a virtual clock whose deliveries misbehave as spec
// says, delivering in memory to a recording wallet.
func chaos(t *testing.T, spec string) (*env, *clock.Manual, chan arrival) {
	t.Helper()
	f, err := fault.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	h, got := wallets(clk)
	e := newEnv(t, func(c *sandbox.Config) {
		c.Clock, c.Faults, c.WebhookBackoff = clk, f, 2*time.Second
		c.WebhookURL, c.WebhookTransport = "http://wallet"+wallet.EventPath, sandbox.HandlerTransport(h)
	})
	e.enroll(card(t, testcards.Visa, testcards.Decoupled), issuing.SMS)
	return e, clk, got
}

// authHeader adds the 3DS server's credentials and a JSON content type.
func authHeader(h http.Header) http.Header {
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("sk_test_1:")))
	h.Set("Content-Type", "application/json")
	return h
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (e *env) deliveries() []sandbox.Delivery {
	e.t.Helper()
	_, body := e.do("GET", "/sandbox/webhook/deliveries", nil, "")
	var out struct{ Deliveries []sandbox.Delivery }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Deliveries
}

func TestWebhookDuplicate(t *testing.T) {
	e, _, got := chaos(t, "webhook=duplicate")
	e.authenticate("dup", purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled))
	first, second := next(t, got), next(t, got)
	if !first.valid || first.id != second.id || first.sig != second.sig {
		t.Fatalf("%+v %+v", first, second)
	}
	eventually(t, func() bool {
		d := e.deliveries()
		return len(d) == 1 && d[0].Duplicates == 1 && d[0].Fault == "webhook=duplicate"
	})
}

func TestWebhookDelayOnTheClock(t *testing.T) {
	e, clk, got := chaos(t, "webhook=delay:90s")
	start := clk.Now()
	e.authenticate("late", purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled))
	if a := next(t, got); !a.valid || a.at.Sub(start) < 90*time.Second {
		t.Fatalf("arrived at +%s, want ≥ 90s on the sandbox's clock", a.at.Sub(start))
	}
}

func TestWebhookDropThenRedeliver(t *testing.T) {
	e, clk, got := chaos(t, "webhook=drop")
	start := clk.Now()
	e.authenticate("drop", purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled))
	a := next(t, got)
	if !a.valid || a.at.Sub(start) < 2*time.Second {
		t.Fatalf("the redelivery %+v came at +%s, want after the 2s backoff", a, a.at.Sub(start))
	}
	eventually(t, func() bool { d := e.deliveries(); return len(d) == 1 && d[0].Delivered && d[0].Attempts == 2 })
}

func TestWebhookCorruptThenValid(t *testing.T) {
	e, _, got := chaos(t, "webhook=corrupt")
	e.authenticate("bad", purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled))
	if a := next(t, got); a.valid {
		t.Fatal("the first delivery's signature verified")
	}
	if a := next(t, got); !a.valid {
		t.Fatal("the redelivery's signature did not verify")
	}
	eventually(t, func() bool { d := e.deliveries(); return len(d) == 1 && d[0].Delivered && d[0].Attempts == 2 })
}

func TestWebhookRotateSignsTwice(t *testing.T) {
	e, _, got := chaos(t, "webhook=rotate")
	e.authenticate("rot", purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled))
	if a := next(t, got); !a.valid || a.sigs != 2 {
		t.Fatalf("%+v: want two signatures, one of them the current key's", a)
	}
}

// TestWebhookReorder: a held event goes right after the next one.
func TestWebhookReorder(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	h, got := wallets(clk)
	e := newEnv(t, func(c *sandbox.Config) {
		c.Clock = clk
		c.WebhookURL, c.WebhookTransport = "http://wallet"+wallet.EventPath, sandbox.HandlerTransport(h)
	})
	c := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(c, issuing.SMS)
	first := purchase(c, threeds.Decoupled)
	hdr := http.Header{fault.Header: {"webhook=reorder"}}
	if status, body := e.do("POST", "/v1/3ds/first/authenticate", authHeader(hdr), mustJSON(t, first)); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	select {
	case a := <-got:
		t.Fatalf("the held event was delivered alone: %+v", a)
	default:
	}
	e.authenticate("second", purchase(c, threeds.Decoupled))
	a, b := next(t, got), next(t, got)
	if a.id == b.id || !a.valid || !b.valid {
		t.Fatalf("%+v %+v", a, b)
	}
	d := e.deliveries() // newest first: [second, first]
	if len(d) != 2 || a.id != d[0].EventID || b.id != d[1].EventID || d[1].Fault != "webhook=reorder" {
		t.Fatalf("arrivals %s, %s; deliveries %+v", a.id, b.id, d)
	}
}

// TestWebhookKeyRotation: during the overlap events carry the new and the
// old key's signatures; after it, the new key's only.
func TestWebhookKeyRotation(t *testing.T) {
	e, clk, got := chaos(t, "")
	c := card(t, testcards.Visa, testcards.Decoupled)
	e.sb.RotateWebhookKey([]byte("the-new-key"), time.Hour)
	e.authenticate("during", purchase(c, threeds.Decoupled))
	if a := next(t, got); !a.valid || a.sigs != 2 {
		t.Fatalf("during the overlap: %+v", a)
	}
	clk.Advance(time.Hour)
	e.authenticate("after", purchase(c, threeds.Decoupled))
	a := next(t, got) // refused by the old key: retried, refused again…
	if a.valid || a.sigs != 1 {
		t.Fatalf("after the overlap: %+v", a)
	}
}

// TestPutWebhookRotates: PUT /sandbox/webhook with a new key and
// previous_key_overlap keeps the old key signing beside it; a bad overlap
// is refused with the field named.
func TestPutWebhookRotates(t *testing.T) {
	e, _, got := chaos(t, "")
	for body, want := range map[string]int{
		`{"url":"http://wallet/prepaid/card/threedsecure/events","hmac_key":"k2","previous_key_overlap":"soon"}`: 400,
		`{"url":"http://wallet/prepaid/card/threedsecure/events","hmac_key":"k2","previous_key_overlap":"200h"}`: 400,
		`{"url":"http://wallet/prepaid/card/threedsecure/events","hmac_key":"k2","previous_key_overlap":"10m"}`:  200,
	} {
		if status, answer := e.do("PUT", "/sandbox/webhook", nil, body); status != want || want == 400 && !strings.Contains(answer, "previous_key_overlap") {
			t.Fatalf("%s: %d %s", body, status, answer)
		}
	}
	e.authenticate("rotated", purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled))
	if a := next(t, got); !a.valid || a.sigs != 2 {
		t.Fatalf("%+v: the old key should still sign during the overlap", a)
	}
}

// TestDeliveryURLRedacted: the delivery log and the PUT's answer never
// show a password in the webhook URL.
func TestDeliveryURLRedacted(t *testing.T) {
	e, _, _ := chaos(t, "")
	status, answer := e.do("PUT", "/sandbox/webhook", nil, `{"url":"http://ops:S3CRET@wallet/prepaid/card/threedsecure/events","hmac_key":"`+hmacKey+`"}`)
	if status != 200 || strings.Contains(answer, "S3CRET") {
		t.Fatalf("%d %s", status, answer)
	}
	e.authenticate("secret", purchase(card(t, testcards.Visa, testcards.Decoupled), threeds.Decoupled))
	eventually(t, func() bool { return len(e.deliveries()) == 1 })
	if d := e.deliveries()[0]; strings.Contains(d.URL, "S3CRET") || !strings.Contains(d.URL, "ops:***@") {
		t.Fatalf("delivery URL %q", d.URL)
	}
}

// TestBannerAndLogsRedactURLPasswords: the banner and the log of a failed
// delivery name the webhook URL without its password.
func TestBannerAndLogsRedactURLPasswords(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(c *sandbox.Config) {
		c.WebhookURL, c.WebhookRetries = "http://ops:S3CRET@wallet"+wallet.EventPath, -1
		c.WebhookTransport = sandbox.HandlerTransport(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	if b := string(e.sb.Banner()); strings.Contains(b, "S3CRET") || !strings.Contains(b, "ops:***@wallet") {
		t.Fatalf("banner:\n%s", b)
	}
	c := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(c, issuing.SMS)
	e.authenticate("logged", purchase(c, threeds.Decoupled))
	eventually(t, func() bool { return strings.Contains(logs.String(), "webhook delivery failed") })
	if l := logs.String(); strings.Contains(l, "S3CRET") || !strings.Contains(l, "ops:***@wallet") {
		t.Fatalf("log:\n%s", l)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWorkspaceKeyRotationIsItsOwn: a workspace that rotates its webhook
// key with an overlap has its own events signed with both keys and
// delivered to its own URL; the default workspace's events keep its one
// key, and neither sees the other's deliveries.
func TestWorkspaceKeyRotationIsItsOwn(t *testing.T) {
	e, _, got := chaos(t, "")
	a := e.workspace()
	for _, body := range []string{
		`{"url":"http://wallet-a` + wallet.EventPath + `","hmac_key":"` + hmacKey + `"}`,
		`{"url":"http://wallet-a` + wallet.EventPath + `","hmac_key":"a-new-key","previous_key_overlap":"1h"}`,
	} {
		if status, answer := e.do("PUT", "/sandbox/webhook", a.auth, body); status != 200 {
			t.Fatalf("%s: %d %s", body, status, answer)
		}
	}
	ctx := context.Background()
	c := card(t, testcards.Visa, testcards.Decoupled)
	if _, err := a.issuing.Enroll(ctx, ref(c), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.tds.Authenticate(ctx, "in-a", purchase(c, threeds.Decoupled)); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, got); !ev.valid || ev.sigs != 2 {
		t.Fatalf("workspace a's event during its overlap: %+v", ev)
	}
	e.authenticate("in-default", purchase(c, threeds.Decoupled))
	if ev := next(t, got); !ev.valid || ev.sigs != 1 {
		t.Fatalf("the default workspace's event, whose key nobody rotated: %+v", ev)
	}
	_, mine := e.do("GET", "/sandbox/webhook/deliveries", a.auth, "")
	theirs := e.deliveries()
	if !strings.Contains(mine, "wallet-a") || len(theirs) != 1 || strings.Contains(theirs[0].URL, "wallet-a") {
		t.Fatalf("deliveries: a's %s; default's %+v", mine, theirs)
	}
}
