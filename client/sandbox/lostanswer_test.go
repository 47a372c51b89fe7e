package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// answerDropper passes every request to the sandbox, so that it has its
// effect, and then loses the answer to the first POST of each path: the
// client sees the connection closed, as when a proxy or the network fails
// after the server did its work.
type answerDropper struct {
	next    http.Handler
	mu      sync.Mutex
	dropped map[string]bool
	posts   map[string]int
}

func (d *answerDropper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	drop := r.Method == http.MethodPost && !d.dropped[r.URL.Path]
	d.dropped[r.URL.Path] = d.dropped[r.URL.Path] || drop
	if r.Method == http.MethodPost {
		d.posts[r.URL.Path]++
	}
	d.mu.Unlock()
	if !drop {
		d.next.ServeHTTP(w, r)
		return
	}
	d.next.ServeHTTP(httptest.NewRecorder(), r) // the effect happens; its answer is lost
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// TestLostAnswersHaveOneEffect: with every first answer to a POST lost,
// the client's retries of POST /v1/3ds and of a challenge code carry the
// same Idempotency-Key, so the sandbox creates one purchase and the wrong
// code uses one attempt, not two.
func TestLostAnswersHaveOneEffect(t *testing.T) {
	sb := sandbox.New(sandbox.Config{})
	defer sb.Close()
	proxy := &answerDropper{next: sb.Handler(), dropped: map[string]bool{}, posts: map[string]int{}}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	sb.SetBaseURL(srv.URL)
	ccfg := client.Config{BaseURL: srv.URL, Retries: 2, RetryWait: time.Millisecond, RetryMaxWait: time.Millisecond}
	ctx := context.Background()
	tds := threeds.New(ccfg, threeds.Credentials{SecretKey: "sk_test_1"})

	before := sb.Stats().Authentications
	created, err := tds.Create(ctx, threeds.CreateRequest{Amount: 4999, Currency: "SAR"})
	if err != nil {
		t.Fatalf("create through a proxy that loses the first answer: %v", err)
	}
	if n := proxy.posts["/v1/3ds"]; n != 2 {
		t.Fatalf("POST /v1/3ds sent %d times, want 2 (the first answer lost, one retry)", n)
	}
	if got := sb.Stats().Authentications - before; got != 1 {
		t.Fatalf("%d purchases created, want 1", got)
	}

	ch := card(t, testcards.Visa, testcards.Challenge)
	iss := issuing.New(ccfg, issuing.Credentials{APIKey: "key", ProductID: "prod", Token: "token"})
	if _, err := iss.Enroll(ctx, ref(ch), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatalf("enroll through the proxy: %v", err) // x-request-id: the retry is replayed, not "already enrolled"
	}
	a, err := tds.Authenticate(ctx, created.ID, purchase(ch, threeds.Browser))
	if err != nil || a.ChallengeURL == nil {
		t.Fatalf("authenticate through the proxy: %+v %v", a, err)
	}
	page := acs.New(ccfg)
	got, err := page.Submit(ctx, *a.ChallengeURL, "000000")
	if err != nil {
		t.Fatalf("submit through the proxy: %v", err)
	}
	if got.AttemptsLeft != acsMaxAttempts-1 {
		t.Fatalf("one wrong code, lost answer and retry left %d attempts, want %d", got.AttemptsLeft, acsMaxAttempts-1)
	}
	if now, _ := page.Challenge(ctx, *a.ChallengeURL); now.AttemptsLeft != acsMaxAttempts-1 {
		t.Fatalf("the challenge has %d attempts left, want %d", now.AttemptsLeft, acsMaxAttempts-1)
	}
}

const acsMaxAttempts = sandbox.MaxOTPAttempts
