package flows_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
)

// losePoll is a handler hook: once armed, it holds the next status poll
// (GET of an authentication) in the handler until released, so that a test
// can move the clock and act while the poll is in flight, and then gives it
// no answer: the poll hangs until its attempt's deadline on the virtual
// clock and the connection drops, as the sandbox's timeout fault does.
type losePoll struct {
	next    http.Handler
	clock   *flows.ManualClock
	mu      sync.Mutex
	armed   bool
	held    chan struct{} // closed when the poll is in the handler
	release chan struct{} // closed to let it time out
}

func (h *losePoll) arm() {
	h.mu.Lock()
	h.armed, h.held, h.release = true, make(chan struct{}), make(chan struct{})
	h.mu.Unlock()
}

func (h *losePoll) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	lose := h.armed && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/3ds/")
	held, release := h.held, h.release
	if lose {
		h.armed = false
	}
	h.mu.Unlock()
	if !lose {
		h.next.ServeHTTP(w, r)
		return
	}
	close(held)
	<-release
	clock.Hang(r.Context(), h.clock)
	panic(http.ErrAbortHandler)
}

// openOnManualClock opens a session as flows/embedded does (the sandbox in
// memory, on a virtual clock, no retries: as the TUI's test harness), with
// hook between the clients and the sandbox's handler.
func openOnManualClock(t *testing.T) (*flows.Session, *flows.ManualClock, *losePoll) {
	t.Helper()
	clk := flows.NewManualClock(time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC))
	target := flows.SandboxTarget()
	listener, err := flows.NewListener(target.ListenerConfig(clk, nil))
	if err != nil {
		t.Fatal(err)
	}
	sb := sandbox.New(sandbox.Config{Clock: clk, Expiry: target.RequestExpiry,
		WebhookURL: "http://wallet" + wallet.EventPath, HMACKey: []byte(target.HMACKey),
		WebhookTransport: sandbox.HandlerTransport(listener), WebhookBackoff: time.Millisecond})
	t.Cleanup(sb.Close)
	sb.SetBaseURL("http://sandbox")
	hook := &losePoll{next: sb.Handler(), clock: clk}
	target.IssuingURL, target.ThreeDSURL, target.WalletURL, target.WebhookListen = "http://sandbox", "http://sandbox", "http://sandbox", ""
	s, err := flows.Open(context.Background(), target, flows.Options{Clock: clk, Retries: -1,
		Transport: sandbox.HandlerTransport(hook), Listener: listener})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, clk, hook
}

// TestAwaitOutlivesALostPoll: a status poll that gets no answer (here it
// times out) does not end the merchant's wait: a poll is idempotent, and it
// is sent again while the pending request's own deadline had not passed
// when the lost poll was sent, so the wait ends as the request really
// does. The TUI's test clock pressed while a poll is in flight is one way
// to lose one on the virtual clock (the flaky
// TestSaveTwoDecoupledAndAnExpiry); a slow network is another. A poll lost
// after the deadline ends the wait with its error.
func TestAwaitOutlivesALostPoll(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, while time.Duration // clock moves before the poll, and while it is held
		approve       bool
		want          string // transStatus, or the summary of the error
	}{
		{"the clock still", 0, 0, true, "Y"},
		{"the test clock moved on", 0, 4*time.Minute + 50*time.Second, true, "Y"},
		{"the test clock moved past the request's deadline", 0, 5*time.Minute + time.Second, false, "U"},
		{"sent after the request's deadline", 5*time.Minute + time.Second, 0, false, "No answer in time: the request timed out."},
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
			clk.Advance(tc.before)
			hook.arm()
			done := make(chan flows.Result, 1)
			go func() { done <- p.Await(ctx, time.Millisecond) }()
			<-hook.held
			clk.Advance(tc.while)
			if tc.approve {
				if r := w.Decide(ctx, pending, flows.Decision{Status: wallet.Verified}); !r.OK {
					t.Fatal(r)
				}
			}
			close(hook.release)
			final := <-done
			got := final.TransStatus
			if final.Err != nil {
				got = final.Summary
			}
			if got != tc.want {
				t.Fatalf("the wait ended as %q (%v), want %q", got, final.Err, tc.want)
			}
		})
	}
}
