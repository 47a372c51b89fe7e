package embedded_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/embedded"
)

func card(o testcards.Outcome) (testcards.Card, flows.Card) {
	for _, c := range testcards.All {
		if c.Scheme == testcards.Visa && c.Outcome == o {
			return c, flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: c.CardID, CustomerID: testcards.CustomerID}
		}
	}
	panic("no card")
}

// sockets counts this process's open sockets (Linux).
func sockets(t *testing.T) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("counts sockets through /proc/self/fd")
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n
}

// TestDecoupledFlowOpensNoSocket: a whole decoupled journey on the embedded
// sandbox — enrollment, authentication, the signed webhook to the wallet,
// its verification, the final result — opens no socket: the clients and the
// webhook are served in memory.
func TestDecoupledFlowOpensNoSocket(t *testing.T) {
	before := sockets(t)
	ctx := context.Background()
	s, err := embedded.Open(ctx, flows.SandboxTarget(), flows.Options{Clock: flows.NewManualClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tc, c := card(testcards.Decoupled)
	if r := s.Enrollment(c).Enroll(ctx, issuing.SMS); !r.OK {
		t.Fatal(r)
	}
	p := s.Purchase(flows.PurchaseInput{Amount: 4999, Currency: "SAR", Number: tc.PAN, Month: 12, Year: 2030, Channel: threeds.Decoupled})
	if r := p.Start(ctx); r.TransStatus != "D" {
		t.Fatal(r)
	}
	w := s.Wallet()
	pending, r := w.Next(ctx)
	if !r.OK {
		t.Fatal(r)
	}
	if r := w.Decide(ctx, pending, flows.Decision{Status: wallet.Verified}); !r.OK {
		t.Fatal(r)
	}
	if r := p.Result(ctx); r.TransStatus != "Y" {
		t.Fatal(r)
	}
	if after := sockets(t); after != before {
		t.Errorf("%d sockets before the journey, %d after", before, after)
	}
	if got := s.Target.ThreeDSURL; got != embedded.SandboxURL {
		t.Errorf("ThreeDSURL = %q", got)
	}
}

// TestBrowsable: the challenge page, served in memory, is opened on a
// loopback port for a browser only when asked, and the port closes with
// the session.
func TestBrowsable(t *testing.T) {
	ctx := context.Background()
	s, err := embedded.Open(ctx, flows.SandboxTarget(), flows.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tc, c := card(testcards.Challenge)
	if r := s.Enrollment(c).Enroll(ctx, issuing.Email); !r.OK {
		t.Fatal(r)
	}
	r := s.Purchase(flows.PurchaseInput{Amount: 100, Currency: "SAR", Number: tc.PAN, Month: 12, Year: 2030, Channel: threeds.Browser}).Start(ctx)
	challenge := r.ChallengeURL
	if !strings.HasPrefix(challenge, embedded.SandboxURL+"/acs/challenge/") {
		t.Fatalf("challenge_url = %q", challenge)
	}
	url, err := s.Browsable(challenge)
	if err != nil || !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, strings.TrimPrefix(challenge, embedded.SandboxURL)) {
		t.Fatalf("Browsable = %q, %v", url, err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Verify it's you") {
		t.Fatalf("%s\n%s", resp.Status, page)
	}
	if other, _ := s.Browsable("https://shop.example/return"); other != "https://shop.example/return" {
		t.Errorf("Browsable changed a URL that is not the sandbox's: %q", other)
	}
	s.Close()
	http.DefaultClient.CloseIdleConnections()
	if _, err := http.Get(url); err == nil {
		t.Error("the port still answers after Close")
	}
}
