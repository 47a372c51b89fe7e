package flows_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/course"
)

// learning opens a sandbox session that feeds a journal.
func learning(t *testing.T) (*flows.Session, *course.Journal) {
	t.Helper()
	j := &course.Journal{}
	sb := sandbox.New(sandbox.Config{})
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	sb.SetBaseURL(srv.URL)
	target := flows.SandboxTarget()
	target.IssuingURL, target.ThreeDSURL, target.WalletURL = srv.URL, srv.URL, srv.URL
	s, err := flows.Open(context.Background(), target, flows.Options{Journal: j, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	sb.SetWebhook(s.WebhookURL(), []byte(target.HMACKey))
	return s, j
}

// exercise is a shipped lesson's exercise.
func exercise(t *testing.T, lesson, id string) course.Exercise {
	t.Helper()
	c, err := course.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range c.Lesson(lesson).Exercises {
		if ex.ID == id {
			return ex
		}
	}
	t.Fatalf("no exercise %s/%s", lesson, id)
	return course.Exercise{}
}

// only is the journal's one purchase.
func only(t *testing.T, j *course.Journal) course.Purchase {
	t.Helper()
	rec := j.Snapshot()
	if len(rec.Purchases) != 1 {
		t.Fatalf("%d purchases in the journal, want 1: %+v", len(rec.Purchases), rec.Purchases)
	}
	return rec.Purchases[0]
}

func TestJournalFrictionless(t *testing.T) {
	s, j := learning(t)
	tc, _ := testCard(t, testcards.Frictionless)
	in := purchaseOf(tc, threeds.Browser)
	in.Preference = threeds.NoChallenge
	if r := s.Purchase(in).Start(context.Background()); r.TransStatus != "Y" {
		t.Fatal(r)
	}
	p := only(t, j)
	if p.AResStatus != "Y" || p.Status != "Y" || p.ECI != "05" || p.CAVV == "" || p.Scheme != "visa" ||
		p.Channel != "browser" || p.Preference != "no_challenge" || p.CardLastFour != tc.LastFour() || p.At.IsZero() {
		t.Fatalf("%+v", p)
	}
	if g := exercise(t, "frictionless", "frictionless-y").Grade(j.Snapshot(), ""); !g.Passed {
		t.Fatal(g)
	}
	// Without its messages, an exercise that asks for them says so.
	if g := exercise(t, "parties", "first-messages").Grade(j.Snapshot(), ""); g.Passed {
		t.Fatal("passed without messages")
	}
}

// TestJournalChallenge: a wrong code, then the right one; the code went by
// email.
func TestJournalChallenge(t *testing.T) {
	ctx := context.Background()
	s, j := learning(t)
	tc, card := testCard(t, testcards.Challenge)
	if r := s.Enrollment(card).Enroll(ctx, issuing.Email); !r.OK {
		t.Fatal(r)
	}
	p := s.Purchase(purchaseOf(tc, threeds.Browser))
	if r := p.Start(ctx); r.TransStatus != "C" {
		t.Fatal(r)
	}
	if r := p.ReadChallenge(ctx); !r.OK {
		t.Fatal(r)
	}
	msg, r := p.CodeFromInbox(ctx, testcards.CardholderID)
	if !r.OK {
		t.Fatal(r)
	}
	if r := p.Submit(ctx, wrongCode(msg.Code)); r.TransStatus != "C" {
		t.Fatal(r)
	}
	if g := exercise(t, "challenge", "wrong-then-right").Grade(j.Snapshot(), ""); g.Passed {
		t.Fatal("passed before the challenge ended")
	}
	if r := p.Submit(ctx, msg.Code); r.TransStatus != "Y" {
		t.Fatal(r)
	}
	if r := p.Result(ctx); r.TransStatus != "Y" {
		t.Fatal(r)
	}
	got := only(t, j)
	if got.AResStatus != "C" || got.Status != "Y" || got.WrongCodes != 1 || got.Interactions != 2 || got.OTP != "EMAIL" || got.ECI != "05" {
		t.Fatalf("%+v", got)
	}
	for _, id := range []string{"challenge-pass", "wrong-then-right"} {
		if g := exercise(t, "challenge", id).Grade(j.Snapshot(), ""); !g.Passed {
			t.Errorf("%s: %v", id, g)
		}
	}
	if g := exercise(t, "enrollment", "code-by-email").Grade(j.Snapshot(), ""); !g.Passed {
		t.Error(g)
	}
	rec := j.Snapshot()
	if len(rec.Enrollments) != 1 || rec.Enrollments[0].Action != course.Enrolled || rec.Enrollments[0].Method != "EMAIL" {
		t.Fatalf("%+v", rec.Enrollments)
	}
	if g := exercise(t, "enrollment", "enroll-sms").Grade(rec, ""); g.Passed || len(g.Missing) < 2 {
		t.Fatalf("an EMAIL enrollment passed the SMS exercise: %v", g)
	}
}

func TestJournalCancel(t *testing.T) {
	ctx := context.Background()
	s, j := learning(t)
	tc, card := testCard(t, testcards.Challenge)
	if r := s.Enrollment(card).Enroll(ctx, issuing.SMS); !r.OK {
		t.Fatal(r)
	}
	p := s.Purchase(purchaseOf(tc, threeds.Browser))
	p.Start(ctx)
	p.ReadChallenge(ctx)
	if r := p.CancelChallenge(ctx); r.TransStatus == "C" || r.Err != nil {
		t.Fatal(r)
	}
	got := only(t, j)
	if got.Cancel != string(emv.CancelByCardholder) || got.Status == "" || got.WrongCodes != 0 || got.OTP != "SMS" {
		t.Fatalf("%+v", got)
	}
}

// TestJournalWallet: the wallet's decision lands on its purchase, even
// with another card's purchase started after it.
func TestJournalWallet(t *testing.T) {
	for _, st := range []wallet.Status{wallet.Verified, wallet.Rejected} {
		t.Run(string(st), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, j := learning(t)
			tc, card := testCard(t, testcards.Decoupled)
			if r := s.Enrollment(card).Enroll(ctx, issuing.SMS); !r.OK {
				t.Fatal(r)
			}
			p := s.Purchase(purchaseOf(tc, threeds.Decoupled))
			if r := p.Start(ctx); r.TransStatus != "D" {
				t.Fatal(r)
			}
			other, _ := testCard(t, testcards.Frictionless)
			s.Purchase(purchaseOf(other, threeds.Browser)).Start(ctx)
			w := s.Wallet()
			pending, r := w.For(ctx, p.Match())
			if !r.OK {
				t.Fatal(r)
			}
			w.Decide(ctx, pending, flows.Decision{Status: st})
			p.Await(ctx, 10*time.Millisecond)
			rec := j.Snapshot()
			var got course.Purchase
			for _, each := range rec.Purchases {
				if each.ID == p.Authentication().ID {
					got = each
				} else if each.Wallet != "" {
					t.Errorf("the decision landed on %+v", each)
				}
			}
			if got.Wallet != string(st) || got.AResStatus != "D" || got.Channel != "decoupled" {
				t.Fatalf("%+v", got)
			}
			want, ex := "Y", exercise(t, "decoupled", "approve-read-cavv")
			if st == wallet.Rejected {
				want, ex = "N", exercise(t, "decoupled", "reject")
			}
			if got.Status != want {
				t.Fatalf("status %s, want %s", got.Status, want)
			}
			g := ex.Grade(rec, "")
			if st == wallet.Rejected && !g.Passed || st == wallet.Verified && g.Passed {
				t.Fatalf("%s: %v", ex.ID, g) // approve-read-cavv still wants the CAVV typed
			}
		})
	}
}

// TestJournalMessages: the seam where the EMV messages arrive. A session
// on a walletsim sandbox reads them (flows.Open turns the reader on), and
// they are the authority: the purchase's dsTransID is known only once they
// are read, and reading them puts them in the journal for the course.
func TestJournalMessages(t *testing.T) {
	ctx := context.Background()
	s, j := learning(t)
	if !s.ReadsMessages() {
		t.Fatal("a session on the sandbox does not read EMV messages")
	}
	tc, _ := testCard(t, testcards.Frictionless)
	p := s.Purchase(purchaseOf(tc, threeds.Browser))
	r := p.Start(ctx)
	ex := exercise(t, "parties", "first-messages")
	if g := ex.Grade(j.Snapshot(), ""); g.Passed {
		t.Fatalf("passed before the messages were read: %v", g)
	}
	steps, err := p.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vs := emv.CheckExchange(steps); len(vs) > 0 {
		t.Errorf("the exchange breaks EMV's rules: %v", vs)
	}
	ares, ok := emv.Find[emv.ARes](steps)
	if !ok || ares.DSTransID == "" || ares.TransStatus != emv.Authenticated {
		t.Fatalf("no ARes Y with a dsTransID in %d steps: %+v", len(steps), ares)
	}
	if g := ex.Grade(j.Snapshot(), ""); g.Passed || len(g.Missing) != 1 {
		t.Fatalf("passed without the dsTransID typed: %v", g)
	}
	if g := ex.Grade(j.Snapshot(), "not-the-id"); g.Passed {
		t.Fatal("a wrong dsTransID passed")
	}
	if g := ex.Grade(j.Snapshot(), ares.DSTransID); !g.Passed {
		t.Fatal(g)
	}
	if got := only(t, j); got.CAVV != r.CAVV || got.CAVV != ares.AuthenticationValue || len(got.Messages) != len(steps) {
		t.Fatalf("journal %+v; result CAVV %q, ARes's %q", got, r.CAVV, ares.AuthenticationValue)
	}
}

func wrongCode(right string) string {
	b := []byte(right)
	for i := range b {
		b[i] = '0' + (b[i]-'0'+1)%10
	}
	return string(b)
}

// TestJournalThreeWrongCodes: the page gives up after the third wrong
// code (N); each one counts.
func TestJournalThreeWrongCodes(t *testing.T) {
	ctx := context.Background()
	s, j := learning(t)
	tc, card := testCard(t, testcards.Challenge)
	if r := s.Enrollment(card).Enroll(ctx, issuing.SMS); !r.OK {
		t.Fatal(r)
	}
	p := s.Purchase(purchaseOf(tc, threeds.Browser))
	p.Start(ctx)
	p.ReadChallenge(ctx)
	msg, _ := p.CodeFromInbox(ctx, testcards.CardholderID)
	var r flows.Result
	for range 3 {
		r = p.Submit(ctx, wrongCode(msg.Code))
	}
	if r.TransStatus != "N" {
		t.Fatalf("after three wrong codes: %+v", r)
	}
	got := only(t, j)
	if got.WrongCodes != 3 || got.Interactions != 3 || got.Status != "N" {
		t.Fatalf("%+v", got)
	}
	g := exercise(t, "outcomes", "too-many-codes").Grade(j.Snapshot(), "")
	if g.Passed || !strings.Contains(g.String(), "now find its RReq.transStatusReason") {
		t.Fatalf("%v", g)
	}
}

// TestJournalEnrollmentCard: an enrollment change names its card by the
// last four digits of the number the flow was given, so that a team's
// lesson can ask for a change to one card (enrollment's card:).
func TestJournalEnrollmentCard(t *testing.T) {
	ctx := context.Background()
	s, j := learning(t)
	lesson, err := course.Parse("our-issuer.md", []byte(`---
id: our-issuer
title: Our issuer
order: 35
summary: Enroll our challenge card.
exercises:
  - id: enroll-0036
    task: Enroll the card ending 0036 with codes by EMAIL.
    enrollment:
      action: enrolled
      method: EMAIL
      card: "0036"
---
# Our issuer
`))
	if err != nil {
		t.Fatal(err)
	}
	ex := lesson.Exercises[0]
	other, otherCard := testCard(t, testcards.Decoupled)
	otherCard.Number = other.PAN
	if r := s.Enrollment(otherCard).Enroll(ctx, issuing.Email); !r.OK {
		t.Fatal(r)
	}
	g := ex.Grade(j.Snapshot(), "")
	if want := "card (last four digits) was " + other.LastFour() + ", wanted 0036."; g.Passed || !strings.Contains(g.String(), want) {
		t.Fatalf("another card's enrollment: %v, want %q", g, want)
	}
	tc, card := testCard(t, testcards.Challenge)
	card.Number = tc.PAN
	if r := s.Enrollment(card).Enroll(ctx, issuing.Email); !r.OK {
		t.Fatal(r)
	}
	if g := ex.Grade(j.Snapshot(), ""); !g.Passed {
		t.Fatal(g)
	}
	rec := j.Snapshot()
	if got := rec.Enrollments[len(rec.Enrollments)-1].CardLastFour; got != "0036" {
		t.Fatalf("the change names the card %q", got)
	}
}
