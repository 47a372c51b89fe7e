package sandbox_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// memEnv is a sandbox served in memory, on a virtual clock.
func memEnv(t *testing.T) (*sandbox.Sandbox, *clock.Manual, client.Config) {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	sb := sandbox.New(sandbox.Config{Clock: clk})
	t.Cleanup(sb.Close)
	sb.SetBaseURL("http://sandbox")
	return sb, clk, client.Config{BaseURL: "http://sandbox", Transport: sb.Transport(), Clock: clk,
		Retries: 2, RetryWait: 200 * time.Millisecond, RetryMaxWait: 2 * time.Second, Timeout: 300 * time.Millisecond}
}

// TestInMemoryAnswersAsOnTheWire: the seeds' lower-case headers reach the
// handlers as a server would parse them, and the answer carries its status,
// headers and body.
func TestInMemoryAnswersAsOnTheWire(t *testing.T) {
	_, _, cfg := memEnv(t)
	c := testcards.All[0]
	cl := issuing.New(cfg, issuing.Credentials{APIKey: "key", ProductID: "p"})
	ref := issuing.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: c.CardID}
	if _, err := cl.Enroll(context.Background(), ref, issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	got, err := cl.Get(context.Background(), ref)
	if err != nil || got.Data[0].OTPDeliveryMethod != issuing.SMS {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	resp, err := (&http.Client{Transport: cfg.Transport}).Get("http://sandbox/sandbox/cards")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" ||
		resp.ContentLength != int64(len(body)) || !strings.Contains(string(body), c.PAN) {
		t.Fatalf("%s %v %q", resp.Status, resp.Header, body)
	}
}

// TestInMemoryVirtualTimeouts: on a virtual clock, a request the sandbox
// never answers times out at the attempt's deadline on that clock, at
// once, and the retries' backoff moves the clock too; the client sees a
// timeout, as it would from a real server.
func TestInMemoryVirtualTimeouts(t *testing.T) {
	_, clk, cfg := memEnv(t)
	start := clk.Now()
	tds := threeds.New(cfg, threeds.Credentials{SecretKey: "sk_test_1"})
	timeoutCard := card(t, testcards.Mada, testcards.FaultTimeout)
	_, err := tds.Authenticate(context.Background(), "t-1", purchase(timeoutCard, threeds.Browser))
	var te *client.TransportError
	var ne net.Error
	if !errors.As(err, &te) || !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a timeout TransportError, got %v", err)
	}
	// Three attempts of 300ms, and backoffs of 200ms and 400ms between them.
	if got, want := clk.Now().Sub(start), 3*300*time.Millisecond+600*time.Millisecond; got != want {
		t.Errorf("the clock moved %v, want %v", got, want)
	}
}

// TestInMemoryLatencyAndDrop: a latency fault moves the virtual clock (past
// the deadline it is a timeout); a dropped connection is a transport error.
func TestInMemoryLatencyAndDrop(t *testing.T) {
	_, clk, cfg := memEnv(t)
	cfg.Retries = -1
	for _, tc := range []struct {
		spec    string
		moved   time.Duration
		timeout bool
	}{
		{"latency=250ms", 250 * time.Millisecond, false},
		{"latency=1s", 300 * time.Millisecond, true},
		{"drop", 0, false},
	} {
		c := cfg
		c.Header = http.Header{fault.Header: {tc.spec}}
		start := clk.Now()
		_, err := issuing.New(c, issuing.Credentials{APIKey: "k", ProductID: "p"}).Get(context.Background(),
			issuing.Card{CardholderID: "ch", WalletID: "w", CardID: "c"})
		var ne net.Error
		isTimeout := errors.As(err, &ne) && ne.Timeout()
		switch {
		case tc.spec == "drop" && (err == nil || isTimeout):
			t.Errorf("drop: %v, want a transport error that is not a timeout", err)
		case tc.timeout != isTimeout:
			t.Errorf("%s: timeout %v, err %v", tc.spec, isTimeout, err)
		}
		if got := clk.Now().Sub(start); got != tc.moved {
			t.Errorf("%s: the clock moved %v, want %v", tc.spec, got, tc.moved)
		}
	}
}

// TestInMemoryCancel: a client that gives up ends a held request.
func TestInMemoryCancel(t *testing.T) {
	sb := sandbox.New(sandbox.Config{})
	t.Cleanup(sb.Close)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://sandbox/issuing/api/v1/card/3DS", nil)
		req.Header.Set(fault.Header, "timeout")
		req.Header.Set("x-api-key", "k")
		_, err := sb.Transport().RoundTrip(req)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("RoundTrip = %v, want context.Canceled", err)
	}
}

// TestInMemoryClockMovedByOthers: an answer the handler gave without
// waiting on the clock is in time, even when someone else moved the
// virtual clock past the attempt's deadline meanwhile (a test jumping past
// an expiry while the merchant polls: it was seen as a timeout).
func TestInMemoryClockMovedByOthers(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	moved := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clk.Advance(5 * time.Minute) // another goroutine's jump, inside the request
		w.Write([]byte(`{}`))
	})
	cfg := client.Config{BaseURL: "http://sandbox", Transport: sandbox.HandlerTransport(moved), Clock: clk,
		Retries: -1, Timeout: time.Second}
	if _, err := client.New(cfg).Do(context.Background(), client.Call{Op: "test.Get", Method: http.MethodGet, Path: "/x"}); err != nil {
		t.Fatalf("an answer given at once was called late: %v", err)
	}
}
