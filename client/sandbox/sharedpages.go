package sandbox

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/wallet"
)

// The challenge page's and the wallet platform's handlers with a shared
// store (see shared.go): each finds the stored authentication by the id it
// is given, and runs the memory path's code on it.

// challengePageShared is challengePage with a shared store.
func (s *space) challengePageShared(w http.ResponseWriter, r *http.Request) {
	var v acs.Challenge
	autoPost, isChallenge := false, false
	found, err := s.change(authKey{byACS, r.PathValue("acsTransID")}, func(a *authn, now time.Time) {
		if isChallenge = a.challenge != nil; isChallenge {
			s.settle(a, now)
			v, autoPost = s.view(a, ""), a.challenge.viaCReq
		}
	})
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.answerChallenge(w, r, found && isChallenge, http.StatusOK, v, "", autoPost)
}

// submitShared is submit with a shared store: a submission that lost to
// another (two replicas given the code at once) runs again on the
// winner's result, so the code is used once and an attempt is never
// counted twice.
func (s *space) submitShared(acsTransID string, f challengeForm) challengeAnswer {
	var ans challengeAnswer
	found, err := s.change(authKey{byACS, acsTransID}, func(a *authn, now time.Time) {
		ans = challengeAnswer{}
		if a.challenge == nil {
			return
		}
		s.settle(a, now)
		ans = s.applySubmit(a, f, now)
	})
	if err != nil {
		s.logStore(err)
		return challengeAnswer{failed: true}
	}
	if !found {
		return challengeAnswer{}
	}
	return ans
}

func (s *space) logStore(err error) {
	if err != nil {
		s.cfg.Logger.Error("store: authentication", "err", err)
	}
}

// verifyShared is verify with a shared store. The pending request decides
// who answers (TakePending); its answer is then recorded on the
// authentication — also when a retry finds it taken but not yet recorded
// (the replica that took it failed in between).
func (s *space) verifyShared(w http.ResponseWriter, r *http.Request, req wallet.VerifyRequest, fieldErrors func([]walletFieldError)) {
	key := authKey{byAuth3ds, r.PathValue("auth3dsId")}
	a, rec, err := s.load(s.bg(), key)
	switch {
	case gone(err) || err == nil && !pathMatches(a, r):
		apiWallet.writeError(w, http.StatusNotFound, "")
		return
	case err != nil:
		s.storeFailed(w, r, err)
		return
	case req.WalletOperationID != a.dec.event.WalletOperationID:
		fieldErrors([]walletFieldError{{"walletOperationId", "does not match the pending 3DS authentication"}})
		return
	}
	p, ok := s.takeAnswer(w, r, a, req, s.now())
	if p.Status != store.Answered {
		return // not taken, and takeAnswer answered: too late, or the store failed
	}
	first, _ := decodeVerify(p.Answer) // req when ok; else takeAnswer answered a retry or a conflict
	_, err = s.changeFrom(key, &rec, func(a *authn, _ time.Time) { s.applyAnswer(a, first, p.AnswerBody, p.AnsweredAt) })
	switch {
	case !ok:
		s.logStore(err)
	case err != nil:
		s.storeFailed(w, r, err)
	default:
		writeBody(w, http.StatusCreated, p.AnswerBody)
	}
}

// answeredMeanwhile records on a the wallet's answer to its pending
// request, if the request was answered, and reports whether it was: a
// decoupled authentication past its deadline whose wallet answered in
// time, on a replica that had not recorded it yet. The caller holds s.mu.
func (s *space) answeredMeanwhile(a *authn) bool {
	p, err := s.store.PendingRequest(s.bg(), s.id, a.dec.auth3dsID)
	if err != nil || p.Status != store.Answered {
		return false
	}
	req, errs := decodeVerify(p.Answer)
	if len(errs) > 0 {
		return false
	}
	s.applyAnswer(a, req, p.AnswerBody, p.AnsweredAt)
	return true
}

// getPendingShared is getPending with a shared store.
func (s *space) getPendingShared(w http.ResponseWriter, r *http.Request) {
	var v wallet.Pending
	matches := false
	found, err := s.change(authKey{byAuth3ds, r.PathValue("auth3dsId")}, func(a *authn, now time.Time) {
		if matches = pathMatches(a, r); matches {
			s.settle(a, now)
			v = s.pendingView(a)
		}
	})
	switch {
	case err != nil:
		s.storeFailed(w, r, err)
	case !found || !matches:
		apiWallet.writeError(w, http.StatusNotFound, "")
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

// listPendingShared is listPending with a shared store: the card's pending
// wallet requests, each read with its authentication (and settled).
func (s *space) listPendingShared(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.ListPending(s.bg(), s.id, r.PathValue("customerId"), r.PathValue("cardId"), s.now())
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	out := []wallet.Pending{}
	for _, p := range ps {
		var v *wallet.Pending // set by the change's last run
		_, err := s.change(authKey{byID, p.AuthenticationID}, func(a *authn, now time.Time) {
			v = nil
			if !pathMatches(a, r) || a.dec.auth3dsID != p.Auth3dsID {
				return
			}
			if s.settle(a, now); !a.final {
				pv := s.pendingView(a)
				v = &pv
			}
		})
		if err != nil {
			s.storeFailed(w, r, err)
			return
		}
		if v != nil {
			out = append(out, *v)
		}
	}
	slices.SortFunc(out, func(a, b wallet.Pending) int { return a.Timestamp.Compare(b.Timestamp.Time) })
	writeJSON(w, http.StatusOK, map[string]any{"authentications": out})
}

// sharedChallengeSpace serves a challenge page in the workspace of its
// stored authentication (the default one when there is none: it answers
// 404 there).
func (s *Sandbox) sharedChallengeSpace(fn func(sp *space, w http.ResponseWriter, r *http.Request), w http.ResponseWriter, r *http.Request) {
	ws, _, err := s.db.AuthByACS(r.Context(), r.PathValue("acsTransID"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		ws = store.DefaultWorkspace
	case err != nil:
		s.storeFailed(w, r, err)
		return
	}
	sp, err := s.space(r.Context(), ws)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	sp.touch()
	fn(sp, w, r)
}
