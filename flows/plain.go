package flows

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client/wallet"
)

// On a target without sandbox extensions (a real issuer, 3DS server and
// wallet platform, or any server faithful to the seeds) the flows use only
// what the seeds give: the authenticate answer; the return_url the ACS
// sends the cardholder back to, with the authentication's id; the wallet
// platform's 201. Whatever is not readable there — the ACS's challenge page,
// the cardholder's inbox, the final result after a challenge or a decoupled
// step — is a skipped step that says why, and no extension endpoint is ever
// called.

// PurchaseOver: the cardholder has finished (back from the challenge, or
// answered in the wallet); the final result is with the 3DS server, which a
// target without extensions does not let the merchant read.
const PurchaseOver = "over"

// ErrNoReturn means walletsim cannot see the cardholder come back.
var ErrNoReturn = errors.New("walletsim does not serve this purchase's return_url, so it cannot see the cardholder come back")

func (p *PurchaseFlow) plain() bool { return !p.s.Target.Extensions }

// unreadable is the reason a final result cannot be read, after what is
// known (a sentence).
func (p *PurchaseFlow) unreadable(known string) string {
	return known + " The final result is not readable on " + p.s.Target.Name + ": seed 004 gives the merchant only " +
		"POST /v1/3ds/{id}/authenticate, and no way to read an authentication afterwards (the ACS reports the outcome " +
		"to the 3DS server in its RReq). On a walletsim sandbox (sandbox_extensions: true) walletsim reads it with GET /v1/3ds/{id}."
}

func (p *PurchaseFlow) challengeSkipped() Result {
	return Skip("Not done: the challenge page is the issuer's own, for the cardholder's browser: open " +
		deref(p.Authentication().ChallengeURL) + " in a browser. walletsim cannot read or answer it on " + p.s.Target.Name +
		" (it does so only on a walletsim sandbox); it sees the cardholder come back to return_url " +
		"(in a scenario: challenge: {code: browser}).")
}

func (p *PurchaseFlow) inboxSkipped() Result {
	return Skip("Not read: the cardholder's inbox is a walletsim sandbox extension; on " + p.s.Target.Name +
		" the one-time code goes to the cardholder's own phone or mailbox.")
}

// Returned waits for the ACS to send the cardholder's browser back to
// return_url after a challenge done in a real browser: on a target without
// extensions, the end of the challenge that the merchant can see.
func (p *PurchaseFlow) Returned(ctx context.Context) Result {
	r := p.s.step(ctx, FlowPurchase, "return", explainReturn, func(ctx context.Context) Result {
		if err := p.require(PurchaseChallenge); err != nil {
			return failure(err)
		}
		if p.s.returns == nil || p.in.ReturnURL != p.s.returns.URL() {
			return failure(fmt.Errorf("%w (return_url %s)", ErrNoReturn, p.in.ReturnURL))
		}
		ret, err := p.s.returns.Wait(ctx, p.Authentication().ID)
		if err != nil {
			return failure(err)
		}
		r := Result{OK: true, Summary: "The ACS sent the cardholder back to return_url for authentication " + ret.ID + ": the challenge is over."}
		r.add("id", ret.ID)
		for k, v := range ret.Params {
			if k != "id" && len(v) > 0 {
				r.add(k, v[0]) // as the ACS sent it (some add status, message)
			}
		}
		return r
	})
	if r.OK {
		p.mu.Lock()
		p.over = "The ACS sent the cardholder back to return_url: the challenge is over."
		p.mu.Unlock()
		p.set(PurchaseOver)
	}
	return r
}

// plainResult is the final result as far as a target without extensions
// gives it: the authenticate answer when that was final, otherwise a
// skipped step saying what is known and why no more is.
func (p *PurchaseFlow) plainResult() Result {
	a := p.Authentication()
	p.mu.Lock()
	over := p.over
	p.mu.Unlock()
	switch st := p.State(); {
	case a == nil:
		return failure(fmt.Errorf("%w: the purchase was not started", ErrState))
	case st == PurchaseDone:
		r := authResult(a)
		r.Summary += " (the authenticate answer: final, as the ACS answered at once)"
		return r
	case over != "":
		return Skip(p.unreadable(over))
	case st == PurchaseChallenge:
		return Skip(p.unreadable("The cardholder has not come back from the challenge in this session."))
	}
	return Skip(p.unreadable("The wallet has not answered in this session."))
}

// awaitPlain waits for what the seeds let the merchant see: the cardholder
// back from a challenge, or this session's wallet answering the purchase.
func (p *PurchaseFlow) awaitPlain(ctx context.Context) Result {
	switch p.State() {
	case PurchaseChallenge:
		if r := p.Returned(ctx); !r.OK {
			return r
		}
	case PurchaseDecoupled:
		d, err := p.s.decisions.wait(ctx, p.startedAt(), p.isFor)
		if err != nil {
			return failure(err)
		}
		p.mu.Lock()
		p.over = fmt.Sprintf("The wallet reported %s and the wallet platform recorded it (HTTP 201).", d.status)
		p.mu.Unlock()
		p.set(PurchaseOver)
	}
	return p.plainResult()
}

// isFor reports whether a wallet request is this purchase's: the same card
// and, when both sides say, the same amount. (The event names the wallet
// platform's auth3dsId, not the 3DS server's id.)
func (p *PurchaseFlow) isFor(ev wallet.Event) bool {
	a := p.Authentication()
	n := p.in.Number
	if len(n) < 4 || ev.LastFourDigits != n[len(n)-4:] {
		return false
	}
	return a == nil || a.Amount == 0 || ev.Amount == 0 || a.Amount == ev.Amount && a.Currency == ev.Currency
}

func (p *PurchaseFlow) startedAt() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started
}

// decision is the wallet's answer, as the wallet platform recorded it.
type decision struct {
	event  wallet.Event
	status wallet.Status
	at     time.Time
}

// decisions are this session's wallet answers, for a merchant who cannot
// read the final result and waits for the wallet's own 201 instead.
type decisions struct {
	mu      sync.Mutex
	list    []decision
	changed chan struct{} // closed and replaced on every add
}

func (d *decisions) add(dec decision) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.list = append(d.list, dec)
	if len(d.list) > 256 {
		d.list = d.list[1:]
	}
	if d.changed != nil {
		close(d.changed)
		d.changed = nil
	}
}

// wait returns the first decision since since that match accepts.
func (d *decisions) wait(ctx context.Context, since time.Time, match func(wallet.Event) bool) (decision, error) {
	for {
		d.mu.Lock()
		for _, dec := range d.list {
			if !dec.at.Before(since) && match(dec.event) {
				d.mu.Unlock()
				return dec, nil
			}
		}
		if d.changed == nil {
			d.changed = make(chan struct{})
		}
		changed := d.changed
		d.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return decision{}, ctx.Err()
		}
	}
}
