package runner

import (
	"context"
	"strconv"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
)

// journey is one scenario's state between steps: the flows it has started.
type journey struct {
	s        *flows.Session
	sc       scenario.Scenario
	card     flows.Card
	enroll   *flows.EnrollmentFlow
	purchase *flows.PurchaseFlow   // the latest
	bought   []*flows.PurchaseFlow // every purchase, in order
	wallet   *flows.WalletFlow
	pending  *flows.Pending      // the request the wallet took last…
	pendFor  *flows.PurchaseFlow // …for this purchase
	log      *scenarioLog
}

func newJourney(s *flows.Session, sc scenario.Scenario, t flows.Target) *journey {
	card := flows.Card{CardholderID: t.CardholderID, WalletID: t.WalletID, CardID: t.CardID, CustomerID: t.CustomerID}
	if tc, ok := testcards.Lookup(sc.Card.Number); ok && t.Extensions {
		card = flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: tc.CardID, CustomerID: testcards.CustomerID}
	}
	override := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	override(&card.CardholderID, sc.Card.CardholderID)
	override(&card.WalletID, sc.Card.WalletID)
	override(&card.CardID, sc.Card.CardID)
	override(&card.CustomerID, sc.Card.CustomerID)
	card.Number = sc.Card.Number
	return &journey{s: s, sc: sc, card: card, enroll: s.Enrollment(card), wallet: s.Wallet()}
}

// errStep is a scenario that cannot run as written (a step out of order).
type errStep struct{ msg string }

func (e errStep) Error() string { return e.msg }

// run performs one step and checks its expectations.
func (j *journey) run(ctx context.Context, i int, st scenario.Step) *StepResult {
	sr := &StepResult{Index: i + 1, Line: st.Line, ExpectLine: st.Line, Action: st.Action()}
	if st.Expect != nil {
		sr.ExpectLine = st.Expect.Line
	}
	j.log.begin(i+1, st.Action())
	if st.Fault != "" && !j.s.Target.Extensions {
		// Never sent: the fault header means something only to a
		// walletsim sandbox.
		sr.Result = flows.Skip("Not sent: fault: asks a walletsim sandbox to misbehave (x-walletsim-fault), and " +
			j.s.Target.Name + " is not one.")
		sr.Failures = check(st.Expect, sr.Result)
		return sr
	}
	j.s.SetOverrides(flows.Overrides{Credentials: st.Credentials, NoValidate: st.NoValidate, Fault: st.Fault, Timeout: st.Timeout})
	r, err := j.do(ctx, st)
	if err != nil {
		sr.Error = err.Error()
		return sr
	}
	sr.Result = r
	sr.Failures = check(st.Expect, r)
	if len(sr.Failures) > 0 && noAnswer(r) && (st.Expect == nil || st.Expect.TransportError == nil) {
		// Nobody answered and nobody expected that: the target is down,
		// not the expectation wrong.
		sr.Error, sr.Failures = r.String(), nil
	}
	return sr
}

func (j *journey) do(ctx context.Context, st scenario.Step) (flows.Result, error) {
	switch {
	case st.Enroll != nil:
		return j.enroll.Enroll(ctx, st.Enroll.OTP), nil
	case st.View != nil:
		return j.enroll.View(ctx), nil
	case st.Change != nil:
		return j.enroll.Change(ctx, st.Change.OTP), nil
	case st.Unenroll != nil:
		return j.enroll.Unenroll(ctx), nil
	case st.Authenticate != nil:
		// A new purchase: the wallet steps that follow answer its request.
		j.purchase, j.pending = j.s.Purchase(j.input(st.Authenticate)), nil
		j.bought = append(j.bought, j.purchase)
		return j.purchase.Start(ctx), nil
	case st.Challenge != nil:
		return j.challenge(ctx, st.Challenge)
	case st.Wallet != nil:
		return j.walletStep(ctx, st.Wallet)
	case st.Wait != 0:
		if err := j.s.Wait(ctx, st.Wait); err != nil {
			return flows.Result{}, err
		}
		return flows.Result{OK: true, Summary: "Waited " + st.Wait.String() + "."}, nil
	case st.Result != nil:
		if j.purchase == nil {
			return flows.Result{}, errStep{"result: no purchase was authenticated before"}
		}
		return j.purchase.Result(ctx), nil
	}
	return flows.Result{}, errStep{"the step has no action"}
}

func (j *journey) input(a *scenario.AuthInput) flows.PurchaseInput {
	c := j.sc.Card
	return flows.PurchaseInput{
		ID: a.ID, Amount: a.Amount, Currency: a.Currency, Description: a.Description,
		Number: c.Number, Month: c.Month, Year: c.Year, Name: c.Name,
		Channel: a.Channel, Preference: a.ChallengePreference, ReturnURL: a.ReturnURL,
		Customer: (*threeds.Customer)(a.Customer), Billing: (*threeds.Address)(a.BillingAddress),
		Shipping: (*threeds.Address)(a.ShippingAddress), Device: (*threeds.Device)(a.CustomerDevice),
	}
}

func (j *journey) challenge(ctx context.Context, in *scenario.ChallengeInput) (flows.Result, error) {
	if j.purchase == nil || j.purchase.State() != flows.PurchaseChallenge && j.purchase.State() != flows.PurchaseDone {
		return flows.Result{}, errStep{"challenge: the purchase has no challenge (authenticate a challenged card first)"}
	}
	if in.Cancel {
		return j.purchase.CancelChallenge(ctx), nil
	}
	code := in.Code
	if code == scenario.CodeBrowser {
		// A person answers in a browser: give them the request's lifetime.
		wctx, cancel := context.WithTimeout(ctx, max(j.s.Target.RequestExpiry, 10*time.Second))
		defer cancel()
		return j.purchase.Returned(wctx), nil
	}
	if code == scenario.CodeInbox || code == scenario.CodeWrong {
		msg, r := j.purchase.CodeFromInbox(ctx, j.card.CardholderID)
		if !r.OK {
			return r, nil
		}
		code = msg.Code
		if in.Code == scenario.CodeWrong {
			code = wrongCode(msg.Code)
		}
	}
	return j.purchase.Submit(ctx, code), nil
}

// wrongCode is a code of the same length that is surely not right.
func wrongCode(right string) string {
	b := []byte(right)
	for i := range b {
		b[i] = '0' + (b[i]-'0'+1)%10
	}
	return string(b)
}

func (j *journey) walletStep(ctx context.Context, in *scenario.WalletInput) (flows.Result, error) {
	purchase := j.purchase
	if in.Purchase > 0 {
		if in.Purchase > len(j.bought) {
			return flows.Result{}, errStep{"wallet: purchase " + strconv.Itoa(in.Purchase) + ": only " + strconv.Itoa(len(j.bought)) + " purchases were authenticated before"}
		}
		purchase = j.bought[in.Purchase-1]
	}
	if purchase != j.pendFor {
		j.pending, j.pendFor = nil, purchase
	}
	if j.pending == nil || in.Auth3dsID != "" {
		var p flows.Pending
		var r flows.Result
		if in.Auth3dsID != "" {
			p, r = j.wallet.Manual(ctx, j.card.CustomerID, j.card.CardID, in.Auth3dsID)
		} else {
			// The request of this scenario's purchase, never simply the
			// first to arrive: another purchase's stays queued for it.
			var m flows.Match
			if purchase != nil {
				m = purchase.Match()
			}
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			p, r = j.wallet.For(wctx, m)
			cancel()
		}
		if !r.OK {
			return r, nil
		}
		j.pending = &p
	}
	if in.Decision == "" {
		return flows.Result{OK: true, Summary: "The request is waiting for the cardholder."}, nil
	}
	r := j.wallet.Decide(ctx, *j.pending, flows.Decision{Status: in.Decision, Reason: in.Reason, OmitMethod: in.OmitMethod})
	return r, nil
}
