package sandbox_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// TestAuthenticateRepeatEveryOutcome: a repeat of an authenticate gets the
// first answer byte for byte, for every outcome the ACS answers at once and
// for a challenge that has finished since; the answered-at-once bodies are
// also what GET /v1/3ds/{id} shows.
func TestAuthenticateRepeatEveryOutcome(t *testing.T) {
	e := newEnv(t)
	h := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
	get := http.Header{"Authorization": {basicAuth("sk_test_1")}}
	for _, o := range []testcards.Outcome{testcards.Frictionless, testcards.Attempted, testcards.NotAuth, testcards.Rejected, testcards.Unavailable} {
		for _, s := range []testcards.Scheme{testcards.Visa, testcards.Mastercard, testcards.Mada} {
			c := card(t, s, o)
			id := "rep-" + c.PAN
			body := `{"number":"` + c.PAN + `","month":6,"year":2030,"return_url":"https://x.example","customer":{"name":"Jo Doe"}}`
			s1, b1 := e.do("POST", "/v1/3ds/"+id+"/authenticate", h, body)
			e.clock.Advance(time.Minute)
			s2, b2 := e.do("POST", "/v1/3ds/"+id+"/authenticate", h, body)
			s3, b3 := e.do("GET", "/v1/3ds/"+id, get, "")
			if s1 != 200 || s2 != 200 || s3 != 200 || b2 != b1 || b3 != b1 {
				t.Fatalf("%s: %d / %d / %d\n%s\n%s\n%s", c.PAN, s1, s2, s3, b1, b2, b3)
			}
		}
	}

	// A challenge: the repeat replays the "C" answer even once it is over.
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, issuing.SMS)
	body := `{"number":"` + c.PAN + `","month":6,"year":2030,"return_url":"https://x.example"}`
	s1, b1 := e.do("POST", "/v1/3ds/rep-c/authenticate", h, body)
	a := e.result("rep-c")
	ac, msg := acs.New(client.Config{BaseURL: e.srv.URL, Retries: -1}), ""
	if msgs, err := ac.Inbox(context.Background(), testcards.CardholderID); err == nil && len(msgs) > 0 {
		msg = msgs[0].Code
	}
	if page, err := ac.Submit(context.Background(), *a.ChallengeURL, msg); err != nil || page.TransStatus != "Y" {
		t.Fatalf("submit: %+v %v", page, err)
	}
	s2, b2 := e.do("POST", "/v1/3ds/rep-c/authenticate", h, body)
	if s1 != 200 || s2 != 200 || b2 != b1 || e.result("rep-c").AuthStatus != "Y" {
		t.Fatalf("challenge replay: %d / %d\n%s\n%s", s1, s2, b1, b2)
	}
}
