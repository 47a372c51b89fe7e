package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/threeds"
)

// Purchase flow states.
const (
	PurchaseReady     = "ready"     // nothing sent yet
	PurchaseChallenge = "challenge" // the ACS wants a one-time code on its page
	PurchaseDecoupled = "decoupled" // the ACS asked the wallet; waiting for it
	PurchaseDone      = "done"      // a final transStatus is known
	PurchaseFailed    = "failed"    // the authentication could not start
)

// PurchaseInput is what the merchant knows of the purchase and the card.
type PurchaseInput struct {
	// ID is the authentication's id; when empty, the sandbox creates one
	// with the amount (a real target gets a fresh UUID).
	ID          string
	Amount      int64  // minor units
	Currency    string // ISO 4217
	Description string

	Number      string
	Month, Year int
	Name        string
	Channel     threeds.Channel
	Preference  threeds.ChallengePreference
	ReturnURL   string
	Customer    *threeds.Customer
	Billing     *threeds.Address
	Shipping    *threeds.Address
	Device      *threeds.Device
}

// PurchaseFlow is the merchant authenticating one purchase.
type PurchaseFlow struct {
	s  *Session
	in PurchaseInput
	machine

	mu        sync.Mutex // guards the fields below and in.ID
	auth      *threeds.Authentication
	challenge *acs.Challenge
	started   time.Time // when Start was called
	over      string    // how the cardholder finished, on a target without extensions
	// mark is the wallet's request count when Start began: this
	// purchase's request arrives after it.
	mark uint64
}

// Purchase returns a flow for one purchase.
func (s *Session) Purchase(in PurchaseInput) *PurchaseFlow {
	switch {
	case in.ReturnURL != "":
	case s.returns != nil: // the cardholder's browser comes back to walletsim
		in.ReturnURL = s.returns.URL()
	default: // a walletsim sandbox: its ACS page is read directly
		in.ReturnURL = "https://shop.example/3ds/return"
	}
	return &PurchaseFlow{s: s, in: in, machine: machine{s: s, flow: FlowPurchase, state: PurchaseReady}}
}

// Authentication is the 3DS server's latest answer (nil before Start).
func (p *PurchaseFlow) Authentication() *threeds.Authentication {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.auth
}

// Challenge is the ACS page as last read (nil when there is none).
func (p *PurchaseFlow) Challenge() *acs.Challenge {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.challenge
}

// Match recognises this purchase's request among those the wallet
// receives: the same amount, currency and card, sent after it started.
func (p *PurchaseFlow) Match() Match {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := Match{Amount: p.in.Amount, LastFour: lastFour(p.in.Number), After: p.mark}
	if p.auth != nil { // what the 3DS server registered (its default amount, on the sandbox)
		m.Amount, m.Currency = p.auth.Amount, p.auth.Currency
	}
	return m
}

func lastFour(number string) string {
	number = strings.ReplaceAll(number, " ", "")
	return number[max(0, len(number)-4):]
}

// ErrState is a step asked for in the wrong state.
var ErrState = errors.New("not possible in this state")

func (p *PurchaseFlow) require(states ...string) error {
	st := p.State()
	for _, s := range states {
		if st == s {
			return nil
		}
	}
	return fmt.Errorf("%w: the purchase is %s", ErrState, st)
}

// Start registers the purchase (on the sandbox) and asks the 3DS server to
// authenticate the card: the ACS answers frictionless, with a challenge, or
// decoupled.
func (p *PurchaseFlow) Start(ctx context.Context) Result {
	r := p.s.step(ctx, FlowPurchase, "authenticate", explainAuthenticate(p.in.Channel), func(ctx context.Context) Result {
		if err := p.require(PurchaseReady); err != nil {
			return failure(err)
		}
		mark := p.s.RequestMark() // before the ACS can send the wallet anything
		p.mu.Lock()
		p.started, p.mark = p.s.Now(), mark
		p.mu.Unlock()
		id := p.in.ID
		if id == "" && p.s.Target.Extensions {
			created, err := p.s.tds.Create(ctx, threeds.CreateRequest{Amount: p.in.Amount, Currency: p.in.Currency, Description: p.in.Description})
			if err != nil {
				return failure(err)
			}
			id = created.ID
		} else if id == "" {
			id = p.s.opts.NewID()
		}
		a, err := p.s.tds.Authenticate(ctx, id, p.request())
		if err != nil {
			return failure(err)
		}
		p.mu.Lock()
		p.in.ID, p.auth = id, a
		p.mu.Unlock()
		return authResult(a)
	})
	switch {
	case r.Err == nil && r.TransStatus == "C":
		p.set(PurchaseChallenge)
	case r.Err == nil && r.TransStatus == "D":
		p.set(PurchaseDecoupled)
	case r.Err == nil:
		p.set(PurchaseDone)
	case !r.Cancelled && !errors.Is(r.Err, ErrState):
		p.set(PurchaseFailed)
	}
	p.s.learn.started(p, r)
	return r
}

func (p *PurchaseFlow) request() threeds.AuthenticateRequest {
	in := p.in
	return threeds.AuthenticateRequest{
		Number: in.Number, Month: in.Month, Year: in.Year, Name: in.Name,
		Channel: in.Channel, ChallengePreference: in.Preference, ReturnURL: in.ReturnURL,
		Customer: in.Customer, BillingAddress: in.Billing, ShippingAddress: in.Shipping, CustomerDevice: in.Device,
	}
}

// authResult is the Result of the 3DS server's answer: OK unless the
// cardholder was not authenticated (N, R, U).
func authResult(a *threeds.Authentication) Result {
	ok := a.AuthStatus == "Y" || a.AuthStatus == "A" || a.AuthStatus == "C" || a.AuthStatus == "D"
	r := Result{OK: ok, HTTPStatus: 200, TransStatus: a.AuthStatus, ECI: deref(a.ECI), CAVV: deref(a.AuthValue),
		Status: a.Status, Message: a.Message, FailureReason: deref(a.FailureReason), Amount: Money{a.Amount, a.Currency}}
	if a.AuthStatus == "C" { // once the challenge is over, the URL is history
		r.ChallengeURL = deref(a.ChallengeURL)
	}
	if a.AuthStatus == "C" || a.AuthStatus == "D" { // the ARes's, while it stands (EMV sends it with C or D only)
		r.ChallengeMandated = a.Meta.ARes.ACSChallengeMandated
	}
	r.Summary = TransStatusText(a.AuthStatus) + "."
	if r.ECI != "" {
		r.Summary += " ECI " + r.ECI + "."
	}
	r.add("transStatus", r.TransStatus)
	r.add("status", r.Status)
	r.add("message", r.Message)
	r.add("ECI", r.ECI)
	r.add("CAVV", r.CAVV)
	r.add("failure_reason", r.FailureReason)
	if reason := a.Meta.ARes.TransStatusReason; reason != "" && a.Meta.ARes.TransStatus == a.AuthStatus {
		r.add("transStatusReason", reason+" "+emv.CodeMeaning("transStatusReason", reason)) // the ARes's, when it was final
	}
	r.add("challenge_url", r.ChallengeURL)
	r.add("acsChallengeMandated", r.ChallengeMandated)
	r.add("scheme", a.Scheme)
	r.add("amount", r.Amount.String())
	r.add("id", a.ID)
	return r
}

// TransStatusText says what a transStatus means.
func TransStatusText(ts string) string {
	switch ts {
	case "Y":
		return "Authenticated (Y)"
	case "A":
		return "Attempted (A): the issuer could not authenticate, the attempt is proven"
	case "C":
		return "Challenge required (C): the cardholder must enter a one-time code"
	case "D":
		return "Decoupled (D): the issuer asks the cardholder's wallet"
	case "N":
		return "Not authenticated (N)"
	case "R":
		return "Rejected (R): the issuer asks not to authorise"
	case "U":
		return "Could not be performed (U)"
	case "I":
		return "Informational only (I)"
	}
	return "Status " + ts
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ReadChallenge opens the ACS challenge page.
func (p *PurchaseFlow) ReadChallenge(ctx context.Context) Result {
	r := p.s.step(ctx, FlowPurchase, "challenge", explainChallengePage, func(ctx context.Context) Result {
		if err := p.require(PurchaseChallenge, PurchaseDone); err != nil {
			return failure(err)
		}
		if p.plain() {
			return p.challengeSkipped()
		}
		ch, err := p.s.acs.Challenge(ctx, deref(p.Authentication().ChallengeURL))
		if err != nil {
			return failure(err)
		}
		return p.challengeResult(ch)
	})
	p.s.learn.read(p, r)
	return r
}

func (p *PurchaseFlow) challengeResult(ch *acs.Challenge) Result {
	p.mu.Lock()
	p.challenge = ch
	p.mu.Unlock()
	left := ch.AttemptsLeft
	r := Result{OK: true, HTTPStatus: 200, Summary: ch.Message, TransStatus: ch.TransStatus,
		AttemptsLeft: &left, Amount: Money{ch.Amount, ch.Currency}}
	r.add("merchant", ch.Merchant)
	r.add("amount", ch.AmountDisplay) // as the ACS's page shows it
	r.add("card", "•••• "+ch.CardLastFour)
	r.add("sent by", ch.Channel)
	r.add("to", ch.Destination)
	r.add("attempts_left", strconv.Itoa(left))
	r.add("transStatus", ch.TransStatus)
	return r
}

// ErrNoCode means the cardholder's inbox has no code for this purchase.
var ErrNoCode = errors.New("no one-time code for this purchase in the cardholder's inbox yet")

// CodeFromInbox reads the one-time code the ACS sent for this purchase, as
// the cardholder would on their phone or in their mailbox (sandbox only).
func (p *PurchaseFlow) CodeFromInbox(ctx context.Context, cardholderID string) (acs.Message, Result) {
	var msg acs.Message
	r := p.s.step(ctx, FlowPurchase, "inbox", explainInbox, func(ctx context.Context) Result {
		if p.plain() {
			return p.inboxSkipped()
		}
		msgs, err := p.s.acs.Inbox(ctx, cardholderID)
		if err != nil {
			return failure(err)
		}
		id := p.Authentication().ID
		for _, m := range msgs {
			if m.AuthenticationID == id {
				msg = m
				r := Result{OK: true, HTTPStatus: 200, Summary: m.Channel + " to " + m.To + ": " + m.Body}
				r.add("code", m.Code)
				return r
			}
		}
		return failure(ErrNoCode)
	})
	if r.OK {
		p.s.emit(Event{Flow: FlowPurchase, Step: "inbox", Kind: Received, Note: msg.Channel + " from " + msg.From + ": " + msg.Body})
	}
	return msg, r
}

// Submit types code into the challenge page.
func (p *PurchaseFlow) Submit(ctx context.Context, code string) Result {
	return p.answerChallenge(ctx, "submit", explainSubmit, func(ctx context.Context, url string) (*acs.Challenge, error) {
		return p.s.acs.Submit(ctx, url, code)
	})
}

// CancelChallenge presses the page's Cancel button.
func (p *PurchaseFlow) CancelChallenge(ctx context.Context) Result {
	return p.answerChallenge(ctx, "cancel", explainCancel, func(ctx context.Context, url string) (*acs.Challenge, error) {
		return p.s.acs.Cancel(ctx, url)
	})
}

func (p *PurchaseFlow) answerChallenge(ctx context.Context, step string, explain *Explanation,
	call func(context.Context, string) (*acs.Challenge, error)) Result {
	r := p.s.step(ctx, FlowPurchase, step, explain, func(ctx context.Context) Result {
		if err := p.require(PurchaseChallenge); err != nil {
			return failure(err)
		}
		if p.plain() {
			return p.challengeSkipped()
		}
		ch, err := call(ctx, deref(p.Authentication().ChallengeURL))
		if err != nil {
			return failure(err)
		}
		r := p.challengeResult(ch)
		r.OK = ch.TransStatus == "Y" || ch.TransStatus == "C"
		return r
	})
	if r.TransStatus != "" && r.TransStatus != "C" {
		p.set(PurchaseDone)
	}
	p.s.learn.answered(p, step, r)
	return r
}

// Result reads the authentication's final result from the 3DS server. On a
// target without extensions that is the authenticate answer when it was
// final; otherwise the step is skipped, saying why (see plainResult).
func (p *PurchaseFlow) Result(ctx context.Context) Result {
	r := p.s.step(ctx, FlowPurchase, "result", explainResult, func(ctx context.Context) Result {
		if p.plain() {
			return p.plainResult()
		}
		return p.fetch(ctx)
	})
	p.settle(r)
	return r
}

// Await polls the result every interval until it is final (or ctx ends):
// the merchant waiting while the cardholder answers in their wallet.
func (p *PurchaseFlow) Await(ctx context.Context, every time.Duration) Result {
	r := p.s.step(ctx, FlowPurchase, "await", explainAwait, func(ctx context.Context) Result {
		if p.plain() {
			return p.awaitPlain(ctx)
		}
		for {
			sent := p.s.Now()
			r := p.fetch(ctx)
			switch {
			case r.Err != nil && p.pollAgain(ctx, r.Err, sent):
			case r.Err != nil || r.TransStatus != "C" && r.TransStatus != "D":
				return r
			}
			select {
			case <-time.After(every):
			case <-ctx.Done():
				return failure(ctx.Err())
			}
		}
	})
	p.settle(r)
	return r
}

// pollAgain reports whether a poll sent at sent that got no answer (a
// timeout, a dropped connection) is worth sending again: a poll is
// idempotent, and the cardholder's wallet may still answer as long as the
// pending request's own deadline (Target.RequestExpiry after Start) had not
// passed when the poll was sent. One lost poll must not end the wait — on
// the virtual clock a poll in flight when the test clock moves on times
// out at once. The first poll sent after the deadline reads the request's
// outcome (expired), or ends the wait with its error.
func (p *PurchaseFlow) pollAgain(ctx context.Context, err error, sent time.Time) bool {
	var te *client.TransportError
	if ctx.Err() != nil || !errors.As(err, &te) {
		return false
	}
	return sent.Before(p.startedAt().Add(p.s.Target.RequestExpiry))
}

func (p *PurchaseFlow) fetch(ctx context.Context) Result {
	a := p.Authentication()
	if a == nil {
		return failure(fmt.Errorf("%w: the purchase was not started", ErrState))
	}
	got, err := p.s.tds.Get(ctx, a.ID)
	if err != nil {
		return failure(err)
	}
	p.mu.Lock()
	p.auth = got
	p.mu.Unlock()
	return authResult(got)
}

func (p *PurchaseFlow) settle(r Result) {
	if r.Err == nil && !r.Skipped && r.TransStatus != "C" && r.TransStatus != "D" {
		p.set(PurchaseDone)
	}
	p.s.learn.settled(p, r)
}
