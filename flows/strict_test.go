package flows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/strictfake"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
)

// The flows against client/strictfake, a server written from the seeds
// alone that is not walletsim's sandbox, through a target as a profile
// without sandbox_extensions makes it: every flow the seeds make possible
// completes, none sends a request that breaks the seeds, none calls an
// endpoint the seeds do not have, and what the target cannot give is a
// skipped step that says why.

// strictTarget is a profile-like target on the fake: no extensions, no
// issuer token (seed 000's Authorization is optional).
func strictTarget(fake *strictfake.Server) flows.Target {
	return flows.Target{
		Name: "strict", IssuingURL: fake.URL, ThreeDSURL: fake.URL, WalletURL: fake.URL,
		APIKey: "issuing-key", ThreeDSKey: "sk_live_strict", WalletToken: "wallet-token", HMACKey: "hmac-key",
		ProductID: "PRODUCT-1", CardholderID: strictfake.CardholderID, WalletID: strictfake.WalletID,
		CustomerID: strictfake.CustomerID, WebhookListen: "127.0.0.1:0", RequestExpiry: 5 * time.Minute,
	}
}

func openStrict(t *testing.T) (*flows.Session, *strictfake.Server) {
	t.Helper()
	fake := strictfake.New(strictfake.Config{HMACKey: []byte("hmac-key")})
	t.Cleanup(fake.Close)
	s, err := flows.Open(context.Background(), strictTarget(fake), flows.Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	fake.SetWebhook(s.WebhookURL(), []byte("hmac-key"))
	return s, fake
}

func fakeCard(outcome string) flows.Card {
	return flows.Card{CardholderID: strictfake.CardholderID, WalletID: strictfake.WalletID,
		CardID: strictfake.CardFor(outcome).CardID, CustomerID: strictfake.CustomerID}
}

func fakePurchase(outcome string, ch threeds.Channel) flows.PurchaseInput {
	return flows.PurchaseInput{Number: strictfake.CardFor(outcome).PAN, Month: 12, Year: 2030, Channel: ch,
		Customer: &threeds.Customer{Name: "Noura Cardholder", Email: "noura@example.com"}}
}

// seedsKept fails the test if walletsim broke the seeds, called anything
// they do not have, sent the fault header or an issuer token it was not
// given, or talked to the ACS (only the cardholder's browser may).
func seedsKept(t *testing.T, fake *strictfake.Server, allowed ...string) {
	t.Helper()
	for _, v := range fake.Violations() {
		if !contains(allowed, v.String()) {
			t.Errorf("broke the seeds: %s", v)
		}
	}
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/issuing/") && r.Header.Get("Authorization") != "" {
			t.Errorf("%s: Authorization sent without an issuing token", r)
		}
	}
	for _, r := range fake.ACSRequests() {
		if r.UserAgent != "strictfake-browser" {
			t.Errorf("walletsim talked to the ACS: %s (%s)", r, r.UserAgent)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestStrictEnrollmentLifecycle(t *testing.T) {
	ctx := context.Background()
	s, fake := openStrict(t)
	en := s.Enrollment(fakeCard("Y"))
	for i, r := range []flows.Result{en.Enroll(ctx, issuing.Email), en.View(ctx), en.Change(ctx, issuing.SMS), en.View(ctx)} {
		if !r.OK || r.Skipped {
			t.Fatalf("step %d: %v", i+1, r)
		}
	}
	if en.Method() != issuing.SMS || en.State() != flows.EnrollmentActive {
		t.Errorf("method %s, state %s", en.Method(), en.State())
	}
	if r := en.Unenroll(ctx); !r.OK || en.State() != flows.EnrollmentInactive {
		t.Errorf("unenroll: %v, state %s", r, en.State())
	}
	seedsKept(t, fake)
}

// TestStrictFrictionless: the authenticate answer is final, and the result
// step gives it (nothing to read afterwards), EMV purchase_date and all.
func TestStrictFrictionless(t *testing.T) {
	ctx := context.Background()
	s, fake := openStrict(t)
	for _, tc := range []struct{ outcome, eci string }{{"Y", "05"}, {"A", "06"}, {"N", ""}, {"R", ""}, {"U", ""}} {
		p := s.Purchase(fakePurchase(tc.outcome, threeds.Browser))
		if r := p.Start(ctx); r.TransStatus != tc.outcome || r.Err != nil {
			t.Fatalf("%s: start %v", tc.outcome, r)
		}
		if got := p.Authentication().PurchaseDate; !got.Readable() || got.IsZero() {
			t.Errorf("%s: purchase_date %+v", tc.outcome, got)
		}
		r := p.Result(ctx)
		if r.Skipped || r.TransStatus != tc.outcome || r.ECI != tc.eci || p.State() != flows.PurchaseDone ||
			!strings.Contains(r.Summary, "the authenticate answer") {
			t.Errorf("%s: result %+v", tc.outcome, r)
		}
	}
	seedsKept(t, fake)
}

// TestStrictChallenge: the cardholder answers the ACS's own page in a
// browser; walletsim neither reads nor answers it, sees the browser come
// back to its return_url, and says the final result is not readable.
func TestStrictChallenge(t *testing.T) {
	for _, code := range []string{"right", "cancel"} {
		t.Run(code, func(t *testing.T) {
			ctx := context.Background()
			s, fake := openStrict(t)
			if r := s.Enrollment(fakeCard("C")).Enroll(ctx, issuing.SMS); !r.OK {
				t.Fatal(r)
			}
			p := s.Purchase(fakePurchase("C", threeds.Browser))
			if r := p.Start(ctx); r.TransStatus != "C" {
				t.Fatal(r)
			}
			url := *p.Authentication().ChallengeURL
			for name, r := range map[string]flows.Result{"read": p.ReadChallenge(ctx), "submit": p.Submit(ctx, "123456"), "cancel": p.CancelChallenge(ctx)} {
				if !r.Skipped || r.OK || !strings.Contains(r.Summary, "cardholder's browser") {
					t.Errorf("%s: %+v", name, r)
				}
			}
			if r := p.ReadChallenge(ctx); !strings.Contains(r.Summary, url) {
				t.Errorf("the skipped page does not say where to go: %s", r.Summary)
			}
			msg := <-fake.Challenges()
			answer := msg.Code
			if code == "cancel" {
				answer = "cancel"
			}
			browser := make(chan error, 1)
			go func() {
				_, status, err := fake.AnswerChallenge(ctx, msg.ChallengeURL, answer)
				if err == nil && status != 200 {
					err = &statusError{status}
				}
				browser <- err
			}()
			back := p.Returned(ctx)
			if err := <-browser; err != nil {
				t.Fatal("browser:", err)
			}
			if !back.OK || !strings.Contains(back.Summary, p.Authentication().ID) || p.State() != flows.PurchaseOver {
				t.Fatalf("returned: %+v, state %s", back, p.State())
			}
			final := p.Result(ctx)
			if !final.Skipped || !strings.Contains(final.Summary, "sent the cardholder back") ||
				!strings.Contains(final.Summary, "not readable on strict") {
				t.Errorf("result: %+v", final)
			}
			seedsKept(t, fake)
		})
	}
}

type statusError struct{ status int }

func (e *statusError) Error() string { return fmt.Sprintf("return page: HTTP %d", e.status) }

// TestStrictDecoupled: the wallet gets the signed webhook (its timestamp in
// the platform's own format), answers with seed 002's verify, and the
// merchant's wait ends with the wallet's 201 and the reason no final result
// can be read.
func TestStrictDecoupled(t *testing.T) {
	for _, d := range []flows.Decision{{Status: wallet.Verified}, {Status: wallet.Rejected}, flows.Expired} {
		t.Run(string(d.Status), func(t *testing.T) {
			ctx := context.Background()
			s, fake := openStrict(t)
			p := s.Purchase(fakePurchase("D", threeds.Decoupled))
			if r := p.Start(ctx); r.TransStatus != "D" {
				t.Fatal(r)
			}
			awaited := make(chan flows.Result, 1)
			go func() { awaited <- p.Await(ctx, time.Hour) }() // the interval is never used: nothing is polled
			w := s.Wallet()
			pending, r := w.Next(ctx)
			if !r.OK || !pending.Event.Timestamp.Readable() || pending.Event.LastFourDigits != "0040" {
				t.Fatalf("next: %v %+v", r, pending)
			}
			if dec := w.Decide(ctx, pending, d); !dec.OK || dec.HTTPStatus != 201 || dec.Status != string(d.Status) {
				t.Fatalf("decide: %+v", dec)
			}
			final := <-awaited
			if !final.Skipped || !strings.Contains(final.Summary, "The wallet reported "+string(d.Status)) || p.State() != flows.PurchaseOver {
				t.Errorf("await: %+v", final)
			}
			if r := p.Result(ctx); !r.Skipped || r.Summary != final.Summary {
				t.Errorf("result: %+v", r)
			}
			seedsKept(t, fake)
		})
	}
}

// TestStrictNegative: the documented errors are provoked and read, each
// request breaking the seeds exactly as meant; omit_method leaves the field
// out (the platform answers "must not be null", not "must be one of");
// the fault header is never sent to a target that is not a walletsim
// sandbox.
func TestStrictNegative(t *testing.T) {
	ctx := context.Background()
	s, fake := openStrict(t)
	s.SetOverrides(flows.Overrides{Fault: "status=503"})
	if r := s.Purchase(fakePurchase("Y", threeds.Browser)).Start(ctx); r.TransStatus != "Y" {
		t.Errorf("with a fault asked for: %v", r)
	}
	s.SetOverrides(flows.Overrides{Credentials: "none"})
	if r := s.Purchase(fakePurchase("Y", threeds.Browser)).Start(ctx); r.HTTPStatus != 401 || !strings.Contains(r.Summary, "Missing authentication information") {
		t.Errorf("no credentials: %v", r)
	}
	s.SetOverrides(flows.Overrides{NoValidate: true})
	bad := fakePurchase("Y", threeds.Browser)
	bad.Month = 13
	if r := s.Purchase(bad).Start(ctx); r.HTTPStatus != 422 || len(r.FieldErrors) != 1 || r.FieldErrors[0].Field != "month" {
		t.Errorf("422: %+v", r)
	}
	p := s.Purchase(fakePurchase("D", threeds.Decoupled))
	p.Start(ctx)
	w := s.Wallet()
	pending, _ := w.Next(ctx)
	r := w.Decide(ctx, pending, flows.Decision{Status: wallet.Verified, OmitMethod: true})
	if r.HTTPStatus != 400 || r.ErrorCode != "5068" || len(r.FieldErrors) != 1 || r.FieldErrors[0].Field != "verification.method" {
		t.Errorf("omit_method: %+v", r)
	}
	s.SetOverrides(flows.Overrides{})
	if r := s.Enrollment(fakeCard("Y")).Unenroll(ctx); r.HTTPStatus != 400 {
		t.Errorf("not enrolled: %v", r)
	}
	seedsKept(t, fake,
		"POST /v1/3ds/"+idOf(fake, 1)+"/authenticate: seed 004: no credentials (documented answer: 401)",
		"POST /v1/3ds/"+idOf(fake, 2)+"/authenticate: seed 004: month: Must be between 1 and 12.",
		"POST /customers/"+strictfake.CustomerID+"/prepaid/cards/fake-card-d/3ds-authentications/"+pending.Event.Auth3dsID+
			": seed 002: verification.method: must not be null")
	if n := len(fake.Violations()); n != 3 {
		t.Errorf("%d violations, want the 3 meant: %v", n, fake.Violations())
	}
}

// idOf is the authentication id of the fake's n-th authenticate request
// (0-based), as walletsim chose it.
func idOf(fake *strictfake.Server, n int) string {
	i := 0
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/authenticate") {
			if i == n {
				return strings.TrimSuffix(strings.TrimPrefix(r.Path, "/v1/3ds/"), "/authenticate")
			}
			i++
		}
	}
	return "?"
}
