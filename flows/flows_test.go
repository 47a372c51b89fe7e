package flows_test

import (
	"context"
	"errors"
	"net/http/httptest"
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

// recorder collects a session's events.
type recorder struct {
	mu     sync.Mutex
	events []flows.Event
}

func (r *recorder) sink(e flows.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) kinds(flow, step string) []flows.Kind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []flows.Kind
	for _, e := range r.events {
		if e.Flow == flow && e.Step == step {
			out = append(out, e.Kind)
		}
	}
	return out
}

// open opens a session on a sandbox behind an ordinary httptest server, as
// it would on any target with URLs: flows needs no embedded sandbox. The
// wallet's listener takes the sandbox's webhooks on a loopback port.
func open(t *testing.T) (*flows.Session, *recorder) {
	t.Helper()
	rec := &recorder{}
	sb := sandbox.New(sandbox.Config{})
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	sb.SetBaseURL(srv.URL)
	target := flows.SandboxTarget()
	target.IssuingURL, target.ThreeDSURL, target.WalletURL = srv.URL, srv.URL, srv.URL
	s, err := flows.Open(context.Background(), target, flows.Options{Sink: rec.sink, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	sb.SetWebhook(s.WebhookURL(), []byte(target.HMACKey))
	return s, rec
}

// TestOpenNeedsURLs: the embedded sandbox is started by flows/embedded;
// flows alone refuses a target it cannot reach.
func TestOpenNeedsURLs(t *testing.T) {
	_, err := flows.Open(context.Background(), flows.SandboxTarget(), flows.Options{})
	if !errors.Is(err, flows.ErrNoURLs) {
		t.Fatalf("Open without URLs = %v", err)
	}
}

func testCard(t *testing.T, o testcards.Outcome) (testcards.Card, flows.Card) {
	for _, c := range testcards.All {
		if c.Scheme == testcards.Visa && c.Outcome == o {
			return c, flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: c.CardID, CustomerID: testcards.CustomerID}
		}
	}
	t.Fatal("no card")
	return testcards.Card{}, flows.Card{}
}

func purchaseOf(c testcards.Card, ch threeds.Channel) flows.PurchaseInput {
	return flows.PurchaseInput{Amount: 4999, Currency: "SAR", Number: c.PAN, Month: 12, Year: 2030, Channel: ch}
}

func TestBrowserChallengeFlow(t *testing.T) {
	ctx := context.Background()
	s, rec := open(t)
	tc, card := testCard(t, testcards.Challenge)
	en := s.Enrollment(card)
	if r := en.Enroll(ctx, issuing.SMS); !r.OK {
		t.Fatal(r)
	}
	if r := en.View(ctx); !r.OK || r.Destination != "+966******001" {
		t.Fatal(r)
	}
	p := s.Purchase(purchaseOf(tc, threeds.Browser))
	if r := p.Start(ctx); r.TransStatus != "C" || p.State() != flows.PurchaseChallenge {
		t.Fatalf("start: %v, state %s", r, p.State())
	}
	if r := p.ReadChallenge(ctx); !r.OK || r.Amount.String() != "SAR 49.99" {
		t.Fatal(r)
	}
	if r := p.Submit(ctx, "000000"); r.TransStatus != "C" || r.AttemptsLeft == nil || *r.AttemptsLeft != 2 {
		t.Fatalf("wrong code: %v", r)
	}
	msg, r := p.CodeFromInbox(ctx, card.CardholderID)
	if !r.OK || msg.Code == "" {
		t.Fatal(r)
	}
	if r := p.Submit(ctx, msg.Code); r.TransStatus != "Y" || p.State() != flows.PurchaseDone {
		t.Fatalf("right code: %v", r)
	}
	final := p.Result(ctx)
	if final.TransStatus != "Y" || final.ECI != "05" || len(final.CAVV) != 28 {
		t.Fatalf("final: %+v", final)
	}
	want := []flows.Kind{flows.StepStarted, flows.Exchanged, flows.Exchanged, flows.Finished}
	if got := rec.kinds(flows.FlowPurchase, "authenticate"); !equalKinds(got, want) {
		t.Errorf("authenticate events %v, want %v (create + authenticate)", got, want)
	}
}

func equalKinds(a, b []flows.Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func decoupled(t *testing.T, d flows.Decision) (flows.Result, flows.Result) {
	ctx := context.Background()
	s, _ := open(t)
	tc, card := testCard(t, testcards.Decoupled)
	if r := s.Enrollment(card).Enroll(ctx, issuing.Email); !r.OK {
		t.Fatal(r)
	}
	p := s.Purchase(purchaseOf(tc, threeds.Decoupled))
	if r := p.Start(ctx); r.TransStatus != "D" {
		t.Fatal(r)
	}
	w := s.Wallet()
	pending, r := w.Next(ctx)
	if !r.OK || pending.Event.LastFourDigits != "0044" || pending.Amount() != "SAR 49.99" || pending.TimeLeft(time.Now()) <= 0 {
		t.Fatalf("next: %v %+v", r, pending)
	}
	decided := w.Decide(ctx, pending, d)
	return decided, p.Await(ctx, 10*time.Millisecond)
}

func TestDecoupledApprove(t *testing.T) {
	dec, final := decoupled(t, flows.Decision{Status: wallet.Verified})
	if !dec.OK || final.TransStatus != "Y" || final.ECI != "05" || final.CAVV == "" {
		t.Fatalf("%v / %+v", dec, final)
	}
}

func TestDecoupledReject(t *testing.T) {
	_, final := decoupled(t, flows.Decision{Status: wallet.Rejected})
	if final.TransStatus != "N" || final.OK || final.ECI != "" {
		t.Fatalf("%+v", final)
	}
}

func TestDecoupledFailedExpired(t *testing.T) {
	_, final := decoupled(t, flows.Expired)
	if final.TransStatus != "U" || final.FailureReason != "3DS authentication request has expired." {
		t.Fatalf("%+v", final)
	}
}

// TestErrorsAreResults: an API error is a readable result, never a crash.
func TestErrorsAreResults(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	_, card := testCard(t, testcards.Challenge)
	r := s.Enrollment(card).Unenroll(ctx)
	if r.OK || r.HTTPStatus != 400 || !strings.Contains(r.Summary, "Card is not enrolled in 3DS.") {
		t.Fatalf("%+v", r)
	}
	p := s.Purchase(flows.PurchaseInput{Amount: 100, Number: "4111111111111112", Month: 13, Year: 2030})
	r = p.Start(ctx)
	if r.OK || len(r.FieldErrors) != 2 || p.State() != flows.PurchaseFailed {
		t.Fatalf("%+v", r)
	}
	tc, _ := testCard(t, testcards.Fault503)
	r = s.Purchase(purchaseOf(tc, threeds.Browser)).Start(ctx)
	if r.HTTPStatus != 503 || !strings.Contains(r.Summary, "HTTP 503") {
		t.Fatalf("%+v", r)
	}
}

// TestCancel: a cancelled wait ends at once as a cancelled result.
func TestCancel(t *testing.T) {
	s, _ := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan flows.Result)
	go func() {
		_, r := s.Wallet().Next(ctx)
		done <- r
	}()
	cancel()
	select {
	case r := <-done:
		if !r.Cancelled || !errors.Is(r.Err, context.Canceled) {
			t.Fatalf("%+v", r)
		}
	case <-time.After(10 * time.Second): // liveness guard
		t.Fatal("Next ignored the cancellation")
	}
}
