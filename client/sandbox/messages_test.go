package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/internal/clienttest"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// seedRequest is seed 004's example request (its response example's
// customer, addresses and device) for card c.
func seedRequest(c testcards.Card, ch threeds.Channel) threeds.AuthenticateRequest {
	js := true
	addr := &threeds.Address{City: "Riyadh", Country: "SA", Line1: "Al Worod", Line2: "Olaya", PostalCode: "51911", State: "Riyadh"}
	return threeds.AuthenticateRequest{
		Number: c.PAN, Month: 6, Year: 2029, Name: "John Doe",
		Channel: ch, ReturnURL: "https://example.com/3ds/notify", ChallengePreference: threeds.NoPreference,
		Customer:       &threeds.Customer{Name: "John Doe", Email: "johndoe@example.com", Mobile: "0555555555"},
		BillingAddress: addr, ShippingAddress: addr,
		CustomerDevice: &threeds.Device{
			IPAddress: "127.0.0.1", UserAgent: "Test Agent/Chrome/Safari", AcceptHeader: "*/*",
			JavascriptEnabled: &js, Language: "ar-SA", ColorDepth: "24", ScreenHeight: 300, ScreenWidth: 600, Timezone: "-180",
		},
	}
}

// journey is one way an authentication goes, played on the sandbox as a
// merchant, a cardholder and a wallet would.
type journey struct {
	name    string // the golden file's name
	about   string
	outcome testcards.Outcome
	reason  emv.Reason // for a reason card
	channel threeds.Channel
	enroll  bool
	// act is what the cardholder (or the clock) does after authenticate.
	act func(t *testing.T, e *env, ac *acs.Client, a *threeds.Authentication)
	// want is the final transStatus, its reason and challengeCancel.
	want             emv.TransStatus
	wantReason       emv.Reason
	wantCancel       emv.ChallengeCancel
	wantInteractions string // the RReq's interactionCounter ("" with no RReq)
}

// journeys are every outcome issue 12 asks goldens for: Y A C→Y/N/U
// D→Y/N/U, N R U, each reason card, and the decoupled card on a browser
// request (N, reason 23).
func journeys() []journey {
	js := []journey{
		{name: "Y", about: "frictionless", outcome: testcards.Frictionless, channel: threeds.Browser, want: emv.Authenticated},
		{name: "A", about: "attempts processing", outcome: testcards.Attempted, channel: threeds.Browser, want: emv.Attempted},
		{name: "C-Y", about: "challenge passed: a wrong code, then the right one", outcome: testcards.Challenge,
			channel: threeds.Browser, enroll: true, act: codes("wrong", "right"), want: emv.Authenticated, wantInteractions: "02"},
		{name: "C-N-wrong-codes", about: "challenge failed: three wrong codes", outcome: testcards.Challenge,
			channel: threeds.Browser, enroll: true, act: codes("wrong", "wrong", "wrong"),
			want: emv.NotAuthenticated, wantReason: emv.ReasonMaxChallenges, wantInteractions: "03"},
		{name: "C-N-cancelled", about: "challenge cancelled by the cardholder", outcome: testcards.Challenge,
			channel: threeds.Browser, enroll: true, act: codes("cancel"),
			want: emv.NotAuthenticated, wantReason: emv.ReasonNotPerformed, wantCancel: emv.CancelByCardholder, wantInteractions: "00"},
		{name: "C-U-timeout", about: "challenge timed out at the ACS after a wrong code", outcome: testcards.Challenge,
			channel: threeds.Browser, enroll: true, act: codes("wrong", "expire"),
			want: emv.Unavailable, wantReason: emv.ReasonTimedOutAtACS, wantCancel: emv.CancelACSTimeout, wantInteractions: "01"},
		{name: "D-Y", about: "decoupled: the wallet approves (VERIFIED)", outcome: testcards.Decoupled,
			channel: threeds.Decoupled, enroll: true, act: walletSays(wallet.Verified), want: emv.Authenticated, wantInteractions: "01"},
		{name: "D-N-rejected", about: "decoupled: the wallet rejects (REJECTED)", outcome: testcards.Decoupled,
			channel: threeds.Decoupled, enroll: true, act: walletSays(wallet.Rejected),
			want: emv.NotAuthenticated, wantReason: emv.ReasonCardAuthFailed, wantInteractions: "01"},
		{name: "D-U-expired", about: "decoupled: nobody answered within threeDSRequestorDecMaxTime", outcome: testcards.Decoupled,
			channel: threeds.Decoupled, enroll: true, act: codes("expire"),
			want: emv.Unavailable, wantReason: emv.ReasonDecoupledMaxTime, wantCancel: emv.CancelDecoupledTimeout, wantInteractions: "00"},
		{name: "N-23-decoupled-not-requested", about: "a card that needs decoupled, on a browser request, not enrolled for a challenge",
			outcome: testcards.Decoupled, channel: threeds.Browser, want: emv.NotAuthenticated, wantReason: emv.ReasonDecoupledNotRequested},
		{name: "C-Y-decoupled-card-on-browser", about: "a card that needs decoupled, on a browser request: the ACS challenges it",
			outcome: testcards.Decoupled, channel: threeds.Browser, enroll: true, act: codes("right"), want: emv.Authenticated, wantInteractions: "01"},
	}
	for _, c := range testcards.All {
		if c.Scheme != testcards.Visa || c.Reason == "" {
			continue
		}
		js = append(js, journey{
			name:    fmt.Sprintf("%s-%s", c.Outcome, c.Reason),
			about:   "reason card: " + c.Describe(),
			outcome: c.Outcome, reason: c.Reason, channel: threeds.Browser,
			want: emv.TransStatus(c.Outcome), wantReason: c.Reason,
		})
	}
	return js
}

// codes plays the cardholder on the challenge page: "right" types the
// code from the inbox, "wrong" another, "cancel" cancels; "expire" lets
// the challenge (or the decoupled wait) time out.
func codes(steps ...string) func(*testing.T, *env, *acs.Client, *threeds.Authentication) {
	return func(t *testing.T, e *env, ac *acs.Client, a *threeds.Authentication) {
		ctx := context.Background()
		for _, step := range steps {
			var err error
			switch step {
			case "expire":
				e.clock.Advance(5*time.Minute + time.Second)
				continue
			case "cancel":
				_, err = ac.Cancel(ctx, *a.ChallengeURL)
			case "right", "wrong":
				code := e.code(ac).Code
				if step == "wrong" {
					code = wrongCode(code)
				}
				_, err = ac.Submit(ctx, *a.ChallengeURL, code)
			}
			if err != nil {
				t.Fatal(step, err)
			}
		}
	}
}

func wrongCode(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

// walletSays answers the pending request in the wallet.
func walletSays(st wallet.Status) func(*testing.T, *env, *acs.Client, *threeds.Authentication) {
	return func(t *testing.T, e *env, _ *acs.Client, a *threeds.Authentication) {
		c, _ := testcards.Lookup(a.ID)
		pending, err := e.wallet.List(context.Background(), testcards.CustomerID, c.CardID)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending %v, %v", pending, err)
		}
		if _, err := e.verify(pending[0].Event, decision(pending[0].Event, st, "")); err != nil {
			t.Fatal(err)
		}
	}
}

// cardFor is the test card of a journey on a scheme.
func cardFor(t *testing.T, s testcards.Scheme, j journey) testcards.Card {
	for _, c := range testcards.All {
		if c.Scheme == s && c.Outcome == j.outcome && c.Reason == j.reason {
			return c
		}
	}
	t.Fatalf("no %s card for %s", s, j.name)
	return testcards.Card{}
}

// memBase is where fixedEnv's clients reach the sandbox: a fixed address, so
// that the acsURL in the goldens is the same on every run.
const memBase = "https://sandbox.walletsim.example"

// fixedEnv is newEnv with its clients (and an ACS client) talking to the
// sandbox in memory at memBase.
func fixedEnv(t *testing.T) (*env, *acs.Client) {
	e := newEnv(t)
	e.sb.SetBaseURL(memBase)
	cfg := client.Config{BaseURL: memBase, Transport: e.sb.Transport(), Observer: e.rec.Observe, Retries: -1}
	e.issuing = issuing.New(cfg, issuing.Credentials{APIKey: "key", ProductID: "prod", Token: "token"})
	e.tds = threeds.New(cfg, threeds.Credentials{SecretKey: "sk_test_1"})
	e.wallet = wallet.New(cfg, wallet.Credentials{Token: "wallet-token"})
	return e, acs.New(cfg)
}

// play runs a journey on a fresh sandbox (so ids, codes and CAVVs are the
// same on every run) and returns the messages as GET
// /v1/3ds/{id}/messages serves them, and the final authentication.
func play(t *testing.T, s testcards.Scheme, j journey) ([]emv.Step, *threeds.Authentication, *threeds.Authentication) {
	t.Helper()
	e, ac := fixedEnv(t)
	c := cardFor(t, s, j)
	if j.enroll {
		e.enroll(c, issuing.SMS)
	}
	id := c.PAN // walletSays finds the card by the id
	first := e.authenticate(id, seedRequest(c, j.channel))
	if j.act != nil {
		j.act(t, e, ac, first)
	}
	steps, err := e.tds.Messages(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return steps, first, e.result(id)
}

// TestMessagesGolden plays every journey on every scheme through the
// sandbox's handlers and keeps the EMV exchange it serves as
// testdata/golden/sandbox/emv/<scheme>/<journey>.golden (go test -update
// rewrites them). Each exchange must pass emv.CheckExchange (every
// message carries exactly the fields EMV requires for its outcome, in the
// right order, with the same ids), end as the journey says, agree with
// the seed 004 answer (meta.ares is the exchange's ARes; auth_status, eci
// and auth_value are the final message's), and show the masked card only.
func TestMessagesGolden(t *testing.T) {
	for _, s := range testcards.Schemes {
		for _, j := range journeys() {
			t.Run(string(s)+"/"+j.name, func(t *testing.T) {
				steps, first, final := play(t, s, j)
				if vs := emv.CheckExchange(steps); len(vs) > 0 {
					t.Errorf("the exchange breaks EMV's rules:\n%v", vs)
				}
				checkEnding(t, j, steps, final)
				checkMetaARes(t, steps, first, final)
				transcript := emv.Transcript(steps)
				if strings.Contains(transcript, first.ID) && len(first.ID) > 12 {
					t.Error("the messages show the whole card number")
				}
				head := fmt.Sprintf("# produced by the sandbox: %s, %s · %s: %s\n# channel %s; GET /v1/3ds/{id}/messages after the journey\n\n",
					emv.Scheme(s).Program(), s, j.name, j.about, j.channel)
				clienttest.Golden(t, "sandbox/emv/"+string(s)+"/"+j.name+".golden", head+transcript)
			})
		}
	}
}

// checkEnding: the last word (the RReq, or the ARes when there is none)
// is the journey's ending, and the merchant's answer says the same.
func checkEnding(t *testing.T, j journey, steps []emv.Step, final *threeds.Authentication) {
	t.Helper()
	ares, _ := emv.Find[emv.ARes](steps)
	status, reason, eci, cavv := ares.TransStatus, ares.TransStatusReason, ares.ECI, ares.AuthenticationValue
	var cancel emv.ChallengeCancel
	interactions := ""
	if rreq, ok := emv.Find[emv.RReq](steps); ok {
		status, reason, eci, cavv = rreq.TransStatus, rreq.TransStatusReason, rreq.ECI, rreq.AuthenticationValue
		cancel, interactions = rreq.ChallengeCancel, rreq.InteractionCounter
	}
	if status != j.want || reason != j.wantReason || cancel != j.wantCancel || interactions != j.wantInteractions {
		t.Errorf("ends %s reason %q cancel %q interactions %q, want %s %q %q %q",
			status, reason, cancel, interactions, j.want, j.wantReason, j.wantCancel, j.wantInteractions)
	}
	if final.AuthStatus != string(status) || deref(final.ECI) != eci || deref(final.AuthValue) != cavv {
		t.Errorf("the answer says %s eci %q cavv %q; the messages %s %q %q",
			final.AuthStatus, deref(final.ECI), deref(final.AuthValue), status, eci, cavv)
	}
}

// checkMetaARes: meta.ares, in the authenticate answer and when read
// later, is the exchange's ARes field for field.
func checkMetaARes(t *testing.T, steps []emv.Step, answers ...*threeds.Authentication) {
	t.Helper()
	ares, _ := emv.Find[emv.ARes](steps)
	want := jsonFields(t, ares)
	for _, a := range answers {
		got := jsonFields(t, a.Meta.ARes)
		for k, v := range got {
			if v == "" {
				delete(got, k) // the seed's shape keeps empty fields
			}
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("meta.ares %v\nis not the exchange's ARes %v", got, want)
		}
	}
}

func jsonFields(t *testing.T, v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// TestMessagesEndpoint: authenticated as the 3DS server, 404 in seed 004's
// error shape for an unknown id, an empty list before authenticate.
func TestMessagesEndpoint(t *testing.T) {
	e := newEnv(t)
	basic := http.Header{"Authorization": {"Basic c2tfdGVzdF8xOg=="}} // sk_test_1:
	for _, tc := range []struct {
		name   string
		header http.Header
		path   string
		status int
		body   string
	}{
		{"no key", nil, "/v1/3ds/x/messages", 401, `{"message":"Missing authentication information"}`},
		{"publishable key", http.Header{"Authorization": {"Basic cGtfdGVzdF8xOg=="}}, "/v1/3ds/x/messages", 403, `{"message":"Unauthorized"}`},
		{"unknown id", basic, "/v1/3ds/nope/messages", 404, `{"message":"Authentication not found"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.do(http.MethodGet, tc.path, tc.header, "")
			if status != tc.status || strings.TrimSpace(body) != tc.body {
				t.Errorf("%d %s, want %d %s", status, body, tc.status, tc.body)
			}
		})
	}
	if status, _ := e.do(http.MethodPost, "/v1/3ds/x/messages", basic, ""); status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", status)
	}
	created, err := e.tds.Create(context.Background(), threeds.CreateRequest{Amount: 500, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	steps, err := e.tds.Messages(context.Background(), created.ID)
	if err != nil || steps == nil || len(steps) != 0 {
		t.Fatalf("before authenticate: %v, %v; want an empty list", steps, err)
	}
	// The purchase's amount and currency are the AReq's.
	c := card(t, testcards.Visa, testcards.Frictionless)
	e.authenticate(created.ID, purchase(c, threeds.Browser))
	steps, err = e.tds.Messages(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	areq, _ := emv.Find[emv.AReq](steps)
	if areq.PurchaseAmount != "500" || areq.PurchaseCurrency != "840" || areq.PurchaseExponent != "2" || areq.AcctNumber != "400000******0010" {
		t.Errorf("AReq amount %s currency %s exponent %s card %s", areq.PurchaseAmount, areq.PurchaseCurrency, areq.PurchaseExponent, areq.AcctNumber)
	}
}
