package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/internal/clienttest"
)

func call() client.Call {
	return client.Call{Op: "test.Op", Method: http.MethodPost, Path: "/x", Body: map[string]string{"a": "b"}, Idempotent: true,
		Header: [][2]string{{"x-api-key", clienttest.APIKey}, {"Authorization", "Bearer " + clienttest.Token}}}
}

// TestOnlyIdempotentCallsRetried: a POST or PATCH that carries no key the
// server deduplicates on is sent once, whatever the failure: its lost
// answer may have had its effect. GET, PUT, DELETE and keyed calls retry.
func TestOnlyIdempotentCallsRetried(t *testing.T) {
	for _, tc := range []struct {
		method     string
		idempotent bool
		attempts   int
	}{
		{http.MethodPost, false, 1},
		{http.MethodPatch, false, 1},
		{http.MethodPost, true, 3},
		{http.MethodGet, false, 3},
		{http.MethodDelete, false, 3},
	} {
		srv := clienttest.NewServer(t, clienttest.Reply{Status: 503, Body: []byte(`{}`)})
		c := client.New(client.Config{BaseURL: srv.URL, Retries: 2, RetryWait: time.Millisecond, RetryMaxWait: time.Millisecond})
		call := call()
		call.Method, call.Idempotent = tc.method, tc.idempotent
		if _, err := c.Do(context.Background(), call); err != nil {
			t.Fatal(err)
		}
		if got := int(srv.Hits.Load()); got != tc.attempts {
			t.Errorf("%s idempotent=%v: %d attempts, want %d", tc.method, tc.idempotent, got, tc.attempts)
		}
	}
}

// TestCancelStopsBackoff: cancelling during a long backoff returns at once
// with the context's error, and no further attempt is made.
func TestCancelStopsBackoff(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 503, Body: []byte(`{}`)})
	ctx, cancel := context.WithCancel(context.Background())
	attempted := make(chan struct{}, 1)
	cfg := client.Config{BaseURL: srv.URL, RetryWait: time.Hour, RetryMaxWait: time.Hour,
		Observer: func(client.Exchange) { attempted <- struct{}{} }}
	done := make(chan error, 1)
	go func() { _, err := client.New(cfg).Do(ctx, call()); done <- err }()
	<-attempted
	cancel()
	select {
	case err := <-done:
		var te *client.TransportError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &te) || te.Op != "test.Op" {
			t.Fatalf("want a TransportError wrapping context.Canceled, got %v", err)
		}
	case <-time.After(30 * time.Second): // a liveness guard, not a timing claim
		t.Fatal("Do did not return after cancel: the backoff ignored the context")
	}
	if n := srv.Hits.Load(); n != 1 {
		t.Fatalf("want 1 attempt, got %d", n)
	}
}

// TestNetworkErrorsRetried: a dropped connection is retried (default 2
// retries, so 3 attempts), each reported to the observer with its error.
func TestNetworkErrorsRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	var rec clienttest.Recorder
	_, err := client.New(rec.Config(srv.URL)).Do(context.Background(), call())
	var te *client.TransportError
	if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "test.Op: ") {
		t.Fatalf("want a TransportError naming the op, got %v", err)
	}
	if hits.Load() != 3 || len(rec.Exchanges) != 3 {
		t.Fatalf("want 3 attempts observed, got %d hits, %d exchanges", hits.Load(), len(rec.Exchanges))
	}
	for i, ex := range rec.Exchanges {
		if ex.Attempt != i+1 || ex.Response != nil || ex.Error == "" {
			t.Errorf("exchange %d: %+v", i, ex)
		}
	}
}

// TestRetriesConfigurable: Retries -1 disables retries; 5 allows six attempts.
func TestRetriesConfigurable(t *testing.T) {
	for retries, want := range map[int]int32{-1: 1, 1: 2, 5: 6} {
		srv := clienttest.NewServer(t, clienttest.Reply{Status: 500, Body: []byte(`{}`)})
		cfg := client.Config{BaseURL: srv.URL, Retries: retries, RetryWait: time.Millisecond, RetryMaxWait: time.Millisecond}
		reply, err := client.New(cfg).Do(context.Background(), call())
		if err != nil || reply.Status != 500 {
			t.Fatalf("retries %d: %v %v", retries, reply, err)
		}
		if got := srv.Hits.Load(); got != want {
			t.Errorf("retries %d: %d attempts, want %d", retries, got, want)
		}
	}
}

// TestTimeoutIsTransportError: an attempt that outlives Timeout fails with
// a TransportError after the retries.
func TestTimeoutIsTransportError(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	cfg := client.Config{BaseURL: srv.URL, Timeout: 20 * time.Millisecond, Retries: 1, RetryWait: time.Millisecond, RetryMaxWait: time.Millisecond}
	var n atomic.Int32
	cfg.Observer = func(client.Exchange) { n.Add(1) }
	_, err := client.New(cfg).Do(context.Background(), call())
	var te *client.TransportError
	var ne net.Error
	if !errors.As(err, &te) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a timeout TransportError, got %v", err)
	}
	if n.Load() != 2 {
		t.Fatalf("want the timeout retried once (2 attempts), got %d", n.Load())
	}
}

// TestRedaction: the observer never sees a secret, whatever the header's case.
func TestRedaction(t *testing.T) {
	h := http.Header{
		"x-api-key":     {"k"},
		"X-Api-Key":     {"k"},
		"Authorization": {"Bearer t"},
		"authorization": {"Basic dTo="},
		"Cookie":        {"c"},
		"x-card-id":     {"card"},
	}
	got := client.Redact(h)
	want := http.Header{
		"x-api-key": {"***"}, "X-Api-Key": {"***"}, "Authorization": {"Bearer ***"}, "authorization": {"Basic ***"},
		"Cookie": {"***"}, "x-card-id": {"card"},
	}
	for k, v := range want {
		if got[k][0] != v[0] {
			t.Errorf("%s: got %q, want %q", k, got[k][0], v[0])
		}
	}
	//lint:ignore SA1008 the seeds' headers go verbatim in lower case: that is what is tested
	if h["x-api-key"][0] != "k" {
		t.Error("Redact changed its input")
	}
}

// TestCurlQuoting: a single quote in a body survives the shell.
func TestCurlQuoting(t *testing.T) {
	ex := client.Exchange{Request: client.Request{Method: "POST", URL: "http://h/x", Body: []byte(`{"name":"O'Brien"}`)}}
	got := client.Curl(ex, client.CurlOptions{Reveal: true})
	if !strings.Contains(got, `"name": "O'\''Brien"`) {
		t.Errorf("quote not escaped:\n%s", got)
	}
}

// TestCurlRevealsURLPassword: a profile URL's password is a secret like a
// key: "***" in the exchange and the default cURL, the real one only when
// the user asks for secrets.
func TestCurlRevealsURLPassword(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: []byte(`{}`)})
	base := strings.Replace(srv.URL, "http://", "http://tester:s3cret@", 1)
	var rec clienttest.Recorder
	if _, err := client.New(rec.Config(base)).Do(context.Background(), call()); err != nil {
		t.Fatal(err)
	}
	ex := rec.Exchanges[0]
	for name, text := range map[string]string{"exchange": ex.Request.URL, "cURL": client.Curl(ex, client.CurlOptions{})} {
		if strings.Contains(text, "s3cret") || !strings.Contains(text, "tester:") {
			t.Errorf("%s: want the password redacted and the user kept, got %s", name, text)
		}
	}
	if got := client.Curl(ex, client.CurlOptions{Reveal: true}); !strings.Contains(got, "tester:s3cret@") {
		t.Errorf("revealed cURL lacks the URL's password:\n%s", got)
	}
}

// TestUserAgentAndAccept are set explicitly on every attempt.
func TestUserAgentAndAccept(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 503, Body: []byte(`{}`)})
	var rec clienttest.Recorder
	cfg := rec.Config(srv.URL)
	cfg.Version = "1.2.3"
	client.New(cfg).Do(context.Background(), call())
	for _, ex := range rec.Exchanges {
		h := ex.Request.Header
		if h.Get("User-Agent") != "walletsim/1.2.3" || h.Get("Accept") != "application/json" || h.Get("Content-Type") != "application/json" {
			t.Errorf("attempt %d headers: %v", ex.Attempt, h)
		}
	}
}

// TestVirtualBackoff: on a virtual clock the backoff moves the clock by
// exactly the exponential wait (no jitter, so runs are reproducible) and
// takes no real time.
func TestVirtualBackoff(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 503, Body: []byte(`{}`)})
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	clk := clock.NewManual(t0)
	var started []time.Time
	cfg := client.Config{BaseURL: srv.URL, Retries: 4, RetryWait: 200 * time.Millisecond, RetryMaxWait: time.Second,
		Clock: clk, Observer: func(ex client.Exchange) { started = append(started, ex.Started) }}
	reply, err := client.New(cfg).Do(context.Background(), call())
	if err != nil || reply.Status != 503 {
		t.Fatalf("Do = %v, %v", reply, err)
	}
	want := []time.Duration{0, 200 * time.Millisecond, 600 * time.Millisecond, 1400 * time.Millisecond, 2400 * time.Millisecond}
	if len(started) != len(want) {
		t.Fatalf("%d attempts, want %d", len(started), len(want))
	}
	for i, at := range started {
		if got := at.Sub(t0); got != want[i] {
			t.Errorf("attempt %d started at +%v, want +%v", i+1, got, want[i])
		}
	}
}
