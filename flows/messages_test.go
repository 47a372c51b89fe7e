package flows_test

import (
	"context"
	"errors"
	"testing"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
)

// TestPurchaseMessages: a purchase's EMV messages as the TUI reads them —
// none before Start, AReq and ARes while the challenge waits, the whole
// exchange once it is passed (a wrong code, then the right one), valid by
// EMV's rules and agreeing with the result.
func TestPurchaseMessages(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if !s.UseThreeDSMessages() {
		t.Fatal("a sandbox session does not read messages")
	}
	tc, card := testCard(t, testcards.Challenge)
	if r := s.Enrollment(card).Enroll(ctx, issuing.SMS); !r.OK {
		t.Fatal(r)
	}
	p := s.Purchase(purchaseOf(tc, threeds.Browser))
	if _, err := p.Messages(ctx); !errors.Is(err, flows.ErrState) {
		t.Fatalf("before Start: %v, want ErrState", err)
	}
	p.Start(ctx)
	steps, err := p.Messages(ctx)
	if err != nil || len(steps) != 4 {
		t.Fatalf("while challenged: %d steps, %v", len(steps), err)
	}
	if ares, _ := emv.Find[emv.ARes](steps); ares.TransStatus != emv.ChallengeRequired {
		t.Errorf("ARes %s, want C", ares.TransStatus)
	}
	p.Submit(ctx, "000000")
	msg, _ := p.CodeFromInbox(ctx, card.CardholderID)
	p.Submit(ctx, msg.Code)
	final := p.Result(ctx)
	steps, err = p.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if vs := emv.CheckExchange(steps); len(vs) > 0 {
		t.Errorf("the exchange breaks EMV's rules: %v", vs)
	}
	rreq, _ := emv.Find[emv.RReq](steps)
	cres, _ := emv.Find[emv.CRes](steps)
	if byID, err := s.Messages(ctx, p.Authentication().ID); err != nil || len(byID) != len(steps) {
		t.Errorf("by id: %d steps, %v", len(byID), err)
	}
	if _, err := s.Messages(ctx, "no-such-purchase"); err == nil {
		t.Error("an unknown id has messages")
	}
	if len(steps) != 10 || rreq.TransStatus != emv.Authenticated || rreq.InteractionCounter != "02" ||
		rreq.ECI != final.ECI || rreq.AuthenticationValue != final.CAVV || cres.TransStatus != emv.Authenticated {
		t.Errorf("%d steps, RReq %+v, CRes %+v; result %+v", len(steps), rreq, cres, final)
	}
}

// TestMessagesWithoutExtensions: a 3DS server that is not walletsim's
// (the strict fake of the seeds) is never asked for messages: the
// purchase says so instead, and nothing off the seeds is sent.
func TestMessagesWithoutExtensions(t *testing.T) {
	ctx := context.Background()
	s, fake := openStrict(t)
	if s.UseThreeDSMessages() {
		t.Error("a strict session reads messages")
	}
	p := s.Purchase(fakePurchase("Y", threeds.Browser))
	if r := p.Start(ctx); !r.OK {
		t.Fatal(r)
	}
	if _, err := p.Messages(ctx); !errors.Is(err, flows.ErrNoMessages) {
		t.Errorf("Messages on a plain target: %v, want ErrNoMessages", err)
	}
	seedsKept(t, fake)
}
