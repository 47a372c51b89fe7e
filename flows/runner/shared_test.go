package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
)

// freeAddr is a loopback address nothing listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// standalone starts a standalone sandbox whose webhooks go to listen, and
// a profile-like target on it with that one webhook_listen address.
func standalone(t *testing.T, faults ...string) flows.Target {
	t.Helper()
	var f fault.Spec
	for _, spec := range faults {
		var err error
		if f, err = fault.Parse(spec); err != nil {
			t.Fatal(err)
		}
	}
	return standaloneWith(t, sandbox.Config{Faults: f})
}

// standaloneWith is standalone with cfg as the sandbox's configuration
// (its webhook URL and key set here).
func standaloneWith(t *testing.T, cfg sandbox.Config) flows.Target {
	t.Helper()
	const key = "shared-hmac-key"
	listen := freeAddr(t)
	cfg.WebhookURL, cfg.HMACKey = "http://"+listen+wallet.EventPath, []byte(key)
	srv, err := sandbox.Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	target := flows.SandboxTarget()
	target.Name, target.Sandbox = "standalone", false
	target.IssuingURL, target.ThreeDSURL, target.WalletURL = srv.URL, srv.URL, srv.URL
	target.WebhookListen, target.HMACKey = listen, key
	return target
}

// eachDecoupledCard is one decoupled purchase per decoupled test card,
// each with its own amount and decision, so that answering another's
// request shows in its result.
func eachDecoupledCard(t *testing.T) []scenario.Scenario {
	var scs []scenario.Scenario
	decisions := map[bool][2]string{true: {"VERIFIED", "Y"}, false: {"REJECTED", "N"}}
	i := 0
	for _, c := range testcards.All {
		if c.Outcome != testcards.Decoupled {
			continue
		}
		i++
		d := decisions[i%2 == 0]
		scs = append(scs, parse(t, fmt.Sprintf(`name: decoupled %d
card: {number: "%s", month: 12, year: 2030}
steps:
  - enroll: {otp: SMS}
  - authenticate: {amount: %d, currency: SAR, channel: decoupled}
    expect: {trans_status: D}
  - wallet: {decision: %s}
    expect: {status: 201}
  - result: {}
    expect: {trans_status: %s}
  - unenroll: {}
`, i, c.PAN, 1000+i, d[0], d[1])))
	}
	if len(scs) < 3 {
		t.Fatalf("only %d decoupled test cards", len(scs))
	}
	return scs
}

// TestParallelSharesOneWebhookListener: with --parallel and one
// webhook_listen address, one listener serves every scenario and each
// wallet step answers its own purchase's request.
//
// Every event's first delivery is corrupted: the refusals belong to no
// scenario and are written after them, under the listener's name.
func TestParallelSharesOneWebhookListener(t *testing.T) {
	target := standalone(t, "webhook=corrupt")
	scs := eachDecoupledCard(t)
	var transcript bytes.Buffer
	rep := runner.Run(context.Background(), scs, runner.Options{
		Resolve: func(string) (flows.Target, error) { return target, nil }, Profile: "standalone",
		Parallel: len(scs), Transcript: &transcript, Timeout: 5 * time.Second,
	})
	if rep.ExitCode() != 0 {
		var out bytes.Buffer
		runner.WriteSummary(&out, rep)
		t.Fatalf("exit %d:\n%s", rep.ExitCode(), out.String())
	}
	// Each scenario's transcript has its own webhook, and only its own.
	for _, line := range strings.Split(transcript.String(), "\n") {
		if !strings.Contains(line, `"op":"webhook.ThreeDSecureEvent"`) || !strings.Contains(line, `"scenario":"decoupled `) {
			continue
		}
		var n int
		fmt.Sscanf(line[strings.Index(line, `"scenario":"decoupled `)+len(`"scenario":"decoupled `):], "%d", &n)
		if !strings.Contains(line, fmt.Sprintf(`"amount":%d`, 1000+n)) {
			t.Errorf("scenario %d's transcript has another's webhook: %s", n, line)
		}
	}
	accepted, refused := 0, 0
	for _, line := range strings.Split(transcript.String(), "\n") {
		switch {
		case !strings.Contains(line, `"op":"webhook.ThreeDSecureEvent"`):
		case strings.Contains(line, `"scenario":"webhook listener `+target.WebhookListen+`"`) && strings.Contains(line, `"status":401`):
			refused++
		case strings.Contains(line, `"scenario":"decoupled `) && strings.Contains(line, `"status":200`):
			accepted++
		default:
			t.Errorf("a webhook line out of place: %s", line)
		}
	}
	if accepted != len(scs) || refused != len(scs) {
		t.Errorf("%d accepted and %d refused webhooks in the transcript, want %d of each", accepted, refused, len(scs))
	}
}

// TestTwoRunnersOneTarget: two people on one standalone sandbox, one
// webhook listener between them (the platform has one webhook URL). The
// other's SAR 999.99 request arrives first, on the same card; each wallet
// still answers its own purchase, and the other's stays pending for its
// owner.
func TestTwoRunnersOneTarget(t *testing.T) {
	target := standalone(t)
	l := sharedListener(t, target)
	open := func() *flows.Session {
		s, err := flows.Open(context.Background(), target, flows.Options{Listener: l})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	alice, bob := open(), open()
	var pan string
	for _, c := range testcards.All {
		if c.Outcome == testcards.Decoupled && c.Scheme == testcards.Visa {
			pan = c.PAN
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // liveness guard
	defer cancel()
	card := flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CustomerID: testcards.CustomerID}
	for _, c := range testcards.All {
		if c.PAN == pan {
			card.CardID = c.CardID
		}
	}
	// Each session has a workspace of its own on the standalone sandbox, so
	// each enrolls the card in its own world.
	for _, s := range []*flows.Session{alice, bob} {
		if r := s.Enrollment(card).Enroll(ctx, "SMS"); !r.OK {
			t.Fatal(r)
		}
	}
	buy := func(s *flows.Session, amount int64) *flows.PurchaseFlow {
		p := s.Purchase(flows.PurchaseInput{Amount: amount, Currency: "SAR", Number: pan, Month: 12, Year: 2030, Channel: "decoupled"})
		if r := p.Start(ctx); r.TransStatus != "D" {
			t.Fatal(r)
		}
		return p
	}
	bobs := buy(bob, 99999)
	for l.Mark() < 1 { // Bob's request is in the wallet's queue first
		if ctx.Err() != nil {
			t.Fatal("Bob's request never arrived")
		}
		runtime.Gosched()
	}
	alices := buy(alice, 1000)
	w := alice.Wallet()
	pending, r := w.For(ctx, alices.Match())
	if !r.OK || pending.Event.Amount != 1000 {
		t.Fatalf("Alice's wallet took %+v (%v)", pending.Event, r)
	}
	if r := w.Decide(ctx, pending, flows.Decision{Status: wallet.Verified}); !r.OK {
		t.Fatal(r)
	}
	if r := alices.Result(ctx); r.TransStatus != "Y" {
		t.Fatalf("Alice's purchase: %v", r)
	}
	// Bob's is untouched, and still his to answer.
	bw := bob.Wallet()
	bp, r := bw.For(ctx, bobs.Match())
	if !r.OK || bp.Event.Amount != 99999 {
		t.Fatalf("Bob's wallet took %+v (%v)", bp.Event, r)
	}
	if r := bw.Decide(ctx, bp, flows.Decision{Status: wallet.Rejected}); !r.OK {
		t.Fatal(r)
	}
	if r := bobs.Result(ctx); r.TransStatus != "N" {
		t.Fatalf("Bob's purchase: %v", r)
	}
}

// sharedListener is one webhook listener on target's webhook_listen for
// several sessions, as a --parallel run has.
func sharedListener(t *testing.T, target flows.Target) *flows.Listener {
	t.Helper()
	cfg := target.ListenerConfig(nil, nil)
	cfg.Shared = true
	l, err := flows.Listen(target.WebhookListen, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// gate holds the sandbox's webhook deliveries until the test lets each
// go: each one, as it is made, sends the channel that releases it.
type gate chan chan struct{}

func (g gate) RoundTrip(r *http.Request) (*http.Response, error) {
	release := make(chan struct{})
	select {
	case g <- release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	select {
	case <-release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestSameCardSameAmountOneListener: two sessions on one standalone
// sandbox share a webhook listener (as --parallel scenarios do) and buy
// the same amount on the same card, both before either request arrives;
// Bob's arrives first. The events cannot be told apart, but each
// workspace's webhook URL names it, so Alice's wallet takes her own
// request, not Bob's (which her workspace would not know: 404).
func TestSameCardSameAmountOneListener(t *testing.T) {
	g := make(gate)
	target := standaloneWith(t, sandbox.Config{WebhookTransport: g})
	l := sharedListener(t, target)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // liveness guard
	defer cancel()
	var c testcards.Card
	for _, tc := range testcards.All {
		if tc.Outcome == testcards.Decoupled && tc.Scheme == testcards.Visa {
			c = tc
		}
	}
	card := flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CustomerID: testcards.CustomerID, CardID: c.CardID}
	open := func() *flows.Session {
		s, err := flows.Open(ctx, target, flows.Options{Listener: l})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		if r := s.Enrollment(card).Enroll(ctx, "SMS"); !r.OK {
			t.Fatal(r)
		}
		return s
	}
	alice, bob := open(), open()
	buy := func(s *flows.Session) (*flows.PurchaseFlow, chan struct{}) {
		p := s.Purchase(flows.PurchaseInput{Amount: 1000, Currency: "SAR", Number: c.PAN, Month: 12, Year: 2030, Channel: "decoupled"})
		if r := p.Start(ctx); r.TransStatus != "D" {
			t.Fatal(r)
		}
		select {
		case release := <-g: // its request, held on the way
			return p, release
		case <-ctx.Done():
			t.Fatal("no webhook delivery")
		}
		return nil, nil
	}
	bobs, releaseBob := buy(bob)
	alices, releaseAlice := buy(alice)
	for n, release := range []chan struct{}{releaseBob, releaseAlice} {
		close(release)
		for l.Mark() < uint64(n+1) {
			if ctx.Err() != nil {
				t.Fatalf("request %d never reached the listener", n+1)
			}
			runtime.Gosched()
		}
	}
	for _, who := range []struct {
		name     string
		s        *flows.Session
		p        *flows.PurchaseFlow
		decision wallet.Status
		want     string
	}{{"Alice", alice, alices, wallet.Verified, "Y"}, {"Bob", bob, bobs, wallet.Rejected, "N"}} {
		w := who.s.Wallet()
		pending, r := w.For(ctx, who.p.Match())
		if !r.OK {
			t.Fatalf("%s's wallet: %v", who.name, r)
		}
		if r := w.Decide(ctx, pending, flows.Decision{Status: who.decision}); !r.OK {
			t.Fatalf("%s's wallet answered %s, another workspace's request: %v", who.name, pending.Event.Auth3dsID, r)
		}
		if r := who.p.Result(ctx); r.TransStatus != who.want {
			t.Fatalf("%s's purchase: %v", who.name, r)
		}
	}
}

// TestTranscriptRedactsURLPasswords: a profile whose URLs carry a
// password (https://user:PASS@host) runs, and its transcript never shows
// the password.
func TestTranscriptRedactsURLPasswords(t *testing.T) {
	target := standalone(t)
	for _, u := range []*string{&target.IssuingURL, &target.ThreeDSURL, &target.WalletURL} {
		*u = strings.Replace(*u, "http://", "http://qa:S3CRET-PASS@", 1)
	}
	target.WebhookListen = ""
	sc := parse(t, `name: frictionless
card: {number: "4000 0000 0000 0002", month: 12, year: 2030}
steps:
  - authenticate: {}
  - result: {}
    expect: {trans_status: Y}
`)
	var transcript bytes.Buffer
	rep := runner.Run(context.Background(), []scenario.Scenario{sc}, runner.Options{
		Resolve: func(string) (flows.Target, error) { return target, nil }, Profile: "standalone", Transcript: &transcript})
	if rep.ExitCode() != 0 {
		var out bytes.Buffer
		runner.WriteSummary(&out, rep)
		t.Fatalf("exit %d:\n%s", rep.ExitCode(), out.String())
	}
	if strings.Contains(transcript.String(), "S3CRET-PASS") || !strings.Contains(transcript.String(), "qa:***@") {
		t.Fatalf("transcript:\n%s", transcript.String())
	}
}
