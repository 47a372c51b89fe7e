package sandbox_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// noOutbox is a store with no webhook outbox: the Store interface only.
type noOutbox struct{ store.Store }

// TestRealClockNeedsOutbox: on a real clock every webhook event goes
// through the store's outbox, so a store without one is refused, by
// Validate and by Start, with the field and the reason named; on a
// virtual clock (no relay: deliveries are made before the answer) it is
// fine, and so are the stores that have one.
func TestRealClockNeedsOutbox(t *testing.T) {
	bare := noOutbox{store.NewMemory(store.Limits{})}
	virtual := clock.NewManual(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		name    string
		cfg     sandbox.Config
		refused bool
	}{
		{"real clock, no outbox", sandbox.Config{Store: bare}, true},
		{"explicit real clock, no outbox", sandbox.Config{Store: bare, Clock: clock.Real}, true},
		{"virtual clock, no outbox", sandbox.Config{Store: bare, Clock: virtual}, false},
		{"real clock, memory store", sandbox.Config{Store: store.NewMemory(store.Limits{})}, false},
		{"real clock, store with an outbox", sandbox.Config{Store: sharedOn(store.NewMemory(store.Limits{}))}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			var ce *sandbox.ConfigError
			if got := errors.As(err, &ce); got != tc.refused {
				t.Fatalf("Validate: %v, want refused %v", err, tc.refused)
			}
			if tc.refused && (ce.Field != "Store" || !strings.Contains(ce.Error(), "no webhook outbox")) {
				t.Errorf("Validate: %v, want the Store named and the outbox missing", ce)
			}
			srv, err := sandbox.Start("127.0.0.1:0", tc.cfg)
			if err == nil {
				srv.Close()
			}
			if got := errors.As(err, &ce); got != tc.refused {
				t.Fatalf("Start: %v, want refused %v", err, tc.refused)
			}
			if tc.refused && ce.Field != "Store" {
				t.Errorf("Start: %v, want the Store named", ce)
			}
		})
	}
}

// TestNoOutboxRecordsUndelivered: New has no error to return, so a sandbox
// made anyway with a real clock and a store without an outbox says, in
// each event's delivery record, why it was not delivered — it is never
// sent some other way.
func TestNoOutboxRecordsUndelivered(t *testing.T) {
	rcv := newReceiver(t, hmacKey)
	e := newEnv(t, func(c *sandbox.Config) {
		c.WebhookURL, c.Clock, c.Store = rcv.URL+wallet.EventPath, clock.Real, noOutbox{store.NewMemory(store.Limits{})}
	})
	c := card(t, testcards.Mastercard, testcards.Decoupled)
	e.enroll(c, issuing.SMS)
	e.authenticate("p1", purchase(c, threeds.Decoupled))
	_, body := e.do("GET", "/sandbox/webhook/deliveries", nil, "")
	if !strings.Contains(body, `"delivered":false`) || !strings.Contains(body, "no webhook outbox") {
		t.Fatalf("deliveries: %s", body)
	}
}
