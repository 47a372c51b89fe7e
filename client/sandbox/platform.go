package sandbox

import (
	"bytes"
	"net/http"
	"slices"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/wallet"
)

// msgExpired is seed 002's own statusReason for an authentication nobody
// answered in time.
const msgExpired = "3DS authentication request has expired."

// decoupledState is the wallet platform's side of a decoupled
// authentication: the pending request the wallet must answer.
type decoupledState struct {
	first     []byte // the authenticate answer (see firstAnswer)
	auth3dsID string
	event     wallet.Event
	// answer is the first verification and the 201 it got; a repeat of the
	// same request replays it, a different one is refused.
	answer     *wallet.VerifyRequest
	answerBody []byte
	answeredAt time.Time
}

// startDecoupled creates the pending authentication on the wallet platform
// and sends the wallet its ThreeDSecureEvent. The caller holds s.mu.
//
// Without a shared store the pending request is part of the authentication
// in this process (decoupledState), as the rest of it is, and s.mu decides
// who answers it (verify). A shared store keeps it, so that the replica the
// wallet answers decides (takeAnswer), and it is stored before the event
// goes out.
func (s *space) startDecoupled(a *authn, card testcards.Card, now time.Time, wf fault.Webhook) {
	d := &decoupledState{auth3dsID: s.cfg.NewID()}
	d.event = wallet.Event{
		ID: s.cfg.NewID(), WalletOperationID: s.cfg.NewID(),
		CardID: card.CardID, CustomerID: testcards.CustomerID, Auth3dsID: d.auth3dsID,
		Amount: a.amount, Currency: a.currency, Timestamp: client.At(now),
		MerchantName: s.cfg.MerchantName, LastFourDigits: card.LastFour(),
		CardScheme: WebhookScheme(a.scheme), CardType: "VIRTUAL",
	}
	a.dec = d
	if s.db == nil {
		s.byAuth3ds[d.auth3dsID] = a
		s.sendEvent(d.event, wf)
		return
	}
	event, _ := marshal(d.event)
	p := store.PendingRequest{
		Auth3dsID: d.auth3dsID, AuthenticationID: a.id, CustomerID: d.event.CustomerID, CardID: d.event.CardID,
		WalletOperationID: d.event.WalletOperationID, Event: event, Expires: a.expires, Status: store.Pending,
	}
	ev, f := d.event, wf // copies: only this path's closure makes them escape
	s.afterStored(func() { s.announce(p, ev, f) })
}

// announce stores a pending wallet request and sends the wallet its
// event. The caller holds s.mu.
func (s *space) announce(p store.PendingRequest, ev wallet.Event, wf fault.Webhook) {
	if err := s.store.PutPending(s.bg(), s.id, p); err != nil {
		s.cfg.Logger.Error("store: pending request", "err", err)
	}
	s.sendEvent(ev, wf)
}

// MinDecoupledTime is the least time the sandbox's ACS needs to reach the
// cardholder's wallet: a requestor allowing less gets U with
// transStatusReason 25 at once.
const MinDecoupledTime = 2 * time.Minute

// decMaxTime is the 3DS Requestor's maximum decoupled time (the AReq's
// threeDSRequestorDecMaxTime).
func (s *space) decMaxTime() time.Duration {
	if s.cfg.DecoupledMaxTime > 0 {
		return s.cfg.DecoupledMaxTime
	}
	return s.cfg.Expiry
}

// decoupledWait is how long the ACS waits for the wallet: its own expiry,
// and never beyond the requestor's maximum.
func (s *space) decoupledWait() time.Duration { return min(s.cfg.Expiry, s.decMaxTime()) }

// decoupledTooShort reports whether the requestor allows the ACS too
// little time to try (EMV's transStatusReason 25).
func (s *space) decoupledTooShort() bool {
	return s.cfg.DecoupledMaxTime > 0 && s.cfg.DecoupledMaxTime < MinDecoupledTime
}

// expireDecoupled fails an authentication nobody answered in time, with
// challengeCancel 03: transStatusReason 24 when the 3DS Requestor's
// maximum decoupled time (threeDSRequestorDecMaxTime) is what ran out, 14
// when the ACS's own, shorter, expiry did. The caller holds s.mu.
func (s *space) expireDecoupled(a *authn, now time.Time) {
	if s.db != nil {
		if expired, _ := s.store.ExpirePending(s.bg(), s.id, a.dec.auth3dsID); !expired && s.answeredMeanwhile(a) {
			return
		}
	}
	reason := emv.ReasonDecoupledMaxTime
	if s.cfg.Expiry < s.decMaxTime() {
		reason = emv.ReasonTimedOutAtACS
	}
	s.finish(a, ending{"U", reason, emv.CancelDecoupledTimeout, msgExpired}, now)
}

// resultOf maps the wallet's decision to the final result: VERIFIED is Y;
// REJECTED is N with transStatusReason 01 (the cardholder refused, so
// the card's authentication failed); FAILED is U — with reason 24 when
// the wallet says the request expired, else 26 (attempted, but the
// cardholder could not perform it).
func resultOf(req wallet.VerifyRequest) ending {
	switch req.Status {
	case wallet.Verified:
		return ending{status: "Y"}
	case wallet.Rejected:
		return ending{"N", emv.ReasonCardAuthFailed, "", "Cardholder rejected the authentication in the wallet."}
	}
	switch req.StatusReason {
	case msgExpired:
		return ending{"U", emv.ReasonDecoupledMaxTime, emv.CancelDecoupledTimeout, msgExpired}
	case "":
		return ending{"U", emv.ReasonNotPerformed, "", "The wallet reported the authentication as failed."}
	}
	return ending{"U", emv.ReasonNotPerformed, "", req.StatusReason}
}

// walletAuth checks the wallet's bearer token.
func (s *space) walletAuth(r *http.Request) bool {
	token, ok := bearerToken(r.Header.Get("Authorization"))
	return ok && (s.required().WalletToken == "" || token == s.required().WalletToken)
}

// verify serves POST /customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications/{auth3dsId}
// in the seed's order: credentials, then the body (so that the seed's 400
// example comes with any ids), then the ids.
func (s *space) verify(w http.ResponseWriter, r *http.Request) {
	if !s.walletAuth(r) {
		apiWallet.writeError(w, http.StatusUnauthorized, "")
		return
	}
	body, err := readBody(r)
	if err != nil {
		apiWallet.writeError(w, http.StatusRequestEntityTooLarge, "Request body is too large.")
		return
	}
	req, fieldErrs := decodeVerify(body)
	fieldErrors := func(errs []walletFieldError) {
		e := walletError(http.StatusBadRequest, "")
		e.Error.FieldErrors = errs
		writeJSON(w, http.StatusBadRequest, e)
	}
	if len(fieldErrs) > 0 {
		fieldErrors(fieldErrs)
		return
	}
	if s.db != nil {
		s.verifyShared(w, r, req, fieldErrors)
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.pendingFor(r)
	if a == nil {
		apiWallet.writeError(w, http.StatusNotFound, "")
		return
	}
	if req.WalletOperationID != a.dec.event.WalletOperationID {
		fieldErrors([]walletFieldError{{"walletOperationId", "does not match the pending 3DS authentication"}})
		return
	}
	s.settle(a, now)
	d := a.dec
	switch {
	case d.answer != nil && *d.answer == req:
		writeBody(w, http.StatusCreated, d.answerBody) // a retry: same answer, no second effect
	case d.answer != nil:
		answeredAlready(w, *d.answer)
	case a.final:
		s.tooLate(w, a, req, now)
	default:
		body, _ := marshal(s.verifyResult(a, req, now))
		s.applyAnswer(a, req, body, now)
		s.sweep(now)
		writeBody(w, http.StatusCreated, body)
	}
}

// takeAnswer asks a shared store to take the wallet's answer: it decides
// who answers, so only the first answer to a request still pending is
// taken, even with several replicas. When it is not taken, takeAnswer
// answers the wallet itself (ok false), as verify does: a retry of the
// first answer gets its 201 again, a different answer 409, an answer too
// late FAILED.
func (s *space) takeAnswer(w http.ResponseWriter, r *http.Request, a *authn, req wallet.VerifyRequest, now time.Time) (store.PendingRequest, bool) {
	answer, _ := marshal(req)
	answerBody, _ := marshal(s.verifyResult(a, req, now))
	p, taken, err := s.store.TakePending(s.bg(), s.id, a.dec.auth3dsID, answer, answerBody, now)
	switch {
	case err != nil:
		s.storeFailed(w, r, err)
	case !taken && p.Status == store.Answered && bytes.Equal(p.Answer, answer):
		writeBody(w, http.StatusCreated, p.AnswerBody) // a retry: same answer, no second effect
	case !taken && p.Status == store.Answered:
		first, _ := decodeVerify(p.Answer)
		answeredAlready(w, first)
	case !taken:
		s.tooLate(w, a, req, now)
	default:
		return p, true
	}
	return p, false
}

// answeredAlready refuses an answer different from the first one.
func answeredAlready(w http.ResponseWriter, first wallet.VerifyRequest) {
	apiWallet.writeError(w, http.StatusConflict, "The 3DS authentication was already answered "+string(first.Status)+".")
}

// tooLate answers a wallet whose request is no longer pending as the
// platform's seed example does: FAILED with the expiry reason. The
// decision is not applied.
func (s *space) tooLate(w http.ResponseWriter, a *authn, req wallet.VerifyRequest, now time.Time) {
	late := req
	late.Status, late.StatusReason = wallet.Failed, msgExpired
	writeJSON(w, http.StatusCreated, s.verifyResult(a, late, now))
}

// applyAnswer finishes a with the wallet's answer, given at at. The caller
// holds s.mu.
func (s *space) applyAnswer(a *authn, req wallet.VerifyRequest, body []byte, at time.Time) {
	if a.final {
		return
	}
	d := a.dec
	d.answer, d.answeredAt, d.answerBody = &req, at, body
	a.interactions = 1 // the cardholder answered the wallet's prompt
	s.finish(a, resultOf(req), at)
}

// pendingFor finds the authentication of the path's ids. The caller holds
// s.mu.
func (s *space) pendingFor(r *http.Request) *authn {
	a := s.byAuth3ds[r.PathValue("auth3dsId")]
	if a == nil || !pathMatches(a, r) {
		return nil
	}
	return a
}

// pathMatches reports whether a is the decoupled authentication of the
// wallet path's customer and card.
func pathMatches(a *authn, r *http.Request) bool {
	return a.dec != nil && a.dec.event.CustomerID == r.PathValue("customerId") && a.dec.event.CardID == r.PathValue("cardId")
}

func (s *space) verifyResult(a *authn, req wallet.VerifyRequest, now time.Time) wallet.VerifyResult {
	return wallet.VerifyResult{
		WalletOperationID: req.WalletOperationID, Verification: req.Verification,
		Status: req.Status, StatusReason: req.StatusReason,
		CustomerID: a.dec.event.CustomerID, CardID: a.dec.event.CardID, Auth3dsID: a.dec.auth3dsID,
		CreationTime: client.At(now.UTC().Truncate(time.Second)),
	}
}

// decodeVerify reads the verification body; field errors follow the
// platform's style ("must not be null").
func decodeVerify(body []byte) (wallet.VerifyRequest, []walletFieldError) {
	if req, ok := decodeVerifyFast(body); ok {
		return req, verifyRuleErrors(req, nil)
	}
	return readVerifyFields(body)
}

// readVerifyFields reads a verify body field by field, naming each value of
// the wrong type.
func readVerifyFields(body []byte) (wallet.VerifyRequest, []walletFieldError) {
	var req wallet.VerifyRequest
	obj, ok := decodeObject(body)
	if !ok {
		return req, []walletFieldError{{"body", "must be a JSON object"}}
	}
	var errs []walletFieldError
	str := func(m jsonObject, key, field string) string {
		v, present := m[key]
		if !present || v == nil {
			return ""
		}
		s, isStr := v.(string)
		if !isStr {
			errs = append(errs, walletFieldError{field, "must be a string"})
		}
		return s
	}
	req.WalletOperationID = str(obj, "walletOperationId", "walletOperationId")
	req.Status = wallet.Status(str(obj, "status", "status"))
	req.StatusReason = str(obj, "statusReason", "statusReason")
	verification, _ := obj["verification"]
	switch v := verification.(type) {
	case nil:
		errs = append(errs, walletFieldError{"verification", "must not be null"})
	case jsonObject:
		req.Verification.Method = wallet.Method(str(v, "method", "verification.method"))
	default:
		errs = append(errs, walletFieldError{"verification", "must be an object"})
	}
	if len(errs) > 0 {
		return req, errs
	}
	return req, verifyRuleErrors(req, errs)
}

// verifyRuleErrors adds seed 002's rules to errs.
func verifyRuleErrors(req wallet.VerifyRequest, errs []walletFieldError) []walletFieldError {
	for _, fe := range wallet.Validate(req) {
		errs = append(errs, walletFieldError{fe.Field, fe.Message})
	}
	return errs
}

func (s *space) pendingView(a *authn) wallet.Pending {
	v := wallet.Pending{Event: a.dec.event, Status: "PENDING", ExpiresAt: a.expires}
	switch {
	case a.dec.answer != nil:
		v.Status, v.StatusReason = string(a.dec.answer.Status), a.dec.answer.StatusReason
	case a.final:
		v.Status, v.StatusReason = string(wallet.Failed), a.failure
	}
	return v
}

// getPending serves GET …/3ds-authentications/{auth3dsId} (sandbox
// extension), for a wallet that was given the id by hand.
func (s *space) getPending(w http.ResponseWriter, r *http.Request) {
	if !s.walletAuth(r) {
		apiWallet.writeError(w, http.StatusUnauthorized, "")
		return
	}
	if s.db != nil {
		s.getPendingShared(w, r)
		return
	}
	s.mu.Lock()
	a := s.pendingFor(r)
	var v wallet.Pending
	if a != nil {
		s.settle(a, s.now())
		v = s.pendingView(a)
	}
	s.mu.Unlock()
	if a == nil {
		apiWallet.writeError(w, http.StatusNotFound, "")
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// listPending serves GET …/cards/{cardId}/3ds-authentications (sandbox
// extension): the card's authentications still waiting for the wallet.
func (s *space) listPending(w http.ResponseWriter, r *http.Request) {
	if !s.walletAuth(r) {
		apiWallet.writeError(w, http.StatusUnauthorized, "")
		return
	}
	if s.db != nil {
		s.listPendingShared(w, r)
		return
	}
	now := s.now()
	s.mu.Lock()
	out := []wallet.Pending{}
	for _, a := range s.byAuth3ds {
		if !pathMatches(a, r) {
			continue
		}
		s.settle(a, now)
		if !a.final {
			out = append(out, s.pendingView(a))
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b wallet.Pending) int { return a.Timestamp.Compare(b.Timestamp.Time) })
	writeJSON(w, http.StatusOK, map[string]any{"authentications": out})
}
