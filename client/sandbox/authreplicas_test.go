package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/postgres"
	"github.com/walletsim/walletsim/client/sandbox/store/postgres/pgtest"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// replicas are two sandboxes on one PostgreSQL database, on one clock (the
// world's, shared by the machines of a real cluster).
func replicas(t *testing.T) (a, b *env) {
	dsn := pgtest.Schema(t, "./client/sandbox/")
	clk := newClock()
	for _, e := range []**env{&a, &b} {
		st, err := postgres.Open(context.Background(), dsn, store.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		*e = newEnv(t, onStore(st), func(c *sandbox.Config) { c.Clock = clk })
		(*e).clock = clk
	}
	return a, b
}

// TestReplicasPassAPurchase: purchases started on replica a are finished
// through replica b — the wallet's answer to a decoupled one, the code of a
// challenge — and the merchant reads the result on a.
func TestReplicasPassAPurchase(t *testing.T) {
	a, b := replicas(t)
	dec := card(t, testcards.Visa, testcards.Decoupled)
	a.enroll(dec, issuing.SMS)
	if got := a.authenticate("dec", purchase(dec, threeds.Decoupled)); got.AuthStatus != "D" {
		t.Fatalf("decoupled on a: %s", got.AuthStatus)
	}
	p := b.pendingOf(dec)
	if res, err := b.verify(p.Event, decision(p.Event, wallet.Verified, "")); err != nil || res.Status != wallet.Verified {
		t.Fatalf("the wallet's answer through b: %+v %v", res, err)
	}
	if got := a.result("dec"); got.AuthStatus != "Y" || len(deref(got.AuthValue)) != 28 {
		t.Fatalf("the result on a: %s %q", got.AuthStatus, deref(got.AuthValue))
	}

	ch, ac := a.startChallenge("chal", issuing.SMS)
	code := a.code(ac).Code
	if status, body := b.submitJSON(ch, code); status != 200 || !strings.Contains(body, `"trans_status":"Y"`) {
		t.Fatalf("the code through b: %d %s", status, body)
	}
	if got := a.result("chal"); got.AuthStatus != "Y" || got.Status != "authenticated" {
		t.Fatalf("the challenge's result on a: %s %s", got.AuthStatus, got.Status)
	}
}

// submitJSON submits a challenge's code to e's sandbox, as JSON.
func (e *env) submitJSON(ch *threeds.Authentication, otp string) (int, string) {
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	path := strings.TrimPrefix(rebase(e, *ch.ChallengeURL), e.srv.URL)
	return e.do("POST", path, h, `{"otp":"`+otp+`"}`)
}

// both runs fa and fb at once.
func both(fa, fb func()) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); fa() }()
	go func() { defer wg.Done(); fb() }()
	wg.Wait()
}

// TestReplicasAnswerOnce: two replicas answering one purchase at once — the
// wallet approving on one and rejecting on the other, the right code on
// both, a wrong code on both — yield exactly one winner, and every attempt
// counted once.
func TestReplicasAnswerOnce(t *testing.T) {
	a, b := replicas(t)
	dec := card(t, testcards.Visa, testcards.Decoupled)
	a.enroll(dec, issuing.SMS)
	for i := range 5 {
		id := fmt.Sprint("dec-", i)
		a.authenticate(id, purchase(dec, threeds.Decoupled))
		p := b.pendingOf(dec)
		var errA, errB error
		both(func() { _, errA = a.verify(p.Event, decision(p.Event, wallet.Verified, "")) },
			func() { _, errB = b.verify(p.Event, decision(p.Event, wallet.Rejected, "")) })
		if (errA == nil) == (errB == nil) {
			t.Fatalf("%s: a answered %v, b %v: want exactly one winner", id, errA, errB)
		}
		want := map[bool]string{true: "Y", false: "N"}[errA == nil]
		for _, e := range []*env{a, b} {
			if got := e.result(id); got.AuthStatus != want {
				t.Fatalf("%s: %s, the winner's answer was %s", id, got.AuthStatus, want)
			}
		}
	}
	for i := range 5 {
		ch, ac := a.startChallenge(fmt.Sprint("code-", i), issuing.SMS)
		code := a.code(ac).Code
		var sa, sb int
		both(func() { sa, _ = a.submitJSON(ch, code) }, func() { sb, _ = b.submitJSON(ch, code) })
		if sa+sb != 200+409 {
			t.Fatalf("the right code on both: %d and %d, want one 200 and one 409", sa, sb)
		}
		wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
		ch, _ = b.startChallenge(fmt.Sprint("wrong-", i), issuing.SMS)
		var ba, bb string
		both(func() { _, ba = a.submitJSON(ch, wrong) }, func() { _, bb = b.submitJSON(ch, wrong) })
		var page struct {
			AttemptsLeft int `json:"attempts_left"`
		}
		status, body := a.do("GET", strings.TrimPrefix(rebase(a, *ch.ChallengeURL), a.srv.URL), http.Header{"Accept": {"application/json"}}, "")
		if status != 200 || json.Unmarshal([]byte(body), &page) != nil || page.AttemptsLeft != 1 {
			t.Fatalf("two wrong codes at once (%s | %s): page %d %s, want 1 attempt left", ba, bb, status, body)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestReplicasExpireOnTheWorkspaceClock: a replica that did not start a
// purchase, and had read it before, expires it from its stored deadline
// when the workspace's clock is moved on the other replica.
func TestReplicasExpireOnTheWorkspaceClock(t *testing.T) {
	a, b := replicas(t)
	onA := a.workspace()
	onB := b.tenant(onA.view)
	ctx := context.Background()
	ch, dec := card(t, testcards.Visa, testcards.Challenge), card(t, testcards.Visa, testcards.Decoupled)
	for _, c := range []testcards.Card{ch, dec} {
		if _, err := onA.issuing.Enroll(ctx, ref(c), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := onA.tds.Authenticate(ctx, "chal", purchase(ch, threeds.Browser)); err != nil {
		t.Fatal(err)
	}
	if _, err := onA.tds.Authenticate(ctx, "dec", purchase(dec, threeds.Decoupled)); err != nil {
		t.Fatal(err)
	}
	if got, err := onB.tds.Get(ctx, "chal"); err != nil || got.AuthStatus != "C" {
		t.Fatalf("b before the clock moves: %+v %v", got, err)
	}
	if status, body := a.do("POST", "/sandbox/workspaces/"+onA.view.ID+"/clock", onA.auth, `{"advance":"6m"}`); status != 200 {
		t.Fatalf("advance on a: %d %s", status, body)
	}
	if got, err := onB.tds.Get(ctx, "chal"); err != nil || got.AuthStatus != "U" {
		t.Fatalf("the challenge on b after 6 minutes of the workspace's time: %+v %v, want U", got, err)
	}
	if got, err := onB.tds.Get(ctx, "dec"); err != nil || got.AuthStatus != "U" || deref(got.FailureReason) != "3DS authentication request has expired." {
		t.Fatalf("the decoupled one on b: %+v %v, want U expired", got, err)
	}
	if got, err := b.tds.Get(ctx, "chal"); err == nil {
		t.Fatalf("the default workspace reads the workspace's purchase: %+v", got)
	}
}
