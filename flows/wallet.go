package flows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/wallet"
)

// Wallet flow states.
const (
	WalletIdle     = "idle"     // nothing pending
	WalletPending  = "pending"  // a request waits for the cardholder
	WalletAnswered = "answered" // the wallet reported its decision
)

// Pending is a 3DS request the wallet must answer.
type Pending struct {
	Event wallet.Event
	// Since is when the request started: the event's timestamp, or when it
	// arrived when the timestamp could not be read.
	Since     time.Time
	ExpiresAt time.Time
	Source    string // "webhook" or "manual"
}

// TimeLeft is how long the cardholder still has at now.
func (p Pending) TimeLeft(now time.Time) time.Duration {
	if d := p.ExpiresAt.Sub(now); d > 0 {
		return d
	}
	return 0
}

// Amount is the purchase amount, formatted with its currency.
func (p Pending) Amount() string { return testcards.FormatAmount(p.Event.Amount, p.Event.Currency) }

// Decision is what the cardholder did in the wallet.
type Decision struct {
	Status wallet.Status
	Reason string // statusReason, ≤ 100 characters
	// OmitMethod leaves verification.method out (a negative test).
	OmitMethod bool
}

// ExpiredReason is seed 002's own statusReason for a request nobody
// answered in time; the 3DS server gives it as the failure reason.
const ExpiredReason = "3DS authentication request has expired."

// Expired is the decision a wallet may report when the cardholder let the
// time run out: FAILED with seed 002's own words.
var Expired = Decision{Status: wallet.Failed, Reason: ExpiredReason}

// WalletFlow is the cardholder's wallet app: it receives pending 3DS
// requests and reports the cardholder's biometric decision.
type WalletFlow struct {
	s *Session
	machine
}

// Wallet returns the session's wallet.
func (s *Session) Wallet() *WalletFlow {
	return &WalletFlow{s: s, machine: machine{s: s, flow: FlowWallet, state: WalletIdle}}
}

// ErrNoListener means the session has no webhook listener to wait on.
var ErrNoListener = errors.New("no webhook listener: set the profile's webhook_listen address, or enter the auth3dsId by hand")

// Next waits for the next ThreeDSecureEvent from the listener, whatever
// purchase it is for: the wallet app shows every request. The wait itself
// is not a step (a wallet waits all day); receiving the event is.
func (w *WalletFlow) Next(ctx context.Context) (Pending, Result) { return w.For(ctx, Match{}) }

// For waits for the request of one purchase (see PurchaseFlow.Match).
// Requests for other purchases stay queued for their own; so do other
// sessions' on a shared listener, whatever m says.
func (w *WalletFlow) For(ctx context.Context, m Match) (Pending, Result) {
	if w.s.listener == nil {
		return Pending{}, failure(ErrNoListener)
	}
	m.workspace = w.s.route
	q, err := w.s.listener.queue.take(ctx, m)
	if err != nil {
		return Pending{}, failure(err)
	}
	if w.s.listener.cfg.Shared { // the delivery is this session's to report
		w.s.received(q.exchange, q.note)
	}
	ev := q.ev
	since := ev.Timestamp.Time
	if since.IsZero() { // absent, or in a format walletsim cannot read
		since = w.s.Now()
	}
	p := Pending{Event: ev, Since: since, ExpiresAt: since.Add(w.s.Target.RequestExpiry), Source: "webhook"}
	r := w.s.step(ctx, FlowWallet, "receive", explainReceive, func(context.Context) Result { return pendingResult(p) })
	w.set(WalletPending)
	return p, r
}

// RequestMark is the number of wallet requests received so far (0 without
// a listener): a purchase started now matches only requests after it.
func (s *Session) RequestMark() uint64 {
	if s.listener == nil {
		return 0
	}
	return s.listener.Mark()
}

// Manual takes a request whose auth3dsId the user entered by hand; on the
// sandbox it reads the rest (amount, merchant, walletOperationId).
func (w *WalletFlow) Manual(ctx context.Context, customerID, cardID, auth3dsID string) (Pending, Result) {
	var p Pending
	r := w.s.step(ctx, FlowWallet, "lookup", explainLookup, func(ctx context.Context) Result {
		p = Pending{Event: wallet.Event{CustomerID: customerID, CardID: cardID, Auth3dsID: auth3dsID},
			Since: w.s.Now(), ExpiresAt: w.s.Now().Add(w.s.Target.RequestExpiry), Source: "manual"}
		if !w.s.Target.Extensions {
			return pendingResult(p) // a real platform has no lookup: answer blind
		}
		got, err := w.s.wallet.Get(ctx, customerID, cardID, auth3dsID)
		if err != nil {
			return failure(err)
		}
		p.Event, p.ExpiresAt = got.Event, got.ExpiresAt
		if !got.Timestamp.IsZero() {
			p.Since = got.Timestamp.Time
		}
		if got.Status != "PENDING" {
			r := failure(fmt.Errorf("this 3DS request is no longer pending: %s %s", got.Status, got.StatusReason))
			r.Fields = pendingResult(p).Fields
			return r
		}
		return pendingResult(p)
	})
	if r.OK {
		w.set(WalletPending)
	}
	return p, r
}

func pendingResult(p Pending) Result {
	r := Result{OK: true, Summary: fmt.Sprintf("%s at %s on card •••• %s is waiting for the cardholder.",
		p.Amount(), p.Event.MerchantName, p.Event.LastFourDigits), Amount: Money{p.Event.Amount, p.Event.Currency}}
	r.add("merchant", p.Event.MerchantName)
	r.add("amount", p.Amount())
	r.add("card", "•••• "+p.Event.LastFourDigits)
	r.add("auth3dsId", p.Event.Auth3dsID)
	r.add("walletOperationId", p.Event.WalletOperationID)
	r.add("expires", p.ExpiresAt.UTC().Format(time.RFC3339))
	return r
}

// Decide reports the cardholder's decision on p with seed 002's verify call.
func (w *WalletFlow) Decide(ctx context.Context, p Pending, d Decision) Result {
	r := w.s.step(ctx, FlowWallet, "decide", explainDecide(d), func(ctx context.Context) Result {
		req := wallet.VerifyRequest{
			WalletOperationID: p.Event.WalletOperationID,
			Verification:      wallet.Verification{Method: wallet.Biometric},
			Status:            d.Status, StatusReason: d.Reason,
		}
		if d.OmitMethod {
			req.Verification.Method = ""
		}
		res, err := w.s.wallet.Verify(ctx, p.Event.CustomerID, p.Event.CardID, p.Event.Auth3dsID, req)
		if err != nil {
			return failure(err)
		}
		r := Result{OK: true, HTTPStatus: 201, Status: string(res.Status), StatusReason: res.StatusReason,
			Summary: fmt.Sprintf("The wallet platform recorded %s.", res.Status)}
		if res.Status != d.Status {
			r.Summary = fmt.Sprintf("The wallet platform recorded %s instead of %s: %s", res.Status, d.Status, res.StatusReason)
		}
		r.add("status", string(res.Status))
		r.add("statusReason", res.StatusReason)
		r.add("auth3dsId", res.Auth3dsID)
		r.add("creationTime", res.CreationTime.String()) // as sent, when walletsim cannot read it
		return r
	})
	if r.OK {
		w.s.decisions.add(decision{event: p.Event, status: wallet.Status(r.Status), at: w.s.Now()})
		w.set(WalletAnswered)
	}
	w.s.learn.decided(p, r)
	return r
}
