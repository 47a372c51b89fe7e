package sandbox

import (
	"encoding/base64"
	"io"
	"time"

	"github.com/walletsim/walletsim/client/emv"
)

// track registers a new authentication, pending until it finishes. The
// caller holds s.mu.
func (s *space) track(a *authn) {
	s.auths[a.id] = a
	s.pending++
	s.waiting.push(a)
}

// ending is how an authentication ends: its final transStatus, the
// transStatusReason that comes with N, U and R, the challengeCancel of a
// challenge or decoupled authentication the cardholder did not complete,
// and the failure_reason the merchant reads.
type ending struct {
	status  string
	reason  emv.Reason
	cancel  emv.ChallengeCancel
	failure string
}

// finish records a final transStatus, with ECI and CAVV for Y and A. The
// caller holds s.mu.
func (s *space) finish(a *authn, e ending, now time.Time) {
	a.transStatus, a.final, a.failure, a.updated = e.status, true, e.failure, now
	a.reason, a.cancel = codeOf(e.reason), codeOf(e.cancel)
	if ECI(a.scheme, e.status) != "" {
		a.cavv = s.cavv()
	}
	if s.db == nil { // a shared store's authentications are in no queue of this process
		s.pending--
		s.finished.push(a)
	}
}

// cavv makes a 28-character authentication value (20 bytes, base64).
func (s *Sandbox) cavv() string {
	b := make([]byte, 20)
	io.ReadFull(s.cfg.Rand, b)
	b[0], b[1] = 0x00, 0x02
	return base64.StdEncoding.EncodeToString(b)
}

// settle finishes a challenge or decoupled authentication whose time is up.
// The caller holds s.mu.
func (s *space) settle(a *authn, now time.Time) {
	if a.final || now.Before(a.expires) {
		return
	}
	switch {
	case !a.started:
		s.finish(a, ending{failure: "The purchase was never authenticated."}, now)
	case a.challenge != nil:
		// EMV: the ACS timed the challenge out (transStatusReason 14,
		// challengeCancel 04).
		s.finish(a, ending{"U", emv.ReasonTimedOutAtACS, emv.CancelACSTimeout,
			"Challenge expired before the cardholder completed it."}, now)
	case a.dec != nil:
		s.expireDecoupled(a, now)
	}
}

// sweep settles what has expired and evicts finished authentications past
// their retention or beyond MaxFinished, so memory stays bounded however
// long the sandbox runs. Both queues are in creation order, so each call
// does O(1) amortised work. The caller holds s.mu.
func (s *space) sweep(now time.Time) {
	for s.waiting.len() > 0 {
		a := s.waiting.peek()
		if !a.final && now.Before(a.expires) {
			break
		}
		s.waiting.pop()
		s.settle(a, now)
	}
	for s.finished.len() > 0 {
		a := s.finished.peek()
		if s.finished.len() <= s.cfg.MaxFinished && now.Sub(a.updated) < s.cfg.Retention {
			break
		}
		s.finished.pop()
		s.forget(a)
	}
}

// forget removes every index entry of a. The caller holds s.mu.
func (s *space) forget(a *authn) {
	s.stored.Release(a.kept)
	a.kept = 0
	if s.auths[a.id] == a {
		delete(s.auths, a.id)
	}
	if a.acsTransID != "" {
		delete(s.byACS, a.acsTransID)
		s.forgetChallenge(a.acsTransID)
	}
	if a.dec != nil {
		delete(s.byAuth3ds, a.dec.auth3dsID)
	}
}
