package sandbox

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/budget"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// With a shared store (Sandbox.db: SQLite or PostgreSQL) the
// authentications live in the store, not in the space: a restarted
// sandbox, or another replica, must find them. Every request reads the
// authentication it needs (no cache, so nothing stale), changes a private
// copy under s.mu with the very code the memory path runs, and writes it
// back with a compare-and-swap on the version it read. When another
// request — on this replica or another — changed it first, the change runs
// again on the newer one; so of two replicas answering one purchase
// exactly one wins, and the other answers as if it had come second.
//
// What a change does beyond the authentication — an inbox message, a
// pending wallet request and its webhook — waits until the change is
// stored (afterStored), so a request that lost leaves no trace.
// Deadlines are the stored ones, compared with the workspace's clock as
// stored (space refreshes it on every request), so a replica that did not
// start a purchase expires it as the one that did would.

// maxTries bounds how often a change runs again after losing a
// compare-and-swap; past it the client gets a 503 to retry.
const maxTries = 8

// keyKind is which id finds an authentication.
type keyKind int

const (
	byID      keyKind = iota // the 3DS server's id
	byAuth3ds                // the wallet platform's auth3dsId
	byACS                    // a challenge page's acsTransID
)

type authKey struct {
	by keyKind
	v  string
}

// afterStored keeps fn, an effect of a change to an authentication, to run
// once the change is stored, and only if this request's change is the one
// stored (change, startShared). In memory (no db) effects run at once, and
// their callers call them directly rather than make a closure for nothing.
// The caller holds s.mu; so does fn when it runs.
func (s *space) afterStored(fn func()) {
	s.effects = append(s.effects, fn)
}

// takeEffects returns the effects afterStored kept and forgets them. The
// caller holds s.mu.
func (s *space) takeEffects() []func() {
	fx := s.effects
	s.effects = nil
	return fx
}

func (s *space) runEffects(fx []func()) {
	if len(fx) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fn := range fx {
		fn()
	}
}

// load reads and decodes the authentication k finds.
func (s *space) load(ctx context.Context, k authKey) (*authn, store.AuthRecord, error) {
	var rec store.AuthRecord
	var err error
	switch k.by {
	case byID:
		rec, err = s.db.Auth(ctx, s.id, k.v)
	case byAuth3ds:
		rec, err = s.db.AuthByAuth3ds(ctx, s.id, k.v)
	case byACS:
		var ws string
		if ws, rec, err = s.db.AuthByACS(ctx, k.v); err == nil && ws != s.id {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		return nil, rec, err
	}
	a, err := authOf(rec)
	return a, rec, err
}

// gone reports whether err means there is no such authentication.
func gone(err error) bool {
	return errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrNoWorkspace)
}

// change runs fn on the stored authentication k finds, under s.mu at the
// workspace's time, and stores what fn changed (see the top of the file).
// found is false when there is none.
func (s *space) change(k authKey, fn func(a *authn, now time.Time)) (found bool, err error) {
	return s.changeFrom(k, nil, fn)
}

// changeFrom is change starting from first, the record as the caller just
// read it, when it has one: only a retry after a newer version reads again.
func (s *space) changeFrom(k authKey, first *store.AuthRecord, fn func(a *authn, now time.Time)) (found bool, err error) {
	ctx := s.bg()
	for try := 0; ; try++ {
		var a *authn
		var rec store.AuthRecord
		if try == 0 && first != nil {
			rec = *first
			a, err = authOf(rec)
		} else {
			a, rec, err = s.load(ctx, k)
		}
		if gone(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		now := s.now()
		s.mu.Lock()
		fn(a, now)
		fx := s.takeEffects()
		s.mu.Unlock()
		next, err := recordOf(a)
		if err != nil || bytes.Equal(next.Data, rec.Data) {
			return true, err // nothing changed: nothing to store
		}
		next.Version = rec.Version
		_, err = s.db.UpdateAuth(ctx, s.id, next)
		switch {
		case errors.Is(err, store.ErrStale) && try < maxTries:
			continue
		case gone(err): // removed meanwhile (a reset, the sweep)
			return false, nil
		case err != nil:
			return true, err
		}
		s.runEffects(fx)
		return true, nil
	}
}

// unavailable is the message of a 503 when the store failed.
const unavailable = "Sandbox state is unavailable; try again"

// startShared is startAuthentication with a shared store. It first stores
// the authentication as new, in one write (an id seen for the first time,
// the common case); an id already taken — a purchase created first, or a
// repeat — is then started, or answered, as it is stored.
func (s *space) startShared(id, user string, req threeds.AuthenticateRequest, card testcards.Card, fp [32]byte, buf *[]byte, wf fault.Webhook) (int, []byte) {
	err := s.startNew(id, user, req, card, fp, buf, wf)
	switch {
	case err == nil:
		return http.StatusOK, *buf
	case errors.Is(err, budget.ErrFull):
		return http.StatusTooManyRequests, []byte(s.fullMessage(err))
	case errors.Is(err, store.ErrExists), errors.Is(err, errBusy):
		return s.startTaken(id, user, req, card, fp, buf, wf, err)
	}
	s.cfg.Logger.Error("store: authentication", "err", err)
	return http.StatusServiceUnavailable, []byte(unavailable)
}

// errBusy is a new authentication refused for MaxPending (see busy).
var errBusy = errors.New(msgBusy)

// startNew stores a new authentication with id, its answer in *buf:
// ErrExists if the id is taken, errBusy if it would wait and the
// workspace has MaxPending authentications in progress, a budget.ErrFull
// if the workspace has no room for the inbox message it may send.
func (s *space) startNew(id, user string, req threeds.AuthenticateRequest, card testcards.Card, fp [32]byte, buf *[]byte, wf fault.Webhook) error {
	now := s.now()
	a := &authn{id: id, amount: defaultAmount, currency: defaultCurrency, created: now, expires: now.Add(s.cfg.Expiry)}
	s.mu.Lock()
	if err := s.payMessage(id); err != nil {
		s.mu.Unlock()
		return err
	}
	s.begin(a, user, req, card, fp, now, wf)
	s.keepFirst(a, buf)
	paid := s.settleMessage(id) // deliverCode, an effect, keeps it
	fx := s.takeEffects()
	s.mu.Unlock()
	if !a.final && s.busy() {
		s.stored.Release(paid)
		return errBusy
	}
	rec, err := recordOf(a)
	if err == nil {
		_, err = s.db.PutAuth(s.bg(), s.id, rec)
	}
	if err != nil {
		s.stored.Release(paid)
		return err
	}
	s.runEffects(fx)
	s.housekeep(now)
	return nil
}

// startTaken answers authenticate on an id already stored: a purchase
// created first, which it starts, or a repeat, answered as in memory (a
// repeat is answered even when the workspace is busy). With none, it
// answers why a new one was refused.
func (s *space) startTaken(id, user string, req threeds.AuthenticateRequest, card testcards.Card, fp [32]byte, buf *[]byte, wf fault.Webhook, why error) (int, []byte) {
	var status int
	var body []byte
	var paid int64 // the inbox message's bytes, kept by deliverCode if the change is stored
	found, err := s.change(authKey{byID, id}, func(a *authn, now time.Time) {
		s.stored.Release(paid) // a try that lost to another change
		paid = 0
		if a.started {
			status, body = s.repeated(a, fp, buf)
			return
		}
		if err := s.payMessage(id); err != nil {
			status, body = http.StatusTooManyRequests, []byte(s.fullMessage(err))
			return
		}
		s.begin(a, user, req, card, fp, now, wf)
		s.keepFirst(a, buf)
		paid = s.settleMessage(id)
		status, body = http.StatusOK, *buf
	})
	if err != nil || !found {
		s.stored.Release(paid) // not stored
	}
	switch {
	case err == nil && found:
		return status, body
	case err == nil && errors.Is(why, errBusy):
		return http.StatusServiceUnavailable, []byte(msgBusy)
	}
	return http.StatusServiceUnavailable, []byte(unavailable) // failed, or taken and then removed (a reset)
}

// newPurchaseShared is newPurchase with a shared store.
func (s *space) newPurchaseShared(user string, amount int64, currency, desc string) stored {
	if s.busy() {
		b, _ := marshal(threeDSError{Message: msgBusy})
		return stored{status: http.StatusServiceUnavailable, body: b}
	}
	now := s.now()
	a := &authn{id: s.cfg.NewID(), amount: amount, currency: currency, description: desc,
		created: now, updated: now, expires: now.Add(s.cfg.Expiry), merchID: merchantID(user)}
	rec, err := recordOf(a)
	if err == nil {
		_, err = s.db.PutAuth(s.bg(), s.id, rec)
	}
	if err != nil {
		s.cfg.Logger.Error("store: authentication", "err", err)
		body, _ := marshal(threeDSError{Message: unavailable})
		return stored{status: http.StatusServiceUnavailable, body: body}
	}
	s.housekeep(now)
	s.mu.Lock()
	resp, _ := s.renderJSON(a)
	s.mu.Unlock()
	return stored{status: http.StatusCreated, body: resp}
}

// msgBusy is the 503 of a workspace with MaxPending authentications in
// progress.
const msgBusy = "Sandbox busy: too many authentications in progress"

// busy reports whether the workspace has MaxPending authentications in
// progress, as the store counts them: the bound the memory path keeps in
// space.pending. Only a new authentication that will wait asks (a
// frictionless one is final at once), so the count costs the challenges
// and decoupled ones a read, and nothing else. Replicas starting at once
// may pass it together: it bounds, it does not count exactly.
func (s *space) busy() bool {
	_, unfinished, err := s.db.AuthCounts(s.bg(), s.id)
	return err == nil && unfinished >= s.cfg.MaxPending
}

// getShared is getAuthentication with a shared store: the authentication
// as stored, settled (and the settling stored) if its time is up.
func (s *space) getShared(w http.ResponseWriter, r *http.Request) {
	var body []byte
	found, err := s.change(authKey{byID, r.PathValue("id")}, func(a *authn, now time.Time) {
		s.settle(a, now)
		body, _ = s.renderJSON(a)
	})
	switch {
	case err != nil:
		s.storeFailed(w, r, err)
	case !found:
		apiThreeDS.writeError(w, http.StatusNotFound, "Authentication not found")
	default:
		writeBody(w, http.StatusOK, body)
	}
}

// housekeep settles the workspace's authentications past their deadline
// and removes finished ones past their retention — what sweep does in
// memory — at most once a second of the workspace's time: reading one
// settles it anyway, so this only keeps the store tidy.
func (s *space) housekeep(now time.Time) {
	last := s.swept.Load()
	if now.UnixNano()-last < int64(time.Second) || !s.swept.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	ctx := s.bg()
	due, err := s.db.DueAuths(ctx, s.id, now, 64)
	for _, rec := range due {
		if _, err := s.changeFrom(authKey{byID, rec.ID}, &rec, func(a *authn, now time.Time) { s.settle(a, now) }); err != nil {
			break
		}
	}
	if err == nil {
		_, err = s.db.PruneAuths(ctx, s.id, now.Add(-s.cfg.Retention), s.cfg.MaxFinished)
	}
	if err != nil && !errors.Is(err, store.ErrNoWorkspace) {
		s.cfg.Logger.Error("store: housekeeping", "err", err)
	}
}
