package flows_test

import (
	"bytes"
	"context"
	"net/http"
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
	l, err := flows.Listen("127.0.0.1:0", key, func(_ client.Exchange, note string) {
		mu.Lock()
		notes = append(notes, note)
		mu.Unlock()
	})
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
