package flows

import (
	"context"
	"sync"

	"github.com/walletsim/walletsim/client/issuing"
)

// Enrollment states: what walletsim last learned of the card's enrollment.
const (
	EnrollmentUnknown  = "unknown"
	EnrollmentActive   = "enrolled"
	EnrollmentInactive = "not enrolled"
)

// Card identifies a card to the issuer (and, for a wallet, to the wallet
// platform).
type Card struct {
	CardholderID, WalletID, CardID, CustomerID string
	// Number is the card's number, when known. It is never sent to the
	// issuer, whose API names the card by its ids: it is how the course's
	// journal names the card an enrollment change was for (its last four
	// digits), as it names a purchase's.
	Number string
}

// EnrollmentFlow enrolls a card in the issuer's 3DS program, shows it,
// changes the OTP method and unenrolls it. The issuer's answer is the truth:
// every operation is sent whatever the flow last saw, so that QA can see the
// issuer's errors too.
type EnrollmentFlow struct {
	s    *Session
	card Card
	machine

	mu     sync.Mutex // guards method
	method issuing.OTPMethod
}

// Enrollment returns the enrollment flow of card.
func (s *Session) Enrollment(card Card) *EnrollmentFlow {
	return &EnrollmentFlow{s: s, card: card, machine: machine{s: s, flow: FlowEnrollment, state: EnrollmentUnknown}}
}

// Method is the OTP method the flow last learned (when enrolled).
func (e *EnrollmentFlow) Method() issuing.OTPMethod {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.method
}

func (e *EnrollmentFlow) ref() issuing.Card {
	return issuing.Card{CardholderID: e.card.CardholderID, WalletID: e.card.WalletID, CardID: e.card.CardID}
}

// Enroll enrolls the card with OTP delivery by m.
func (e *EnrollmentFlow) Enroll(ctx context.Context, m issuing.OTPMethod) Result {
	return e.run(ctx, "enroll", explainEnroll(m), func(ctx context.Context) (*issuing.Envelope, error) {
		return e.s.issuing.Enroll(ctx, e.ref(), issuing.EnrollRequest{OTPDeliveryMethod: m})
	}, EnrollmentActive, m)
}

// View reads the enrollment.
func (e *EnrollmentFlow) View(ctx context.Context) Result {
	return e.run(ctx, "view", explainView, func(ctx context.Context) (*issuing.Envelope, error) {
		return e.s.issuing.Get(ctx, e.ref())
	}, EnrollmentActive, "")
}

// Change switches the OTP delivery method to m.
func (e *EnrollmentFlow) Change(ctx context.Context, m issuing.OTPMethod) Result {
	return e.run(ctx, "change", explainChange(m), func(ctx context.Context) (*issuing.Envelope, error) {
		return e.s.issuing.Update(ctx, e.ref(), issuing.UpdateRequest{OTPDeliveryMethod: m})
	}, EnrollmentActive, m)
}

// Unenroll removes the card from the 3DS program.
func (e *EnrollmentFlow) Unenroll(ctx context.Context) Result {
	return e.run(ctx, "unenroll", explainUnenroll, func(ctx context.Context) (*issuing.Envelope, error) {
		return e.s.issuing.Unenroll(ctx, e.ref())
	}, EnrollmentInactive, "")
}

// run performs one issuer call and turns its answer into a Result and a
// state: after success the card is in state (with method m, or the one
// the issuer reported).
func (e *EnrollmentFlow) run(ctx context.Context, step string, explain *Explanation,
	call func(context.Context) (*issuing.Envelope, error), state string, m issuing.OTPMethod) Result {
	r := e.s.step(ctx, FlowEnrollment, step, explain, func(ctx context.Context) Result {
		env, err := call(ctx)
		if err != nil {
			return failure(err)
		}
		r := Result{OK: true, HTTPStatus: 200, Summary: env.Message, Message: env.Message}
		r.add("message", env.Message)
		for _, d := range env.Data {
			r.OTPMethod, r.Destination, r.Status = d.OTPDeliveryMethod, d.Destination, d.Status
			r.add("otp_delivery_method", string(d.OTPDeliveryMethod))
			r.add("destination", d.Destination)
			r.add("status", d.Status)
			m = d.OTPDeliveryMethod
		}
		return r
	})
	if r.OK {
		e.mu.Lock()
		e.method = m
		e.mu.Unlock()
		e.set(state)
	}
	e.s.learn.enrolled(e, step, r)
	return r
}
