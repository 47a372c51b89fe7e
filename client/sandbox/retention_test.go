package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// TestIdempotencyOutlivesLoad: an enroll's x-request-id is still replayed
// after 100,000 other requests with their own ids, 23 hours later — the
// sandbox keeps ids for 24 hours within a byte budget, not the last 4,096 —
// and no longer once the 24 hours are up. One in ten of the others is an
// update, whose answer is kept (and counted); the rest are reads, which
// keep nothing (a re-sent GET reads afresh).
func TestIdempotencyOutlivesLoad(t *testing.T) {
	clk := newClock()
	sb := sandbox.New(sandbox.Config{Clock: clk})
	defer sb.Close()
	h := sb.Handler()
	c := card(t, testcards.Visa, testcards.Challenge)
	serve := func(method, requestID, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/issuing/api/v1/card/3DS", strings.NewReader(body))
		for k, v := range map[string]string{"x-api-key": "key", "x-product-id": "prod", "x-cardholder-id": testcards.CardholderID,
			"x-wallet-id": testcards.WalletID, "x-card-id": c.CardID, "x-request-id": requestID, "Content-Type": "application/json"} {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	const enroll = `{"otp_delivery_method":"SMS"}`
	if w := serve("POST", "the-enroll", enroll); w.Code != 200 {
		t.Fatalf("enroll: %d %s", w.Code, w.Body)
	}
	const others, updates = 100_000, 10_000
	get := httptest.NewRequest("GET", "/issuing/api/v1/card/3DS", nil)
	for k, v := range map[string]string{"x-api-key": "key", "x-product-id": "prod", "x-cardholder-id": testcards.CardholderID,
		"x-wallet-id": testcards.WalletID, "x-card-id": c.CardID} {
		get.Header.Set(k, v)
	}
	for i := range others {
		var w *httptest.ResponseRecorder
		if i%(others/updates) == 0 {
			w = serve("PATCH", "update-"+strconv.Itoa(i), []string{`{"otp_delivery_method":"EMAIL"}`, enroll}[i%2])
		} else {
			// One request, its id changed: the loop costs what the sandbox does.
			get.Header.Set("x-request-id", "read-"+strconv.Itoa(i))
			w = httptest.NewRecorder()
			h.ServeHTTP(w, get)
		}
		if w.Code != 200 {
			t.Fatalf("request %d: %d %s", i, w.Code, w.Body)
		}
		if i%10_000 == 0 {
			clk.Advance(2 * time.Hour) // 100,000 requests spread over 20 hours
		}
	}
	clk.Advance(3 * time.Hour)
	st := sb.Stats()
	if st.IdempotencyKeys != updates+1 {
		t.Fatalf("%d ids kept after %d updates and %d reads: want every update's and the enroll's, no read's",
			st.IdempotencyKeys, updates, others-updates)
	}
	w := serve("POST", "the-enroll", enroll)
	if w.Code != 200 || w.Header().Get("Idempotent-Replayed") != "true" || !strings.Contains(w.Body.String(), "3DS enrollment successful.") {
		t.Fatalf("the enroll replayed after %d other requests and 23 hours: %d %s %v", others, w.Code, w.Body, w.Header())
	}
	if w := serve("PATCH", "update-0", `{"otp_delivery_method":"EMAIL"}`); w.Header().Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the first update is not replayed: %d %s", w.Code, w.Body)
	}
	t.Logf("%d ids kept in %d bytes (budget %d per workspace)", st.IdempotencyKeys, st.IdempotencyBytes, store.DefaultIdempotencyBytes)
	clk.Advance(time.Hour)
	if w := serve("POST", "the-enroll", enroll); w.Code != http.StatusBadRequest || w.Header().Get("Idempotent-Replayed") != "" {
		t.Fatalf("after 24 hours the id is forgotten, and the card is already enrolled: %d %s", w.Code, w.Body)
	}
}

// TestReadsKeepNoRecord: a GET's x-request-id is not remembered — a
// repeat reads what is there now, and the same id may then name a write.
func TestReadsKeepNoRecord(t *testing.T) {
	e := newEnv(t)
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, "SMS")
	hdr := cardHeaders(c, "same-id")
	if s, b := e.do("GET", "/issuing/api/v1/card/3DS", hdr, ""); s != 200 || !strings.Contains(b, `"SMS"`) {
		t.Fatalf("read: %d %s", s, b)
	}
	if s, b := e.do("PATCH", "/issuing/api/v1/card/3DS", hdr, `{"otp_delivery_method":"EMAIL"}`); s != 200 {
		t.Fatalf("an update under a read's id: %d %s", s, b)
	}
	resp := e.raw("GET", "/issuing/api/v1/card/3DS", cardHeaders(c, "other-id"), "")
	if resp.Header.Get("Idempotent-Replayed") != "" {
		t.Fatal("a read was replayed")
	}
	if s, b := e.do("GET", "/issuing/api/v1/card/3DS", cardHeaders(c, "other-id"), ""); s != 200 || !strings.Contains(b, `"EMAIL"`) {
		t.Fatalf("a repeated read does not read afresh: %d %s", s, b)
	}
}

// TestPurchaseIdempotencyKey: POST /v1/3ds with an Idempotency-Key answers
// a repeat with the first purchase, marked replayed; the key on another
// body, or a key too long, is refused naming the header.
func TestPurchaseIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	auth := http.Header{"Authorization": {basic("sk_test_1")}, "Content-Type": {"application/json"}}
	with := func(key string) http.Header {
		h := auth.Clone()
		h.Set("Idempotency-Key", key)
		return h
	}
	s1, b1 := e.do("POST", "/v1/3ds", with("k1"), `{"amount":100,"currency":"SAR"}`)
	s2, b2 := e.do("POST", "/v1/3ds", with("k1"), `{"amount":100,"currency":"SAR"}`)
	if s1 != 201 || s2 != 201 || b1 != b2 {
		t.Fatalf("repeat: %d %s / %d %s", s1, b1, s2, b2)
	}
	if resp := e.raw("POST", "/v1/3ds", with("k1"), `{"amount":100,"currency":"SAR"}`); resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("a replay is not marked Idempotent-Replayed")
	}
	if s, b := e.do("POST", "/v1/3ds", with("k1"), `{"amount":200,"currency":"SAR"}`); s != 400 || !strings.Contains(b, `"Idempotency-Key":["was already used`) {
		t.Fatalf("same key, other body: %d %s", s, b)
	}
	if s, b := e.do("POST", "/v1/3ds", with(strings.Repeat("k", 256)), `{"amount":100}`); s != 400 || !strings.Contains(b, `"Idempotency-Key":["must be at most 255`) {
		t.Fatalf("long key: %d %s", s, b)
	}
	if _, b3 := e.do("POST", "/v1/3ds", auth, `{"amount":100,"currency":"SAR"}`); b3 == b1 {
		t.Fatal("a purchase without a key was replayed")
	}
}

// TestChallengeFormAttempt: the challenge page's form says which attempt it
// was shown for; submitting it twice (a browser resending the form after a
// lost answer) uses one attempt.
func TestChallengeFormAttempt(t *testing.T) {
	e := newEnv(t)
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, "SMS")
	a := e.authenticate("form-1", purchase(c, "browser"))
	path := strings.TrimPrefix(*a.ChallengeURL, e.srv.URL)
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	_, page := e.do("GET", path, nil, "")
	if !strings.Contains(page, `name="attempt" value="0"`) {
		t.Fatalf("the page's form does not carry its attempt:\n%s", page)
	}
	for range 2 {
		e.do("POST", path, form, "otp=000000&attempt=0")
	}
	_, page = e.do("GET", path, nil, "")
	if !strings.Contains(page, "2 attempt(s) left") || !strings.Contains(page, `name="attempt" value="1"`) {
		t.Fatalf("one wrong code sent twice used two attempts:\n%s", page)
	}
}

func basic(user string) string {
	r := http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, "")
	return r.Header.Get("Authorization")
}

// cardHeaders are seed 000's headers for card c, with requestID.
func cardHeaders(c testcards.Card, requestID string) http.Header {
	h := issuingHeaders(c.CardID)
	h.Set("x-request-id", requestID)
	return h
}

// TestForgottenDecoupledLeavesNothing: on the memory store, a decoupled
// authentication evicted past MaxFinished leaves nothing behind in the
// store either — its pending wallet request is not kept for ever — so a
// long-running sandbox's memory stays bounded.
func TestForgottenDecoupledLeavesNothing(t *testing.T) {
	mem := store.NewMemory(store.Limits{})
	rcv := newReceiver(t, hmacKey)
	e := newEnv(t, func(c *sandbox.Config) {
		c.Store, c.MaxFinished, c.WebhookURL = mem, 2, rcv.URL+wallet.EventPath
	})
	c := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(c, issuing.SMS)
	var ids []string
	for i := range 6 {
		e.authenticate("dec-"+strconv.Itoa(i), purchase(c, threeds.Decoupled))
		ev := rcv.next(t)
		ids = append(ids, ev.Auth3dsID)
		if _, err := e.verify(ev, decision(ev, wallet.Verified, "")); err != nil {
			t.Fatal(err)
		}
	}
	for i, id := range ids[:len(ids)-2] { // the last two are still kept
		if p, err := mem.PendingRequest(context.Background(), store.DefaultWorkspace, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("evicted authentication %d: the store still keeps its pending request (%s, %v)", i, p.Status, err)
		}
	}
}
