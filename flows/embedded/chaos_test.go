package embedded_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/embedded"
)

// notes collects what the wallet's listener said of each delivery, and
// lets a test wait until it has said something.
type notes struct {
	mu      sync.Mutex
	said    []string
	changed chan struct{}
}

func newNotes() *notes { return &notes{changed: make(chan struct{})} }

func (n *notes) sink(ev flows.Event) {
	if ev.Kind != flows.Received || ev.Flow != flows.FlowWallet {
		return
	}
	n.mu.Lock()
	n.said = append(n.said, ev.Note)
	close(n.changed)
	n.changed = make(chan struct{})
	n.mu.Unlock()
}

// waitFor waits until a note starts with each prefix, in order.
func (n *notes) waitFor(t *testing.T, prefixes ...string) []string {
	t.Helper()
	guard := time.After(10 * time.Second) // liveness guard
	for {
		n.mu.Lock()
		said, changed := append([]string(nil), n.said...), n.changed
		n.mu.Unlock()
		if hasInOrder(said, prefixes) {
			return said
		}
		select {
		case <-changed:
		case <-guard:
			t.Fatalf("the listener said %q, want %q in order", said, prefixes)
		}
	}
}

func hasInOrder(said, prefixes []string) bool {
	i := 0
	for _, s := range said {
		if i < len(prefixes) && strings.HasPrefix(s, prefixes[i]) {
			i++
		}
	}
	return i == len(prefixes)
}

// chaosSession opens the embedded sandbox on a virtual clock with the
// Visa decoupled card enrolled.
func chaosSession(t *testing.T, tolerance ...time.Duration) (*flows.Session, *notes, testcards.Card) {
	t.Helper()
	n := newNotes()
	target := flows.SandboxTarget()
	for _, d := range tolerance {
		target.WebhookTolerance = d
	}
	s, err := embedded.Open(context.Background(), target, flows.Options{
		Clock: flows.NewManualClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)), NewID: flows.SeededIDs(), Sink: n.sink})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	tc, c := card(testcards.Decoupled)
	if r := s.Enrollment(c).Enroll(context.Background(), issuing.SMS); !r.OK {
		t.Fatal(r)
	}
	return s, n, tc
}

// buy starts a decoupled purchase whose webhook misbehaves as spec says.
func buy(t *testing.T, s *flows.Session, tc testcards.Card, amount int64, spec string) *flows.PurchaseFlow {
	t.Helper()
	s.SetOverrides(flows.Overrides{Fault: spec})
	defer s.SetOverrides(flows.Overrides{})
	p := s.Purchase(flows.PurchaseInput{Amount: amount, Currency: "SAR", Number: tc.PAN, Month: 12, Year: 2030, Channel: threeds.Decoupled})
	if r := p.Start(context.Background()); r.TransStatus != "D" {
		t.Fatal(r)
	}
	return p
}

// answer takes p's request and answers it with status.
func answer(t *testing.T, s *flows.Session, p *flows.PurchaseFlow, status wallet.Status) wallet.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // liveness guard
	defer cancel()
	w := s.Wallet()
	pending, r := w.For(ctx, p.Match())
	if !r.OK {
		t.Fatal(r)
	}
	if r := w.Decide(ctx, pending, flows.Decision{Status: status}); !r.OK || r.Status != string(status) {
		t.Fatal(r)
	}
	return pending.Event
}

// TestChaosDuplicateActedOnOnce: the repeat is acknowledged, and the wallet
// queued one request in all.
func TestChaosDuplicateActedOnOnce(t *testing.T) {
	s, n, tc := chaosSession(t)
	p := buy(t, s, tc, 5000, "webhook=duplicate")
	answer(t, s, p, wallet.Verified)
	n.waitFor(t, "accepted:", "accepted again:")
	if got := s.RequestMark(); got != 1 {
		t.Fatalf("the wallet queued %d requests, want 1", got)
	}
}

// TestChaosCorruptRefusedThenAccepted: the forged-looking delivery is
// refused, the redelivery answered.
func TestChaosCorruptRefusedThenAccepted(t *testing.T) {
	s, n, tc := chaosSession(t)
	p := buy(t, s, tc, 3000, "webhook=corrupt")
	answer(t, s, p, wallet.Rejected)
	said := n.waitFor(t, "refused: the Signature header does not match", "accepted:")
	if r := p.Result(context.Background()); r.TransStatus != "N" {
		t.Fatalf("%v (listener: %q)", r, said)
	}
}

// TestChaosReorderEachToItsPurchase: the first purchase's event arrives
// after the second's; each wallet answer goes to its own purchase.
func TestChaosReorderEachToItsPurchase(t *testing.T) {
	s, _, tc := chaosSession(t)
	first := buy(t, s, tc, 1000, "webhook=reorder")
	second := buy(t, s, tc, 2000, "")
	if ev := answer(t, s, first, wallet.Verified); ev.Amount != 1000 {
		t.Fatalf("the first purchase's answer went to %+v", ev)
	}
	if ev := answer(t, s, second, wallet.Rejected); ev.Amount != 2000 {
		t.Fatalf("the second purchase's answer went to %+v", ev)
	}
	ctx := context.Background()
	if a, b := first.Result(ctx), second.Result(ctx); a.TransStatus != "Y" || b.TransStatus != "N" {
		t.Fatalf("first %s, second %s", a.TransStatus, b.TransStatus)
	}
}

// TestChaosDropRedelivered and TestChaosRotateAccepted: the wallet gets
// the redelivery of a lost event, and a doubly signed one.
func TestChaosDropAndRotate(t *testing.T) {
	for spec, prefixes := range map[string][]string{
		"webhook=drop":        {"accepted:"},
		"webhook=rotate":      {"accepted:"},
		"webhook=delay:4m":    {"accepted:"},
		"webhook=delay:4m59s": {"accepted:"},
	} {
		t.Run(spec, func(t *testing.T) {
			s, n, tc := chaosSession(t)
			p := buy(t, s, tc, 4200, spec)
			answer(t, s, p, wallet.Verified)
			if said := n.waitFor(t, prefixes...); len(said) != 1 {
				t.Fatalf("%q", said)
			}
		})
	}
}

// TestChaosStaleRefused: delayed past the listener's window (1m here),
// the event is refused as stale and never reaches the wallet.
func TestChaosStaleRefused(t *testing.T) {
	s, n, tc := chaosSession(t, time.Minute)
	buy(t, s, tc, 4200, "webhook=delay:2m")
	n.waitFor(t, "refused: the event's timestamp is outside the tolerance window")
	if got := s.RequestMark(); got != 0 {
		t.Fatalf("a stale event reached the wallet: %d", got)
	}
}
