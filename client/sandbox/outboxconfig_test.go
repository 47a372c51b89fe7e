package sandbox_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
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
