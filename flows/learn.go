package flows

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/flows/course"
)

// The course (flows/course) grades its exercises from what the learner
// actually did: the flows feed a course.Journal as they run, when the
// session is opened with Options.Journal. Everything here is what the
// flows themselves saw — the 3DS server's answers, the challenge page,
// the wallet platform's 201 — never what a screen claims. The EMV
// messages, once read (RecordMessages), are the authority and override
// what was seen at the API's level.

// MessageReader reads an authentication's EMV messages, in order (the
// sandbox's GET /v1/3ds/{id}/messages).
type MessageReader interface {
	Messages(ctx context.Context, id string) ([]emv.Step, error)
}

// ErrNoMessages means the session has no way to read EMV messages.
var ErrNoMessages = errors.New("this target does not give the EMV messages of an authentication")

// learner feeds the journal. Its purchases are the flows started in the
// session, newest last, so that a wallet decision (which names the wallet
// platform's auth3dsId, not the 3DS server's id) finds its purchase.
type learner struct {
	j *course.Journal

	mu        sync.Mutex
	purchases []*PurchaseFlow
}

// maxLearnt is how many purchases a wallet decision is matched among.
const maxLearnt = 256

// on reports whether there is a journal to feed.
func (l *learner) on() bool { return l != nil && l.j != nil }

// started records a purchase's first answer: what the merchant asked for,
// the ACS's ARes status and, when that was final, the result.
func (l *learner) started(p *PurchaseFlow, r Result) {
	a := p.Authentication()
	if !l.on() || r.Err != nil || a == nil {
		return
	}
	l.mu.Lock()
	l.purchases = append(l.purchases, p)
	if len(l.purchases) > maxLearnt { // a long session: the wallet answers recent ones
		l.purchases = slices.Delete(l.purchases, 0, len(l.purchases)-maxLearnt)
	}
	l.mu.Unlock()
	in := p.in
	l.j.Purchase(a.ID, func(c *course.Purchase) {
		c.At, c.CardLastFour, c.Scheme = p.startedAt(), lastFour(in.Number), a.Scheme
		c.Channel, c.Preference = string(in.Channel), string(in.Preference)
		if c.Channel == "" {
			c.Channel = string(a.Channel)
		}
		if c.Preference == "" {
			c.Preference = string(a.ChallengePreference)
		}
		c.AResStatus, c.Mandated = a.AuthStatus, r.ChallengeMandated
		if a.AuthStatus != "C" && a.AuthStatus != "D" {
			final(c, r)
		}
	})
}

// final records a final result the 3DS server gave.
func final(c *course.Purchase, r Result) {
	c.Status, c.ECI, c.CAVV = r.TransStatus, r.ECI, r.CAVV
}

// settled records a purchase's final result, read after a challenge or a
// decoupled step.
func (l *learner) settled(p *PurchaseFlow, r Result) {
	a := p.Authentication()
	if !l.on() || r.Err != nil || r.Skipped || a == nil || r.TransStatus == "C" || r.TransStatus == "D" {
		return
	}
	l.j.Purchase(a.ID, func(c *course.Purchase) { final(c, r) })
}

// answered records the cardholder's answer on the challenge page: a code
// the page did not take (it still waits, or it gave up), or Cancel.
func (l *learner) answered(p *PurchaseFlow, step string, r Result) {
	a, ch := p.Authentication(), p.Challenge()
	if !l.on() || r.Err != nil || r.Skipped || a == nil || ch == nil {
		return
	}
	l.j.Purchase(a.ID, func(c *course.Purchase) {
		c.OTP = ch.Channel
		switch {
		case step == "cancel":
			// EMV 3DS 2.2.0: the cardholder pressed Cancel.
			c.Cancel = string(emv.CancelByCardholder)
		case r.TransStatus == "C" || r.TransStatus == "N":
			// The page still waits, or gave up after the last attempt:
			// the code was wrong. (U is the challenge timing out.)
			c.WrongCodes++
			c.Interactions++
		default:
			c.Interactions++
		}
		if r.TransStatus != "C" {
			final(c, Result{TransStatus: r.TransStatus})
		}
	})
}

// read records that the challenge page was opened: where its code went.
func (l *learner) read(p *PurchaseFlow, r Result) {
	a, ch := p.Authentication(), p.Challenge()
	if !l.on() || r.Err != nil || r.Skipped || a == nil || ch == nil {
		return
	}
	l.j.Purchase(a.ID, func(c *course.Purchase) { c.OTP = ch.Channel })
}

// decided records the wallet's answer on the newest purchase it is for.
func (l *learner) decided(p Pending, r Result) {
	if !l.on() || !r.OK {
		return
	}
	var f *PurchaseFlow
	l.mu.Lock()
	for _, each := range slices.Backward(l.purchases) {
		if each.isFor(p.Event) {
			f = each
			break
		}
	}
	l.mu.Unlock()
	if f == nil || f.Authentication() == nil {
		return
	}
	l.j.Purchase(f.Authentication().ID, func(c *course.Purchase) { c.Wallet = r.Status })
}

// enrolled records a change to a card's enrollment.
func (l *learner) enrolled(e *EnrollmentFlow, step string, r Result) {
	if !l.on() || !r.OK {
		return
	}
	action := map[string]string{"enroll": course.Enrolled, "change": course.Updated, "unenroll": course.Unenrolled, "view": course.Viewed}[step]
	method := "" // as the issuer reported it, or as asked when its answer did not say
	if m := e.Method(); step != "unenroll" && (m == issuing.SMS || m == issuing.Email) {
		method = string(m)
	}
	// The issuer's API names the card by its ids, never its number: the
	// last four digits are those of the number the flow was given, if any.
	l.j.Enrollment(course.Enrollment{At: e.s.Now(), CardLastFour: lastFour(e.card.Number), Action: action, Method: method})
}

// RecordMessages gives the course an authentication's EMV messages: they
// set its ARes status, its final result and its reason as the messages
// say (course.Purchase.ApplyMessages). Whoever reads the messages calls
// it; without a journal it does nothing.
func (s *Session) RecordMessages(id string, steps []emv.Step) {
	if s.learn.on() && len(steps) > 0 {
		s.learn.j.Purchase(id, func(c *course.Purchase) { c.ApplyMessages(steps) })
	}
}

// ReadsMessages reports whether the session can read EMV messages.
func (s *Session) ReadsMessages() bool { return s.opts.Messages != nil }

// Messages reads the purchase's EMV messages with the session's
// MessageReader (ErrNoMessages without one), and gives them to the
// course.
func (p *PurchaseFlow) Messages(ctx context.Context) ([]emv.Step, error) {
	a := p.Authentication()
	if a == nil {
		return nil, ErrState
	}
	return p.s.Messages(ctx, a.ID)
}
