package flows_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
)

// holdPoll is a handler hook: once armed, it holds the next status poll
// (GET of an authentication) in the handler until released, so that a test
// can move the clock while the poll is in flight.
type holdPoll struct {
	next    http.Handler
	mu      sync.Mutex
	armed   bool
	held    chan struct{} // closed when the poll is in the handler
	release chan struct{} // closed to let it go on
}

func (h *holdPoll) arm() {
	h.mu.Lock()
	h.armed, h.held, h.release = true, make(chan struct{}), make(chan struct{})
	h.mu.Unlock()
}

func (h *holdPoll) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	hold := h.armed && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/3ds/")
	held, release := h.held, h.release
	if hold {
		h.armed = false
	}
	h.mu.Unlock()
	if hold {
		close(held)
		<-release
	}
	h.next.ServeHTTP(w, r)
}

// openOnManualClock opens a session as flows/embedded does (the sandbox in
// memory, on a virtual clock, no retries: as the TUI's test harness), with
// hook between the clients and the sandbox's handler.
func openOnManualClock(t *testing.T) (*flows.Session, *flows.ManualClock, *holdPoll) {
	t.Helper()
	clk := flows.NewManualClock(time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC))
	target := flows.SandboxTarget()
	listener := flows.NewListener([]byte(target.HMACKey), nil)
	sb := sandbox.New(sandbox.Config{Clock: clk, Expiry: target.RequestExpiry,
		WebhookURL: "http://wallet" + wallet.EventPath, HMACKey: []byte(target.HMACKey),
		WebhookTransport: sandbox.HandlerTransport(listener), WebhookBackoff: time.Millisecond})
	t.Cleanup(sb.Close)
	sb.SetBaseURL("http://sandbox")
	hook := &holdPoll{next: sb.Handler()}
	target.IssuingURL, target.ThreeDSURL, target.WalletURL, target.WebhookListen = "http://sandbox", "http://sandbox", "http://sandbox", ""
	s, err := flows.Open(context.Background(), target, flows.Options{Clock: clk, Retries: -1,
		Transport: sandbox.HandlerTransport(hook), Listener: listener})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, clk, hook
}

// TestAwaitOutlivesATimedOutPoll: the test clock moved while a status poll
// is in flight takes that poll past its own timeout (15 s on the virtual
// clock) — the race behind a flaky TestSaveTwoDecoupledAndAnExpiry. A poll
// is idempotent: the wait polls again and ends as the request really ends,
// whether the clock stayed before the request's deadline (the wallet then
// approves) or went past it (the request expired).
func TestAwaitOutlivesATimedOutPoll(t *testing.T) {
	for _, tc := range []struct {
		name    string
		shift   time.Duration
		approve bool
		want    string
	}{
		{"before the request's deadline", 4*time.Minute + 50*time.Second, true, "Y"},
		{"past the request's deadline", 5*time.Minute + time.Second, false, "U"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, clk, hook := openOnManualClock(t)
			c, card := testCard(t, testcards.Decoupled)
			if r := s.Enrollment(card).Enroll(ctx, issuing.Email); !r.OK {
				t.Fatal(r)
			}
			p := s.Purchase(purchaseOf(c, threeds.Decoupled))
			if r := p.Start(ctx); r.TransStatus != "D" {
				t.Fatal(r)
			}
			w := s.Wallet()
			pending, r := w.Next(ctx)
			if !r.OK {
				t.Fatal(r)
			}
			hook.arm()
			done := make(chan flows.Result, 1)
			go func() { done <- p.Await(ctx, time.Millisecond) }()
			<-hook.held
			clk.Advance(tc.shift) // past the poll's timeout
			if tc.approve {
				if r := w.Decide(ctx, pending, flows.Decision{Status: wallet.Verified}); !r.OK {
					t.Fatal(r)
				}
			}
			close(hook.release)
			final := <-done
			if final.Err != nil || final.TransStatus != tc.want {
				t.Fatalf("the wait ended as %q (%v), want transStatus %s", final.Summary, final.Err, tc.want)
			}
		})
	}
}
