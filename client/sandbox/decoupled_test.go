package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// receiver is a wallet backend: it checks each event's signature and hands
// good events over; it can be told to fail the first deliveries.
type receiver struct {
	*httptest.Server
	events   chan wallet.Event
	failures atomic.Int32 // deliveries still to fail with 500
	badSigs  atomic.Int32
}

func newReceiver(t *testing.T, key string) *receiver {
	r := &receiver{events: make(chan wallet.Event, 16)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if req.URL.Path != wallet.EventPath || !wallet.VerifySignature([]byte(key), body, req.Header.Get(wallet.SignatureHeader)) {
			r.badSigs.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.failures.Add(-1) >= 0 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		var ev wallet.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		r.events <- ev
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) next(t *testing.T) wallet.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(10 * time.Second): // liveness guard
		t.Fatal("no webhook event arrived")
		return wallet.Event{}
	}
}

// startDecoupled enrolls the Visa decoupled card, points the webhook at a
// receiver and starts an authentication.
func startDecoupled(t *testing.T, id string, mutate ...func(*sandbox.Config)) (*env, *receiver, wallet.Event) {
	rcv := newReceiver(t, hmacKey)
	mutate = append(mutate, func(c *sandbox.Config) { c.WebhookURL = rcv.URL + wallet.EventPath })
	e := newEnv(t, mutate...)
	c := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(c, issuing.SMS)
	a := e.authenticate(id, purchase(c, threeds.Decoupled))
	if a.AuthStatus != "D" || a.Status != "in_progress" || a.Meta.ARes.AuthenticationType != "04" {
		t.Fatalf("want a decoupled authentication, got %s %s", a.AuthStatus, a.Status)
	}
	ev := rcv.next(t)
	if ev.CardID != c.CardID || ev.CustomerID != testcards.CustomerID || ev.Amount != 100 || ev.Currency != "SAR" ||
		ev.LastFourDigits != "0044" || ev.CardScheme != "VISA" || ev.MerchantName == "" || ev.WalletOperationID == "" {
		t.Fatalf("event %+v", ev)
	}
	return e, rcv, ev
}

func decision(ev wallet.Event, s wallet.Status, reason string) wallet.VerifyRequest {
	return wallet.VerifyRequest{WalletOperationID: ev.WalletOperationID, Verification: wallet.Verification{Method: wallet.Biometric}, Status: s, StatusReason: reason}
}

func (e *env) verify(ev wallet.Event, req wallet.VerifyRequest) (*wallet.VerifyResult, error) {
	return e.wallet.Verify(context.Background(), ev.CustomerID, ev.CardID, ev.Auth3dsID, req)
}

func TestDecoupledDecisions(t *testing.T) {
	for _, tc := range []struct {
		status  wallet.Status
		reason  string
		ts, eci string
		failure string
	}{
		{wallet.Verified, "", "Y", "05", ""},
		{wallet.Rejected, "", "N", "", "Cardholder rejected the authentication in the wallet."},
		{wallet.Failed, "Biometric sensor unavailable", "U", "", "Biometric sensor unavailable"},
	} {
		t.Run(string(tc.status), func(t *testing.T) {
			e, _, ev := startDecoupled(t, "dec")
			res, err := e.verify(ev, decision(ev, tc.status, tc.reason))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || res.Auth3dsID != ev.Auth3dsID || res.CreationTime.IsZero() {
				t.Fatalf("verify result %+v", res)
			}
			final := e.result("dec")
			if final.AuthStatus != tc.ts || deref(final.ECI) != tc.eci || deref(final.FailureReason) != tc.failure {
				t.Fatalf("final %s eci %q reason %q", final.AuthStatus, deref(final.ECI), deref(final.FailureReason))
			}
			if (tc.ts == "Y") != (len(deref(final.AuthValue)) == 28) {
				t.Fatalf("cavv %q", deref(final.AuthValue))
			}
		})
	}
}

// TestDecoupledExpiry: nobody answers within the expiry: FAILED with the
// seed's reason, and a late answer gets the seed's EXPIRED example.
func TestDecoupledExpiry(t *testing.T) {
	e, _, ev := startDecoupled(t, "late", func(c *sandbox.Config) { c.Expiry = time.Minute })
	e.clock.Advance(time.Minute)
	final := e.result("late")
	if final.AuthStatus != "U" || deref(final.FailureReason) != "3DS authentication request has expired." {
		t.Fatalf("final %s %q", final.AuthStatus, deref(final.FailureReason))
	}
	res, err := e.verify(ev, decision(ev, wallet.Verified, ""))
	if err != nil || res.Status != wallet.Failed || res.StatusReason != "3DS authentication request has expired." {
		t.Fatalf("late answer: %+v %v", res, err)
	}
	if e.result("late").AuthStatus != "U" {
		t.Fatal("a late answer changed the result")
	}
}

// TestDecoupledSecondAnswer: the same answer again is a retry and replays
// the first 201; a different answer is refused.
func TestDecoupledSecondAnswer(t *testing.T) {
	e, _, ev := startDecoupled(t, "twice")
	first, err := e.verify(ev, decision(ev, wallet.Verified, ""))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)
	again, err := e.verify(ev, decision(ev, wallet.Verified, ""))
	if err != nil || *again != *first {
		t.Fatalf("replay: %+v %v, want %+v", again, err, first)
	}
	_, err = e.verify(ev, decision(ev, wallet.Rejected, ""))
	var apiErr *wallet.Error
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 409 || !strings.Contains(apiErr.Error(), "VERIFIED") {
		t.Fatalf("second answer: %v", err)
	}
	if e.result("twice").AuthStatus != "Y" {
		t.Fatal("the refused answer changed the result")
	}
}

// TestVerifyErrors: the platform's 400, 401 and 404 answers.
func TestVerifyErrors(t *testing.T) {
	e, _, ev := startDecoupled(t, "errs")
	other := decision(ev, wallet.Verified, "")
	other.WalletOperationID = "not-the-one"
	_, err := e.verify(ev, other)
	var apiErr *wallet.Error
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 400 || apiErr.Code != "5068" || apiErr.FieldErrors[0].Field != "walletOperationId" {
		t.Fatalf("wrong walletOperationId: %v", err)
	}
	_, err = e.wallet.Verify(context.Background(), "someone-else", ev.CardID, ev.Auth3dsID, decision(ev, wallet.Verified, ""))
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 404 || apiErr.Code != "5269" {
		t.Fatalf("wrong customer: %v", err)
	}
	path := "/customers/" + ev.CustomerID + "/prepaid/cards/" + ev.CardID + "/3ds-authentications/" + ev.Auth3dsID
	status, body := e.do("POST", path, http.Header{"Content-Type": {"application/json"}}, `{}`)
	if status != 401 || !strings.Contains(body, `"code":"5279"`) {
		t.Fatalf("no token: %d %s", status, body)
	}
	auth := http.Header{"Authorization": {"Bearer t"}, "Content-Type": {"application/json"}}
	status, body = e.do("POST", path, auth, `{"walletOperationId":"`+ev.WalletOperationID+`","status":"VERIFIED","verification":{}}`)
	want := `{"error":{"code":"5068","message":"Field error(s)","details":["Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected."],"fieldErrors":[{"field":"verification.method","error":"must not be null"}]}}`
	if status != 400 || body != want {
		t.Fatalf("missing method: %d\n%s\nwant\n%s", status, body, want)
	}
}

// TestWebhookRetried: failed deliveries are retried until one succeeds, and
// the delivery log says so. The backoffs are on the sandbox's clock: a
// real one here (1ms each), as a standalone sandbox runs.
func TestWebhookRetried(t *testing.T) {
	rcv := newReceiver(t, hmacKey)
	rcv.failures.Store(2)
	e := newEnv(t, func(c *sandbox.Config) { c.WebhookURL, c.Clock = rcv.URL+wallet.EventPath, clock.Real })
	c := card(t, testcards.Mastercard, testcards.Decoupled)
	e.enroll(c, issuing.SMS)
	e.authenticate("retry", purchase(c, threeds.Decoupled))
	ev := rcv.next(t)
	if ev.CardScheme != "MC" {
		t.Errorf("cardScheme %s", ev.CardScheme)
	}
	// The receiver hands the event over before its 200 reaches the sandbox.
	var body string
	eventually(t, func() bool {
		_, body = e.do("GET", "/sandbox/webhook/deliveries", nil, "")
		return strings.Contains(body, `"delivered":true`)
	})
	if !strings.Contains(body, `"attempts":3`) {
		t.Fatalf("deliveries: %s", body)
	}
}

// TestWebhookSignature: a receiver detects a tampered body or a wrong key.
func TestWebhookSignature(t *testing.T) {
	body := []byte(`{"id":"1","amount":100}`)
	sig := wallet.Sign([]byte(hmacKey), body)
	if !wallet.VerifySignature([]byte(hmacKey), body, sig) {
		t.Fatal("a good signature was refused")
	}
	for name, ok := range map[string]bool{
		"tampered body": wallet.VerifySignature([]byte(hmacKey), []byte(`{"id":"1","amount":999}`), sig),
		"wrong key":     wallet.VerifySignature([]byte("other"), body, sig),
		"not base64":    wallet.VerifySignature([]byte(hmacKey), body, "%%%"),
		"empty":         wallet.VerifySignature([]byte(hmacKey), body, ""),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
	// End to end: a receiver with the wrong key refuses the sandbox's event.
	rcv := newReceiver(t, "wrong-key")
	e := newEnv(t, func(c *sandbox.Config) { c.WebhookURL = rcv.URL + wallet.EventPath; c.WebhookRetries = -1 })
	c := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(c, issuing.SMS)
	e.authenticate("badsig", purchase(c, threeds.Decoupled))
	eventually(t, func() bool { return rcv.badSigs.Load() > 0 })
}

// eventually polls cond until it holds; the deadline is a liveness guard.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
	}
}

// TestPendingList: a wallet given no webhook lists and reads what waits.
func TestPendingList(t *testing.T) {
	e := newEnv(t)
	c := card(t, testcards.Mada, testcards.Decoupled)
	e.enroll(c, issuing.Email)
	e.authenticate("listed", purchase(c, threeds.Decoupled))
	auth := http.Header{"Authorization": {"Bearer t"}}
	status, body := e.do("GET", "/customers/"+testcards.CustomerID+"/prepaid/cards/"+c.CardID+"/3ds-authentications", auth, "")
	var list struct {
		Authentications []wallet.Pending `json:"authentications"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Authentications) != 1 {
		t.Fatalf("list: %d %s", status, body)
	}
	p := list.Authentications[0]
	if p.Status != "PENDING" || p.CardScheme != "VISA" || p.LastFourDigits != "0049" {
		t.Fatalf("pending %+v", p)
	}
	status, body = e.do("GET", "/customers/"+testcards.CustomerID+"/prepaid/cards/"+c.CardID+"/3ds-authentications/"+p.Auth3dsID, auth, "")
	if status != 200 || !strings.Contains(body, `"status":"PENDING"`) {
		t.Fatalf("get: %d %s", status, body)
	}
}
