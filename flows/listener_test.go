package flows_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
)

// TestListenerRefusesBadSignatures: only events signed with the key reach
// the wallet; forged, tampered or unsigned ones are refused with 401, and a
// redelivery is accepted without reaching the wallet twice.
func TestListenerRefusesBadSignatures(t *testing.T) {
	key := []byte("the-hmac-key")
	var mu sync.Mutex
	var notes []string
	l, err := flows.Listen("127.0.0.1:0", flows.ListenerConfig{HMACKey: key, Report: func(_ client.Exchange, note string) {
		mu.Lock()
		notes = append(notes, note)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	event := []byte(`{"id":"ev-1","walletOperationId":"op","auth3dsId":"a-1","customerId":"c","cardId":"k","amount":100,"currency":"SAR"}`)
	post := func(body []byte, sig string) int {
		req, _ := http.NewRequest("POST", l.URL(), bytes.NewReader(body))
		if sig != "" {
			req.Header.Set(wallet.SignatureHeader, sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for name, tc := range map[string]struct {
		body []byte
		sig  string
	}{
		"unsigned":  {event, ""},
		"wrong key": {event, wallet.Sign([]byte("other"), event)},
		"tampered":  {bytes.Replace(event, []byte("100"), []byte("999"), 1), wallet.Sign(key, event)},
	} {
		if status := post(tc.body, tc.sig); status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, status)
		}
	}
	if status := post(event, wallet.Sign(key, event)); status != 200 {
		t.Fatalf("a good event: %d", status)
	}
	if status := post(event, wallet.Sign(key, event)); status != 200 {
		t.Fatalf("a redelivery: %d", status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // liveness guard
	defer cancel()
	if ev, err := l.Take(ctx, flows.Match{}); err != nil || ev.Auth3dsID != "a-1" {
		t.Fatalf("the good event never reached the wallet: %+v %v", ev, err)
	}
	if l.Mark() != 1 {
		t.Fatalf("the redelivery reached the wallet again: %d events queued in all", l.Mark())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notes) != 5 || notes[0][:7] != "refused" || notes[4][:14] != "accepted again" {
		t.Fatalf("%q", notes)
	}
}

// TestListenerNeedsAKey: without an HMAC key the listener does not start,
// and a session on a profile with webhook_listen but no key says which
// profile and which variable.
func TestListenerNeedsAKey(t *testing.T) {
	if _, err := flows.Listen("127.0.0.1:0", flows.ListenerConfig{}); !errors.Is(err, flows.ErrNoHMACKey) {
		t.Fatalf("Listen without a key: %v", err)
	}
	if _, err := flows.NewListener(flows.ListenerConfig{HMACKey: []byte{}}); !errors.Is(err, flows.ErrNoHMACKey) {
		t.Fatalf("NewListener with an empty key: %v", err)
	}
	target := flows.Target{Name: "staging", IssuingURL: "http://i", ThreeDSURL: "http://t", WalletURL: "http://w",
		WebhookListen: "127.0.0.1:0", HMACKeyVar: "STAGING_HMAC_KEY"}
	_, err := flows.Open(context.Background(), target, flows.Options{})
	if !errors.Is(err, flows.ErrNoHMACKey) || !strings.Contains(err.Error(), "profile staging") || !strings.Contains(err.Error(), "$STAGING_HMAC_KEY") {
		t.Fatalf("Open: %v", err)
	}
	target.HMACKeyVar = ""
	if _, err := flows.Open(context.Background(), target, flows.Options{}); err == nil || !strings.Contains(err.Error(), "secrets.hmac_key") {
		t.Fatalf("Open without a variable: %v", err)
	}
}

// deliver posts body signed with key to l's handler and returns the status.
func deliver(l http.Handler, key, body []byte) int {
	r := httptest.NewRequest("POST", wallet.EventPath, bytes.NewReader(body))
	r.Header.Set(wallet.SignatureHeader, wallet.Sign(key, body))
	w := httptest.NewRecorder()
	l.ServeHTTP(w, r)
	return w.Code
}

// TestListenerWindowAndReplay: on the listener's (virtual) clock, an event
// older than the tolerance is refused with 400; a replay of an accepted
// event is acknowledged and not acted on again, even after the wallet took
// the first.
func TestListenerWindowAndReplay(t *testing.T) {
	key := []byte("the-hmac-key")
	c := flows.NewManualClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	var notes []string
	l, err := flows.NewListener(flows.ListenerConfig{HMACKey: key, Clock: c, Tolerance: time.Minute,
		Report: func(_ client.Exchange, note string) { notes = append(notes, note) }})
	if err != nil {
		t.Fatal(err)
	}
	at := func(id, ts string) []byte {
		return []byte(`{"id":"` + id + `","walletOperationId":"op","auth3dsId":"a-` + id + `","customerId":"c","cardId":"k","amount":100,"timestamp":"` + ts + `"}`)
	}
	if got := deliver(l, key, at("old", "2026-01-01T08:58:59Z")); got != 400 {
		t.Fatalf("61s old with a 1m window: %d", got)
	}
	fresh := at("fresh", "2026-01-01T08:59:30Z")
	if got := deliver(l, key, fresh); got != 200 {
		t.Fatalf("30s old: %d", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // liveness guard
	defer cancel()
	if _, err := l.Take(ctx, flows.Match{}); err != nil {
		t.Fatal(err)
	}
	if got := deliver(l, key, fresh); got != 200 {
		t.Fatalf("a replay: %d", got)
	}
	if l.Mark() != 1 {
		t.Fatalf("the replay was queued again: %d", l.Mark())
	}
	if !strings.Contains(notes[0], "outside the tolerance window") || !strings.Contains(notes[2], "not acted on twice") {
		t.Fatalf("%q", notes)
	}
	// Later, the same replay is stale: refused by the window, not by memory.
	c.Advance(2 * time.Minute)
	if got := deliver(l, key, fresh); got != 400 {
		t.Fatalf("a replay after the window: %d", got)
	}
}

func TestListenWarning(t *testing.T) {
	for addr, warn := range map[string]bool{
		"127.0.0.1:8787": false, "[::1]:8787": false, "localhost:8787": false,
		":8787": true, "0.0.0.0:8787": true, "192.168.1.5:8787": true, "[::]:8787": true,
	} {
		if got := flows.ListenWarning(addr); (got != "") != warn || warn && !strings.Contains(got, addr) {
			t.Errorf("%s: %q", addr, got)
		}
	}
}
