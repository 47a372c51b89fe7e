package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
)

// journey is one scenario's state between steps: the flows it has started.
type journey struct {
	s        *flows.Session
	sc       scenario.Scenario
	card     flows.Card
	enroll   *flows.EnrollmentFlow
	purchase *flows.PurchaseFlow
	wallet   *flows.WalletFlow
	pending  *flows.Pending
	log      *scenarioLog
}

func newJourney(s *flows.Session, sc scenario.Scenario, t flows.Target) *journey {
	card := flows.Card{CardholderID: t.CardholderID, WalletID: t.WalletID, CardID: t.CardID, CustomerID: t.CustomerID}
	if tc, ok := sandbox.Lookup(sc.Card.Number); ok && t.Extensions {
		card = flows.Card{CardholderID: sandbox.CardholderID, WalletID: sandbox.WalletID, CardID: tc.CardID, CustomerID: sandbox.CustomerID}
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
	return &journey{s: s, sc: sc, card: card, enroll: s.Enrollment(card), wallet: s.Wallet()}
}

// errStep is a scenario that cannot run as written (a step out of order).
type errStep struct{ msg string }

func (e errStep) Error() string { return e.msg }

// run performs one step and checks its expectations.
func (j *journey) run(ctx context.Context, i int, st scenario.Step) *StepResult {
	sr := &StepResult{Index: i + 1, Line: st.Line, ExpectLine: st.Line, Action: st.Action}
	if st.Expect != nil {
		sr.ExpectLine = st.Expect.Line
	}
	j.log.begin(i+1, st.Action)
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
	var te *client.TransportError
	if len(sr.Failures) > 0 && errors.As(r.Err, &te) && (st.Expect == nil || st.Expect.TransportError == nil) {
		// Nobody answered and nobody expected that: the target is down,
		// not the expectation wrong.
		sr.Error, sr.Failures = r.String(), nil
	}
	return sr
}

func (j *journey) do(ctx context.Context, st scenario.Step) (flows.Result, error) {
	switch st.Action {
	case scenario.Enroll:
		return j.enroll.Enroll(ctx, st.OTP), nil
	case scenario.View:
		return j.enroll.View(ctx), nil
	case scenario.Change:
		return j.enroll.Change(ctx, st.OTP), nil
	case scenario.Unenroll:
		return j.enroll.Unenroll(ctx), nil
	case scenario.Authenticate:
		j.purchase = j.s.Purchase(j.input(st.Authenticate))
		return j.purchase.Start(ctx), nil
	case scenario.Challenge:
		return j.challenge(ctx, st.Challenge)
	case scenario.Wallet:
		return j.walletStep(ctx, st.Wallet)
	case scenario.Wait:
		if err := j.s.Wait(ctx, st.Wait); err != nil {
			return flows.Result{}, err
		}
		return flows.Result{OK: true, Summary: "Waited " + st.Wait.String() + "."}, nil
	case scenario.Result:
		if j.purchase == nil {
			return flows.Result{}, errStep{"result: no purchase was authenticated before"}
		}
		return j.purchase.Result(ctx), nil
	}
	return flows.Result{}, errStep{"unknown action " + st.Action}
}

func (j *journey) input(a *scenario.AuthInput) flows.PurchaseInput {
	c := j.sc.Card
	return flows.PurchaseInput{
		ID: a.ID, Amount: a.Amount, Currency: a.Currency, Description: a.Description,
		Number: c.Number, Month: c.Month, Year: c.Year, Name: c.Name,
		Channel: a.Channel, Preference: a.ChallengePreference, ReturnURL: a.ReturnURL,
		Customer: a.Customer, Billing: a.BillingAddress, Shipping: a.ShippingAddress, Device: a.CustomerDevice,
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
	if j.pending == nil || in.Auth3dsID != "" {
		var p flows.Pending
		var r flows.Result
		if in.Auth3dsID != "" {
			p, r = j.wallet.Manual(ctx, j.card.CustomerID, j.card.CardID, in.Auth3dsID)
		} else {
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			p, r = j.wallet.Next(wctx)
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

// check lists the expectations r does not meet. With no expectations, the
// step must have succeeded.
func check(e *scenario.Expect, r flows.Result) []string {
	if r.Skipped {
		// Not done on this target: fine, unless something was expected
		// of it, which then fails with the reason.
		if e == nil {
			return nil
		}
		unsaid := r
		unsaid.Summary = "" // said once, before
		failures := expectations(e, unsaid)
		for i, f := range failures {
			failures[i], _, _ = strings.Cut(f, ", got ") // there is nothing to have got
		}
		if len(failures) > 0 {
			return []string{"skipped — " + r.Summary + " — so this cannot hold: " + strings.Join(failures, "; ")}
		}
		return nil
	}
	return expectations(e, r)
}

// expectations lists the expectations r does not meet.
func expectations(e *scenario.Expect, r flows.Result) []string {
	if e == nil {
		if !r.OK {
			return []string{"expected success, got: " + r.String()}
		}
		return nil
	}
	var out []string
	fail := func(field, want, got string) {
		out = append(out, fmt.Sprintf("%s: expected %s, got %s", field, want, got))
	}
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	var te *client.TransportError
	noAnswer := errors.As(r.Err, &te)
	if e.OK != nil && *e.OK != r.OK {
		fail("ok", fmt.Sprint(*e.OK), fmt.Sprint(r.OK)+" ("+r.String()+")")
	}
	if e.TransportError != nil && *e.TransportError != noAnswer {
		fail("transport_error", fmt.Sprint(*e.TransportError), fmt.Sprint(noAnswer)+" ("+r.String()+")")
	}
	if e.Status != 0 && e.Status != r.HTTPStatus {
		fail("status", fmt.Sprint(e.Status), fmt.Sprint(r.HTTPStatus)+" ("+r.String()+")")
	}
	if e.TransStatus != "" && e.TransStatus != r.TransStatus {
		fail("trans_status", e.TransStatus, q(r.TransStatus))
	}
	if e.ECI != nil && *e.ECI != r.ECI {
		fail("eci", q(*e.ECI), q(r.ECI))
	}
	switch {
	case e.CAVV == "present" && r.CAVV == "", e.CAVV == "absent" && r.CAVV != "":
		fail("cavv", e.CAVV, q(r.CAVV))
	case e.CAVV != "" && e.CAVV != "present" && e.CAVV != "absent" && e.CAVV != r.CAVV:
		fail("cavv", q(e.CAVV), q(r.CAVV))
	}
	if e.Message != "" && !strings.Contains(r.String(), e.Message) {
		fail("message", "a summary containing "+q(e.Message), q(r.String()))
	}
	if e.ErrorCode != "" && e.ErrorCode != r.ErrorCode {
		fail("error_code", q(e.ErrorCode), q(r.ErrorCode))
	}
	if e.ErrorFields != nil {
		var got []string
		for _, f := range r.FieldErrors {
			if !slices.Contains(got, f.Field) {
				got = append(got, f.Field)
			}
		}
		want := append([]string(nil), e.ErrorFields...)
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			fail("error_fields", fmt.Sprint(want), fmt.Sprint(got))
		}
	}
	if e.AttemptsLeft != nil && fmt.Sprint(*e.AttemptsLeft) != r.Get("attempts_left") {
		fail("attempts_left", fmt.Sprint(*e.AttemptsLeft), q(r.Get("attempts_left")))
	}
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		if got := r.Get(k); got != e.Fields[k] {
			fail("fields."+k, q(e.Fields[k]), q(got))
		}
	}
	return out
}
