package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// TestFaultsPerAPI: a forced 500/503 answers in each API's own error shape
// (seed 002's bodies verbatim) and has no effect.
func TestFaultsPerAPI(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, path string
		h          http.Header
		status     int
		want       string
	}{
		{"issuing 500", enrollPath, issuingHeader("f1"), 500, `{"code":500,"message":"Internal Server Error","status":"error"}`},
		{"issuing 503", enrollPath, issuingHeader("f2"), 503, `{"code":503,"message":"Service Unavailable","status":"error"}`},
		{"3ds 500", "/v1/3ds/x/authenticate", http.Header{}, 500, `{"message":"Internal Server Error"}`},
		{"wallet 500", "/customers/c/prepaid/cards/k/3ds-authentications/a", http.Header{}, 500, `{"error":{"code":"DW-INTERNAL-SERVER-ERROR","message":"Internal Server Error","details":["There was an error while processing the operation"]}}`},
		{"wallet 503", "/customers/c/prepaid/cards/k/3ds-authentications/a", http.Header{}, 503, `{"error":{"code":"DW-SERVICE-UNAVAILABLE","message":"Service Unavailable","details":["Service Unavailable"]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.h.Set(fault.Header, "status="+strconv.Itoa(tc.status))
			got, body := e.do("POST", tc.path, tc.h, `{"otp_delivery_method":"SMS"}`)
			if got != tc.status || body != tc.want {
				t.Fatalf("got %d %s\nwant %d %s", got, body, tc.status, tc.want)
			}
		})
	}
	// The faulted enroll had no effect: a real one succeeds.
	if s, b := e.do("POST", enrollPath, issuingHeader("f3"), `{"otp_delivery_method":"SMS"}`); s != 200 {
		t.Fatalf("after faults: %d %s", s, b)
	}
}

// TestClientRetriesThroughFaults: a client with retries gets through a
// sandbox that fails half its requests with 503, and its x-request-id keeps
// the enrollment single.
func TestClientRetriesThroughFaults(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.Faults = fault.Spec{Status: 503, Rate: 0.5} })
	cl := issuing.New(client.Config{BaseURL: e.srv.URL, Retries: 20, RetryWait: time.Millisecond, RetryMaxWait: time.Millisecond},
		issuing.Credentials{APIKey: "k", ProductID: "p"})
	c := card(t, testcards.Visa, testcards.Challenge)
	if _, err := cl.Enroll(context.Background(), ref(c), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
}

// TestDropAndTimeout: a dropped connection and a request that never gets
// an answer are transport errors for the client.
func TestDropAndTimeout(t *testing.T) {
	e := newEnv(t)
	for _, spec := range []string{"drop", "timeout", "latency=1s"} {
		// The fault header rides on the client's transport.
		cfg := client.Config{BaseURL: e.srv.URL, Retries: -1, Timeout: 100 * time.Millisecond,
			Transport: headerTransport{fault.Header, spec}}
		cl := issuing.New(cfg, issuing.Credentials{APIKey: "k", ProductID: "p"})
		_, err := cl.Get(context.Background(), ref(card(t, testcards.Visa, testcards.Frictionless)))
		var te *client.TransportError
		if !errors.As(err, &te) {
			t.Errorf("%s: want a transport error, got %v", spec, err)
		}
	}
}

type headerTransport struct{ name, value string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

// TestPurchaseAmount: a purchase created first carries its amount into the
// authentication, the challenge page and the inbox.
func TestPurchaseAmount(t *testing.T) {
	e := newEnv(t)
	p, err := e.tds.Create(context.Background(), threeds.CreateRequest{Amount: 12345, Currency: "KWD", Description: "Headphones"})
	if err != nil || p.Status != "initiated" || p.Amount != 12345 {
		t.Fatalf("create: %+v %v", p, err)
	}
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, issuing.SMS)
	a := e.authenticate(p.ID, purchase(c, threeds.Browser))
	if a.Amount != 12345 || a.Currency != "KWD" || a.AuthStatus != "C" {
		t.Fatalf("authenticate: %d %s %s", a.Amount, a.Currency, a.AuthStatus)
	}
	_, inbox := e.do("GET", "/sandbox/inbox/"+testcards.CardholderID, nil, "")
	if !strings.Contains(inbox, "KWD 12.345") {
		t.Fatalf("inbox: %s", inbox)
	}
	if _, err := e.tds.Create(context.Background(), threeds.CreateRequest{Amount: 0}); err == nil {
		t.Fatal("amount 0 accepted")
	}
	h := http.Header{"Authorization": {basicAuth("sk")}, "Content-Type": {"application/json"}}
	if s, b := e.do("POST", "/v1/3ds", h, `{"amount":"ten","currency":"riyal"}`); s != 422 || !strings.Contains(b, `"amount":["The value must be an integer."]`) || !strings.Contains(b, `"currency"`) {
		t.Fatalf("bad purchase: %d %s", s, b)
	}
	// The same rules as the client's (threeds.ValidateCreate), with seed 004's words.
	long := strings.Repeat("x", 256)
	if s, b := e.do("POST", "/v1/3ds", h, `{"amount":0,"currency":"sar","description":"`+long+`"}`); s != 422 ||
		!strings.Contains(b, `"amount":["The value must be at least 1."]`) ||
		!strings.Contains(b, `"currency":["The value must be an ISO 4217 currency code such as SAR."]`) ||
		!strings.Contains(b, `"description":["The value must be at most 255 characters long."]`) {
		t.Fatalf("bad purchase: %d %s", s, b)
	}
}

// TestEviction: under a long run, finished authentications beyond the cap
// are forgotten, pending ones that expire are settled, and idempotency keys
// stay within their byte budget: memory stays bounded.
func TestEviction(t *testing.T) {
	inProcessOnly(t)
	e := newEnv(t, func(c *sandbox.Config) { c.MaxFinished, c.IdempotencyBytes = 10, 2048 })
	y := card(t, testcards.Visa, testcards.Frictionless)
	for i := 0; i < 100; i++ {
		e.authenticate("ev-"+strconv.Itoa(i), purchase(y, threeds.Browser))
		e.do("GET", enrollPath, issuingHeader("idem-"+strconv.Itoa(i)), "")
	}
	st := e.sb.Stats()
	if st.Authentications > 10 || st.IdempotencyBytes > 2048 || st.IdempotencyKeys >= 100 || st.Pending != 0 {
		t.Fatalf("not bounded: %+v", st)
	}
	if _, err := e.tds.Get(context.Background(), "ev-0"); err == nil {
		t.Error("the oldest authentication is still readable")
	}
	e.result("ev-99")

	// Pending ones expire and then go the same way.
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, issuing.SMS)
	for i := 0; i < 20; i++ {
		e.authenticate("pend-"+strconv.Itoa(i), purchase(c, threeds.Browser))
	}
	if st := e.sb.Stats(); st.Pending != 20 {
		t.Fatalf("pending %+v", st)
	}
	e.clock.Advance(6 * time.Minute)
	e.authenticate("trigger", purchase(y, threeds.Browser))
	if st := e.sb.Stats(); st.Pending != 0 || st.Authentications > 10 {
		t.Fatalf("after expiry: %+v", st)
	}
}

// TestConcurrentFlows runs many full flows at once (run with -race): the
// sandbox's state stays consistent and every flow gets its own result.
func TestConcurrentFlows(t *testing.T) {
	e := newEnv(t)
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, issuing.SMS)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := "conc-" + strconv.Itoa(i)
			card := c
			if i%2 == 0 {
				card = testcards.All[i%len(testcards.All)]
			}
			if card.Outcome == testcards.FaultTimeout {
				return
			}
			_, err := e.tds.Authenticate(context.Background(), id, purchase(card, threeds.Browser))
			var apiErr *threeds.Error
			if err != nil && !(errors.As(err, &apiErr) && apiErr.HTTPStatus >= 500) {
				errs <- err
				return
			}
			if _, err := e.tds.Get(context.Background(), id); err != nil && apiErr == nil {
				errs <- err
			}
			e.do("GET", enrollPath, issuingHeader(id), "")
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
