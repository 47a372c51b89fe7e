package sandbox

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// The answers of seed 004's 401 and 403, verbatim.
const (
	msgMissingAuth  = "Missing authentication information"
	msgUnauthorized = "Unauthorized"
)

// Purchase defaults, the seed's example values, used when authenticate is
// called on an id that was not created first.
const (
	defaultAmount   = 100
	defaultCurrency = "SAR"
)

// validID reports whether an authentication id matches
// ^[A-Za-z0-9._~-]{1,100}$ (a loop: this runs on every authenticate).
func validID(id string) bool {
	if len(id) == 0 || len(id) > 100 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '~', c == '-':
		default:
			return false
		}
	}
	return true
}

// threeDSAuth checks the merchant's key (HTTP Basic user name): 401 when
// there is none, 403 when it is not accepted (a publishable "pk_" key, or not
// the one the sandbox was told to require).
func (s *space) threeDSAuth(r *http.Request) (int, string) {
	_, status, msg := s.threeDSUser(r)
	return status, msg
}

// threeDSUser is threeDSAuth that also returns the key.
func (s *space) threeDSUser(r *http.Request) (string, int, string) {
	user, _, ok := r.BasicAuth()
	if !ok || strings.TrimSpace(user) == "" {
		return "", http.StatusUnauthorized, msgMissingAuth
	}
	if strings.HasPrefix(user, "pk_") || s.required().ThreeDSKey != "" && user != s.required().ThreeDSKey {
		return "", http.StatusForbidden, msgUnauthorized
	}
	return user, 0, ""
}

// authenticate serves POST /v1/3ds/{id}/authenticate.
func (s *space) authenticate(w http.ResponseWriter, r *http.Request) {
	user, id, ok := s.acceptAuthenticate(w, r)
	if !ok {
		return
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	req, ok := s.readAuthenticateBody(w, r, sc)
	if !ok {
		return
	}
	card, _ := testcards.Lookup(req.Number)
	if s.forcedByCard(w, r, card) {
		return
	}
	// Only a decoupled step sends a webhook (decide answers D on the
	// decoupled channel alone), so only then are the workspace's webhook
	// faults read: on a shared store that read is a query per request.
	var wf fault.Webhook
	if req.Channel == threeds.Decoupled {
		wf = s.webhookFaultFor(r)
	}
	status, resp := s.startAuthentication(id, user, req, card, fingerprint(sc.body, id), &sc.answer, wf)
	s.flushWebhooks()
	if status != http.StatusOK {
		apiThreeDS.writeError(w, status, string(resp))
		return
	}
	writeBody(w, status, resp)
}

// acceptAuthenticate checks the merchant's key and the id, answering the
// error itself; it returns the key and the id.
func (s *space) acceptAuthenticate(w http.ResponseWriter, r *http.Request) (user, id string, ok bool) {
	user, status, msg := s.threeDSUser(r)
	id = r.PathValue("id")
	switch {
	case status != 0:
	case !validID(id):
		status, msg = http.StatusNotFound, "Authentication not found"
	default:
		return user, id, true
	}
	apiThreeDS.writeError(w, status, msg)
	return "", "", false
}

// readAuthenticateBody reads the body into sc and decodes it, answering a
// body too large, of another content type, not JSON, or invalid (422,
// every field named) itself. An empty body has no fields: each required
// one is missing (422), as seed 004 documents validation, whatever its
// Content-Type.
func (s *Sandbox) readAuthenticateBody(w http.ResponseWriter, r *http.Request, sc *scratch) (threeds.AuthenticateRequest, bool) {
	body, err := readBodyInto(r, sc.body)
	if err != nil {
		apiThreeDS.writeError(w, http.StatusRequestEntityTooLarge, "Request body is too large")
		return threeds.AuthenticateRequest{}, false
	}
	sc.body = body
	var req threeds.AuthenticateRequest
	var errs map[string][]string
	ok := true
	empty := len(bytes.TrimSpace(body)) == 0
	switch {
	case empty:
		req, errs = decodeAuthenticate(nil)
	case !isJSON(r):
		apiThreeDS.writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return req, false
	default:
		req, errs, ok = readAuthenticate(body)
	}
	switch {
	case !ok:
		apiThreeDS.writeError(w, http.StatusBadRequest, "Malformed JSON body")
	case len(errs) > 0:
		writeJSON(w, http.StatusUnprocessableEntity, threeDSError{Message: "Data validation failed", Errors: errs})
	default:
		return req, true
	}
	return req, false
}

// forcedByCard answers as the test cards that force a 500, a 503 or no
// answer at all do, and reports whether it did.
func (s *Sandbox) forcedByCard(w http.ResponseWriter, r *http.Request, card testcards.Card) bool {
	switch card.Outcome {
	case testcards.Fault500, testcards.Fault503:
		status, _ := strconv.Atoi(string(card.Outcome))
		apiThreeDS.writeError(w, status, http.StatusText(status))
	case testcards.FaultTimeout:
		s.hang(r)
	default:
		return false
	}
	return true
}

// scratch is the memory an authenticate request needs only while it is
// served, recycled from one request to the next: the body (about 1 KiB)
// and the answer (2–3 KiB). It is safe because nothing outlives the
// request: decoding copies the strings it keeps, the sandbox keeps its own
// copy of an answer, and Write does not retain its argument.
type scratch struct {
	body   []byte
	answer []byte
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{body: make([]byte, 0, 2048), answer: make([]byte, 0, 4096)}
}}

func (sc *scratch) release() {
	if cap(sc.body) > 64<<10 || cap(sc.answer) > 64<<10 {
		return // a pathological request's buffers: let them go
	}
	sc.body, sc.answer = sc.body[:0], sc.answer[:0]
	scratchPool.Put(sc)
}

// hang holds a request until the client gives up or the sandbox closes —
// the "timeout" test cards and fault — and then drops the connection: the
// client must see no answer, not an empty 200.
func (s *Sandbox) hang(r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	clock.Hang(ctx, s.cfg.Clock)
	panic(http.ErrAbortHandler)
}

// startAuthentication runs the ACS's decision for a new authentication, or
// replays the first answer to a repeat of the same request. It returns the
// status and either the response body or, for an error, its message. A
// body the sandbox does not keep is encoded into *buf. wf makes the
// delivery of a decoupled request's event misbehave.
func (s *space) startAuthentication(id, user string, req threeds.AuthenticateRequest, card testcards.Card, fp [32]byte, buf *[]byte, wf fault.Webhook) (int, []byte) {
	if s.db != nil {
		return s.startShared(id, user, req, card, fp, buf, wf)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.auths[id]
	if a != nil && a.started {
		return s.repeated(a, fp, buf)
	}
	if a == nil && s.pending >= s.cfg.MaxPending {
		return http.StatusServiceUnavailable, []byte("Sandbox busy: too many authentications in progress")
	}
	reserved := startBound(id, &req)
	if err := s.stored.Reserve(reserved); err != nil {
		return http.StatusTooManyRequests, []byte(s.fullMessage(err))
	}
	if err := s.payMessage(id); err != nil {
		s.stored.Release(reserved)
		return http.StatusTooManyRequests, []byte(s.fullMessage(err))
	}
	if a == nil {
		a = &authn{id: id, amount: defaultAmount, currency: defaultCurrency, created: now, expires: now.Add(s.cfg.Expiry)}
		s.track(a)
	}
	s.begin(a, user, req, card, fp, now, wf)
	s.keepFirst(a, buf)
	s.settleMessage(id) // the inbox message, kept in its inbox (inbox.go)
	s.kept(a, reserved)
	s.sweep(now)
	return http.StatusOK, *buf
}

// keepFirst renders the authenticate answer into *buf, and keeps it when
// it must be replayed (see firstAnswer). The caller holds s.mu.
func (s *space) keepFirst(a *authn, buf *[]byte) {
	*buf, _ = s.appendRenderJSON((*buf)[:0], a)
	switch {
	case a.challenge != nil:
		a.challenge.first = bytes.Clone(*buf)
	case a.dec != nil:
		a.dec.first = bytes.Clone(*buf)
	}
}

// repeated answers authenticate called again on a started authentication:
// the first answer to the same request, 409 to a different one. The caller
// holds s.mu.
func (s *space) repeated(a *authn, fp [32]byte, buf *[]byte) (int, []byte) {
	switch {
	case a.fp != fp:
		return http.StatusConflict, []byte("Authentication " + a.id + " was already started with a different request")
	case a.answeredAtOnce():
		*buf, _ = s.appendRenderJSON((*buf)[:0], a)
		return http.StatusOK, *buf
	}
	return http.StatusOK, a.firstAnswer()
}

// begin records the request, runs the ACS's decision and starts what it
// calls for: a challenge, a decoupled step, or the final result at once.
// The caller holds s.mu.
func (s *space) begin(a *authn, user string, req threeds.AuthenticateRequest, card testcards.Card, fp [32]byte, now time.Time, wf fault.Webhook) {
	a.started, a.req, a.fp, a.updated = true, s.shareWithLast(req, user), fp, now
	a.merchID = s.last.merchID
	a.scheme = testcards.SchemeOf(req.Number)
	a.testCard = card.PAN != ""
	if card.PAN == "" {
		card.Outcome = testcards.Frictionless // any other Luhn-valid card
	}
	var method issuing.OTPMethod
	d := decide(card, req.Channel, req.ChallengePreference, func() bool {
		method = s.enrolledMethod(a.cardholder(), card.CardID)
		return a.cardholder() != "" && method != ""
	})
	if d.transStatus == "D" && s.decoupledTooShort() {
		d = decision{transStatus: "U", reason: emv.ReasonDecoupledTooShort}
	}
	a.notEnroll, a.mandated, a.aresStatus, a.transStatus = d.notEnrolled, d.mandated, d.transStatus, d.transStatus
	a.dsTransID, a.serverTransID, a.acsTransID = s.transIDs()
	switch d.transStatus {
	case "C":
		a.acsURL = s.BaseURL() + "/acs/challenge/" + a.acsTransID
		a.expires = now.Add(s.cfg.Expiry)
		if s.db == nil {
			s.byACS[a.acsTransID] = a
			s.indexChallenge(a.acsTransID)
		}
		s.startChallenge(a, card, method, now)
	case "D":
		a.expires = now.Add(s.decoupledWait())
		s.startDecoupled(a, card, now, wf)
	default:
		s.finish(a, ending{status: d.transStatus, reason: d.reason, failure: failureText(d.transStatus, d.reason)}, now)
	}
}

// getAuthentication serves GET /v1/3ds/{id} (sandbox extension): the
// authentication as it stands, with the final result once known.
func (s *space) getAuthentication(w http.ResponseWriter, r *http.Request) {
	if status, msg := s.threeDSAuth(r); status != 0 {
		apiThreeDS.writeError(w, status, msg)
		return
	}
	if s.db != nil {
		s.getShared(w, r)
		return
	}
	now := s.now()
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	s.mu.Lock()
	a := s.auths[r.PathValue("id")]
	var body []byte
	if a != nil {
		s.settle(a, now)
		body, _ = s.appendRenderJSON(sc.answer, a)
		sc.answer = body
	}
	s.mu.Unlock()
	if a == nil {
		apiThreeDS.writeError(w, http.StatusNotFound, "Authentication not found")
		return
	}
	writeBody(w, http.StatusOK, body)
}

// createPurchase serves POST /v1/3ds (sandbox extension): the merchant
// registers a purchase's amount and currency before authenticating it.
func (s *space) createPurchase(w http.ResponseWriter, r *http.Request) {
	if status, msg := s.threeDSAuth(r); status != 0 {
		apiThreeDS.writeError(w, status, msg)
		return
	}
	body, err := readBody(r)
	if err != nil {
		apiThreeDS.writeError(w, http.StatusRequestEntityTooLarge, "Request body is too large")
		return
	}
	obj, ok := decodeObject(body)
	if !ok {
		apiThreeDS.writeError(w, http.StatusBadRequest, "Malformed JSON body")
		return
	}
	var f fieldReader
	amount, _ := f.integer(obj, "amount", "amount")
	currency := f.str(obj, "currency", "currency")
	desc := f.str(obj, "description", "description")
	for _, fe := range threeds.ValidateCreate(threeds.CreateRequest{Amount: int64(amount), Currency: currency, Description: desc}) {
		if _, typeErr := f.errs[fe.Field]; !typeErr {
			f.fail(fe.Field, fe.Message)
		}
	}
	if currency == "" {
		currency = defaultCurrency
	}
	if f.errs != nil {
		writeJSON(w, http.StatusUnprocessableEntity, threeDSError{Message: "Data validation failed", Errors: f.errs})
		return
	}
	user, _, _ := r.BasicAuth()
	create := func() stored { return s.newPurchase(user, int64(amount), currency, desc) }
	key := r.Header.Get(IdempotencyKeyHeader)
	if key == "" {
		res := create()
		writeBody(w, res.status, res.body)
		return
	}
	if len(key) > maxIdempotencyKey {
		writeJSON(w, http.StatusBadRequest, threeDSError{Message: "Data validation failed",
			Errors: map[string][]string{IdempotencyKeyHeader: {"must be at most 255 characters"}}})
		return
	}
	res, outcome := s.once(r.Context(), "3ds\x00"+user+"\x00"+key, fingerprint(body, "POST /v1/3ds"), create)
	writeIdempotent(w, res, outcome, "request")
}

// IdempotencyKeyHeader makes POST /v1/3ds (and an ACS code submission)
// idempotent, as Stripe's API does: the first answer to a key is replayed,
// with no second effect, for the store's TTL (24 hours).
const IdempotencyKeyHeader = "Idempotency-Key"

// maxIdempotencyKey is the longest Idempotency-Key accepted (Stripe's limit).
const maxIdempotencyKey = 255

// newPurchase creates a purchase and returns the 201 (or 503 when the
// workspace has too many authentications in progress).
func (s *space) newPurchase(user string, amount int64, currency, desc string) stored {
	if s.db != nil {
		return s.newPurchaseShared(user, amount, currency, desc)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending >= s.cfg.MaxPending {
		b, _ := marshal(threeDSError{Message: "Sandbox busy: too many authentications in progress"})
		return stored{status: http.StatusServiceUnavailable, body: b}
	}
	a := &authn{id: s.cfg.NewID(), amount: amount, currency: currency, description: desc,
		created: now, updated: now, expires: now.Add(s.cfg.Expiry), merchID: merchantID(user)}
	if err := s.stored.Reserve(authnBytes(a)); err != nil {
		body, _ := marshal(threeDSError{Message: s.fullMessage(err)})
		return stored{status: http.StatusTooManyRequests, body: body}
	}
	a.kept = authnBytes(a)
	s.track(a)
	s.sweep(now)
	resp, _ := s.renderJSON(a)
	return stored{status: http.StatusCreated, body: resp}
}

// writeIdempotent answers a 3DS-server request made under an
// Idempotency-Key (a purchase's creation, an ACS code submission) from
// how its key stood: refused when the key was used for a different what,
// busy while the first is in flight, replayed (and marked so) when done.
func writeIdempotent(w http.ResponseWriter, res stored, outcome idemOutcome, what string) {
	switch outcome {
	case idemConflict:
		writeJSON(w, http.StatusBadRequest, threeDSError{Message: "Data validation failed",
			Errors: map[string][]string{IdempotencyKeyHeader: {"was already used for a different " + what}}})
		return
	case idemBusy:
		apiThreeDS.writeError(w, http.StatusConflict, "A "+what+" with this "+IdempotencyKeyHeader+" is still in progress; retry it later")
		return
	case idemFailed:
		apiThreeDS.writeError(w, http.StatusServiceUnavailable, unavailable)
		return
	case idemCancelled:
		return
	case idemReplayed:
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeBody(w, res.status, res.body)
}
