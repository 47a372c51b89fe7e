package sandbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/fault"
)

// TestShutdownIsGraceful: a request that is merely slow finishes during
// shutdown; one held by the timeout fault is dropped, never answered with
// an empty 200.
func TestShutdownIsGraceful(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	send := func(spec string) chan error {
		done := make(chan error, 1)
		go func() {
			req, _ := http.NewRequest("GET", srv.URL+"/issuing/api/v1/card/3DS", nil)
			req.Header = issuingHeader("shutdown-" + spec)
			req.Header.Set(fault.Header, spec)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 400 || !strings.Contains(string(body), "not enrolled") {
					err = errors.New("unexpected answer: " + resp.Status + " " + string(body))
				}
			}
			done <- err
		}()
		return done
	}
	slow, hung := send("latency=300ms"), send("timeout")
	time.Sleep(100 * time.Millisecond) // both in flight
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	if err := <-slow; err != nil {
		t.Errorf("the slow request was cut: %v", err)
	}
	if err := <-hung; err == nil {
		t.Error("the held request got an answer")
	}
}

// TestUnspecifiedListenAddress: listening on every interface still gives
// a URL (and challenge_url) that a client can dial.
func TestUnspecifiedListenAddress(t *testing.T) {
	srv, err := sandbox.Start("0.0.0.0:0", sandbox.Config{})
	if err != nil {
		t.Skip("cannot listen on 0.0.0.0 here:", err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || srv.BaseURL() != srv.URL {
		t.Fatalf("URL %q, base %q", srv.URL, srv.BaseURL())
	}
	resp, err := http.Get(srv.URL + "/sandbox/cards")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
}

// TestWebhookConfigNeedsTheWalletToken when the sandbox requires one.
func TestWebhookConfigNeedsTheWalletToken(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.Require.WalletToken = "right" })
	body := `{"url":"http://127.0.0.1:1/x","hmac_key":"k"}`
	if s, _ := e.do("PUT", "/sandbox/webhook", http.Header{"Content-Type": {"application/json"}}, body); s != 401 {
		t.Fatalf("without the token: %d", s)
	}
	if s, b := e.do("PUT", "/sandbox/webhook", http.Header{"Authorization": {"Bearer right"}}, body); s != 200 {
		t.Fatalf("with it: %d %s", s, b)
	}
}

// TestIndex lists the seeds' endpoints and the extensions.
func TestIndex(t *testing.T) {
	idx := sandbox.New(sandbox.Config{}).Index()
	if len(idx.Endpoints) < 10 || !strings.Contains(idx.Endpoints["3ds server (seed 004)"], "/authenticate") {
		t.Fatalf("%+v", idx)
	}
}
