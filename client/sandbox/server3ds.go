package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client"
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

// Coarse statuses of an authentication (the seed shows "in_progress").
const (
	statusInitiated   = "initiated"
	statusInProgress  = "in_progress"
	statusAuthentic   = "authenticated"
	statusAttempted   = "attempted"
	statusFailed      = "failed"
	statusRejected    = "rejected"
	statusUnavailable = "unavailable"
)

// authn is one 3DS authentication, from purchase to final result.
//
// MaxFinished of these are kept, so it holds only what cannot be derived
// (352 bytes, down from 736): the ARes' constant fields, the ECI (a
// function of scheme and transStatus), the cardholder (the sandbox's, for
// a test card) and the first answer (see firstAnswer) are not stored, and
// the request is shared with the previous one when equal (shareWithLast).
type authn struct {
	id          string
	amount      int64
	currency    string
	description string
	created     time.Time
	updated     time.Time
	expires     time.Time // while a challenge or decoupled step waits

	req     *threeds.AuthenticateRequest // nil until authenticate; see request
	fp      [32]byte
	merchID string
	scheme  Scheme

	// The ACS's answer (ARes), as ares renders it.
	dsTransID, serverTransID, acsTransID string
	acsURL                               string // a challenge's page
	aresStatus                           string // Y A C D N R U

	transStatus string // ARes status, then the final one
	cavv        string
	failure     string

	challenge *challengeState
	dec       *decoupledState

	started   bool // authenticate was called
	final     bool
	testCard  bool // the PAN is a test card's, so the sandbox cardholder's
	notEnroll bool // a challenge was needed but the card is not enrolled
	mandated  bool // the ACS, not the merchant, wanted the cardholder
}

// noRequest is the request of an authentication not started yet.
var noRequest threeds.AuthenticateRequest

// request is the authenticate request, empty before authenticate.
func (a *authn) request() *threeds.AuthenticateRequest {
	if a.req == nil {
		return &noRequest
	}
	return a.req
}

// cardholder is the card's holder on the issuer: the sandbox cardholder's
// for a test card, nobody's otherwise.
func (a *authn) cardholder() string {
	if a.testCard {
		return CardholderID
	}
	return ""
}

// ares is the ACS's authentication response as meta.ares shows it: empty
// until authenticate is called.
func (a *authn) ares() threeds.ARes {
	if !a.started {
		return threeds.ARes{}
	}
	r := threeds.ARes{
		MessageVersion: "2.2.0", MessageType: "ARes",
		DSTransID: a.dsTransID, DSReferenceNumber: dsReference,
		ThreeDSServerTransID: a.serverTransID, ACSTransID: a.acsTransID,
		ACSReferenceNumber: acsReference, ACSOperatorID: acsOperator,
		ACSURL: a.acsURL, TransStatus: a.aresStatus,
	}
	// authenticationType and acsChallengeMandated come with C and D only
	// (EMV 3DS 2.2.0).
	switch a.aresStatus {
	case "C":
		r.AuthenticationType = "02" // dynamic: a one-time code
		r.ACSChallengeMandated = yn(a.mandated)
	case "D":
		r.AuthenticationType = "04" // decoupled (03 would be out of band)
		r.ACSChallengeMandated = yn(a.mandated)
	default:
		r.AuthenticationValue = a.cavv // final at once, so the CAVV is too
	}
	return r
}

// firstAnswer is the authenticate answer to a challenge or decoupled start,
// replayed on a repeat. An authentication the ACS answered at once keeps
// none (answeredAtOnce): it never changes again, so its rendering is its
// first answer.
func (a *authn) firstAnswer() []byte {
	switch {
	case a.challenge != nil:
		return a.challenge.first
	case a.dec != nil:
		return a.dec.first
	}
	return nil
}

// decision is what the ACS answers in the ARes.
type decision struct {
	transStatus string // Y A C D N R U
	mandated    bool   // the issuer, not the merchant, wants the challenge
	notEnrolled bool   // a challenge was needed but the card is not enrolled
}

// decide is the ACS's choice, from the card's forced outcome, the channel,
// the merchant's challenge preference and the card's 3DS enrollment.
//
//   - C and D cards always need the cardholder (acsChallengeMandated Y):
//     a C card is challenged on the browser, and decoupled on the decoupled
//     channel; a D card is always decoupled.
//   - A frictionless card is challenged when the merchant prefers or
//     mandates a challenge, and the card is enrolled.
//   - A card that needs a challenge but is not enrolled cannot be
//     challenged (the issuer has no destination for a code and no wallet
//     binding): attempts processing stands in, A with ECI 06/01, as the
//     schemes' attempts servers do for cardholders outside the program.
func decide(o Outcome, ch threeds.Channel, pref threeds.ChallengePreference, enrolled bool) decision {
	challenge := func(mandated, decoupledOnly bool) decision {
		if !enrolled {
			if !mandated && pref == threeds.Preferred {
				return decision{transStatus: "Y"}
			}
			return decision{transStatus: "A", mandated: mandated, notEnrolled: true}
		}
		if decoupledOnly || ch == threeds.Decoupled {
			return decision{transStatus: "D", mandated: mandated}
		}
		return decision{transStatus: "C", mandated: mandated}
	}
	switch o {
	case Attempted, NotAuth, Rejected, Unavailable:
		return decision{transStatus: string(o)}
	case Challenge:
		return challenge(true, false)
	case Decoupled:
		return challenge(true, true)
	}
	if pref == threeds.Preferred || pref == threeds.Mandated {
		return challenge(false, false)
	}
	return decision{transStatus: "Y"}
}

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
func (s *Sandbox) threeDSAuth(r *http.Request) (int, string) {
	_, status, msg := s.threeDSUser(r)
	return status, msg
}

// threeDSUser is threeDSAuth that also returns the key.
func (s *Sandbox) threeDSUser(r *http.Request) (string, int, string) {
	user, _, ok := r.BasicAuth()
	if !ok || strings.TrimSpace(user) == "" {
		return "", http.StatusUnauthorized, msgMissingAuth
	}
	if strings.HasPrefix(user, "pk_") || s.cfg.Require.ThreeDSKey != "" && user != s.cfg.Require.ThreeDSKey {
		return "", http.StatusForbidden, msgUnauthorized
	}
	return user, 0, ""
}

// authenticate serves POST /v1/3ds/{id}/authenticate.
func (s *Sandbox) authenticate(w http.ResponseWriter, r *http.Request) {
	user, status, msg := s.threeDSUser(r)
	if status != 0 {
		apiThreeDS.writeError(w, status, msg)
		return
	}
	id := r.PathValue("id")
	if !validID(id) {
		apiThreeDS.writeError(w, http.StatusNotFound, "Authentication not found")
		return
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	body, err := readBodyInto(r, sc.body)
	if err != nil {
		apiThreeDS.writeError(w, http.StatusRequestEntityTooLarge, "Request body is too large")
		return
	}
	sc.body = body
	// An empty body has no fields: each required one is missing (422), as
	// seed 004 documents validation, whatever its Content-Type.
	empty := len(bytes.TrimSpace(body)) == 0
	if !empty && !isJSON(r) {
		apiThreeDS.writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	obj, ok := jsonObject(nil), true
	if !empty {
		obj, ok = decodeObjectIn(body, &sc.arena)
	}
	if !ok {
		apiThreeDS.writeError(w, http.StatusBadRequest, "Malformed JSON body")
		return
	}
	req, errs := decodeAuthenticate(obj) // req shares nothing with body or obj
	if len(errs) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, threeDSError{Message: "Data validation failed", Errors: errs})
		return
	}
	card, known := Lookup(req.Number)
	switch {
	case known && card.Outcome == Fault500:
		apiThreeDS.writeError(w, http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError))
		return
	case known && card.Outcome == Fault503:
		apiThreeDS.writeError(w, http.StatusServiceUnavailable, http.StatusText(http.StatusServiceUnavailable))
		return
	case known && card.Outcome == FaultTimeout:
		s.hang(r)
		return
	}
	status, resp := s.startAuthentication(id, user, req, card, fingerprint(body, id), &sc.answer)
	if status != http.StatusOK {
		apiThreeDS.writeError(w, status, string(resp))
		return
	}
	writeBody(w, status, resp)
}

// scratch is the memory an authenticate request needs only while it is
// served, recycled from one request to the next: the body (about 1 KiB),
// the decoded objects (about 1 KiB) and the answer (2–3 KiB) are then
// three quarters of what a request allocated. It is safe because nothing
// outlives the request: decoding copies the strings it keeps, the sandbox
// keeps its own copy of an answer, and Write does not retain its argument.
type scratch struct {
	body   []byte
	arena  []jsonPair
	answer []byte
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{body: make([]byte, 0, 2048), arena: make([]jsonPair, 0, 64), answer: make([]byte, 0, 4096)}
}}

func (sc *scratch) release() {
	if cap(sc.body) > 64<<10 || cap(sc.arena) > 1024 || cap(sc.answer) > 64<<10 {
		return // a pathological request's buffers: let them go
	}
	clear(sc.arena) // drop the references the objects held
	sc.body, sc.arena, sc.answer = sc.body[:0], sc.arena[:0], sc.answer[:0]
	scratchPool.Put(sc)
}

// hang holds a request until the client gives up or the sandbox closes —
// the "timeout" test cards and fault — and then drops the connection: the
// client must see no answer, not an empty 200.
func (s *Sandbox) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.ctx.Done():
	}
	panic(http.ErrAbortHandler)
}

// startAuthentication runs the ACS's decision for a new authentication, or
// replays the first answer to a repeat of the same request. It returns the
// status and either the response body or, for an error, its message. A
// body the sandbox does not keep is encoded into *buf.
func (s *Sandbox) startAuthentication(id, user string, req threeds.AuthenticateRequest, card TestCard, fp [32]byte, buf *[]byte) (int, []byte) {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.auths[id]
	if a != nil && a.started {
		if a.fp == fp {
			if a.answeredAtOnce() {
				*buf, _ = s.appendRenderJSON((*buf)[:0], a)
				return http.StatusOK, *buf
			}
			return http.StatusOK, a.firstAnswer()
		}
		return http.StatusConflict, []byte("Authentication " + id + " was already started with a different request")
	}
	if a == nil {
		if s.pending >= s.cfg.MaxPending {
			return http.StatusServiceUnavailable, []byte("Sandbox busy: too many authentications in progress")
		}
		a = &authn{id: id, amount: defaultAmount, currency: defaultCurrency, created: now, expires: now.Add(s.cfg.Expiry)}
		s.track(a)
	}
	a.started, a.req, a.fp, a.updated = true, s.shareWithLast(req, user), fp, now
	a.merchID = s.last.merchID
	a.scheme = SchemeOf(req.Number)
	a.testCard = card.PAN != ""
	outcome := card.Outcome
	if card.PAN == "" {
		outcome = Frictionless // any other Luhn-valid card
	}
	method := s.enrolledMethod(a.cardholder(), card.CardID)
	d := decide(outcome, req.Channel, req.ChallengePreference, a.cardholder() != "" && method != "")
	a.notEnroll = d.notEnrolled
	a.dsTransID, a.serverTransID, a.acsTransID = s.cfg.NewID(), s.cfg.NewID(), s.cfg.NewID()
	a.mandated, a.aresStatus = d.mandated, d.transStatus
	a.transStatus = d.transStatus
	switch d.transStatus {
	case "C":
		a.acsURL = s.baseURL + "/acs/challenge/" + a.acsTransID
		a.expires = now.Add(s.cfg.Expiry)
		s.byACS[a.acsTransID] = a
		s.startChallenge(a, card, method, now)
	case "D":
		a.expires = now.Add(s.cfg.Expiry)
		s.startDecoupled(a, card, now)
	default:
		s.finish(a, d.transStatus, frictionlessFailure[d.transStatus], now)
	}
	*buf, _ = s.appendRenderJSON((*buf)[:0], a)
	switch {
	case a.challenge != nil:
		a.challenge.first = bytes.Clone(*buf)
	case a.dec != nil:
		a.dec.first = bytes.Clone(*buf)
	}
	s.sweep(now)
	return http.StatusOK, *buf
}

// lastRequest is the previous authentication's request and merchant id,
// which the next one shares its equal values with.
type lastRequest struct {
	req              *threeds.AuthenticateRequest
	user, merchID    string
	pan, fingerprint string // the last card rendered
}

// shareWithLast returns req to keep, made of the previous authentication's
// strings and customer, addresses and device wherever they are equal (the
// previous request itself when all are), and computes the merchant id
// only for a new key. Test traffic repeats its fixtures (the same
// customer, addresses and device on every purchase), and stored requests
// are never modified, so equal values can be one copy: the MaxFinished
// authentications kept then take half the memory. The caller holds s.mu.
func (s *Sandbox) shareWithLast(req threeds.AuthenticateRequest, user string) *threeds.AuthenticateRequest {
	l := &s.last
	if l.merchID == "" || l.user != user {
		l.user, l.merchID = user, merchantID(user)
	}
	if l.req == nil {
		l.req = &req
		return l.req
	}
	p := l.req
	shareString(&req.Number, p.Number)
	shareString(&req.Channel, p.Channel)
	shareString(&req.ReturnURL, p.ReturnURL)
	shareString(&req.Name, p.Name)
	shareString(&req.ChallengePreference, p.ChallengePreference)
	if req.Customer != nil && p.Customer != nil && *req.Customer == *p.Customer {
		req.Customer = p.Customer
	}
	if req.BillingAddress != nil && p.BillingAddress != nil && *req.BillingAddress == *p.BillingAddress {
		req.BillingAddress = p.BillingAddress
	}
	switch {
	case req.ShippingAddress == nil:
	case p.ShippingAddress != nil && *req.ShippingAddress == *p.ShippingAddress:
		req.ShippingAddress = p.ShippingAddress
	case req.BillingAddress != nil && *req.ShippingAddress == *req.BillingAddress:
		req.ShippingAddress = req.BillingAddress // often the same address twice
	}
	if req.CustomerDevice != nil && p.CustomerDevice != nil && sameDevice(req.CustomerDevice, p.CustomerDevice) {
		req.CustomerDevice = p.CustomerDevice
	}
	if req == *p { // equal pointers now mean equal values
		return p
	}
	l.req = &req
	return l.req
}

func shareString[S ~string](dst *S, prev S) {
	if *dst == prev {
		*dst = prev
	}
}

func sameDevice(a, b *threeds.Device) bool {
	x, y := *a, *b
	x.JavascriptEnabled, y.JavascriptEnabled = nil, nil
	ja, jb := a.JavascriptEnabled, b.JavascriptEnabled
	return x == y && (ja == nil) == (jb == nil) && (ja == nil || *ja == *jb)
}

// answeredAtOnce reports whether the ACS's answer was final (no challenge,
// no decoupled step): nothing changes such an authentication afterwards.
func (a *authn) answeredAtOnce() bool {
	return a.started && a.aresStatus != "C" && a.aresStatus != "D"
}

// track registers a new authentication, pending until it finishes. The
// caller holds s.mu.
func (s *Sandbox) track(a *authn) {
	s.auths[a.id] = a
	s.pending++
	s.waiting.push(a)
}

// frictionlessFailure explains the results that are not a success.
var frictionlessFailure = map[string]string{
	"N": "Cardholder not authenticated by the issuer.",
	"R": "Issuer rejected the authentication.",
	"U": "Issuer's ACS could not perform the authentication.",
}

// finish records a final transStatus, with ECI and CAVV for Y and A. The
// caller holds s.mu.
func (s *Sandbox) finish(a *authn, transStatus, failure string, now time.Time) {
	a.transStatus, a.final, a.failure, a.updated = transStatus, true, failure, now
	if ECI(a.scheme, transStatus) != "" {
		a.cavv = s.cavv()
	}
	s.pending--
	s.finished.push(a)
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
func (s *Sandbox) settle(a *authn, now time.Time) {
	if a.final || now.Before(a.expires) {
		return
	}
	switch {
	case !a.started:
		s.finish(a, "", "The purchase was never authenticated.", now)
	case a.challenge != nil:
		s.finish(a, "U", "Challenge expired before the cardholder completed it.", now)
	case a.dec != nil:
		s.expireDecoupled(a, now)
	}
}

// sweep settles what has expired and evicts finished authentications past
// their retention or beyond MaxFinished, so memory stays bounded however
// long the sandbox runs. Both queues are in creation order, so each call
// does O(1) amortised work. The caller holds s.mu.
func (s *Sandbox) sweep(now time.Time) {
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
func (s *Sandbox) forget(a *authn) {
	if s.auths[a.id] == a {
		delete(s.auths, a.id)
	}
	delete(s.byACS, a.acsTransID)
	if a.dec != nil {
		delete(s.byAuth3ds, a.dec.auth3dsID)
	}
}

// getAuthentication serves GET /v1/3ds/{id} (sandbox extension): the
// authentication as it stands, with the final result once known.
func (s *Sandbox) getAuthentication(w http.ResponseWriter, r *http.Request) {
	if status, msg := s.threeDSAuth(r); status != 0 {
		apiThreeDS.writeError(w, status, msg)
		return
	}
	now := s.cfg.Now()
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
func (s *Sandbox) createPurchase(w http.ResponseWriter, r *http.Request) {
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
	now := s.cfg.Now()
	user, _, _ := r.BasicAuth()
	s.mu.Lock()
	if s.pending >= s.cfg.MaxPending {
		s.mu.Unlock()
		apiThreeDS.writeError(w, http.StatusServiceUnavailable, "Sandbox busy: too many authentications in progress")
		return
	}
	a := &authn{id: s.cfg.NewID(), amount: int64(amount), currency: currency, description: desc,
		created: now, updated: now, expires: now.Add(s.cfg.Expiry), merchID: merchantID(user)}
	s.track(a)
	s.sweep(now)
	resp, _ := s.renderJSON(a)
	s.mu.Unlock()
	writeBody(w, http.StatusCreated, resp)
}

// renderJSON is render, encoded. The caller holds s.mu.
func (s *Sandbox) renderJSON(a *authn) ([]byte, error) {
	return s.appendRenderJSON(make([]byte, 0, 2560), a)
}

// appendRenderJSON appends render's encoding to dst. The caller holds s.mu.
func (s *Sandbox) appendRenderJSON(dst []byte, a *authn) ([]byte, error) {
	out := s.render(a)
	return appendAuthenticationJSON(dst, &out)
}

// render is the authentication in seed 004's response shape. The caller
// holds s.mu.
func (s *Sandbox) render(a *authn) threeds.Authentication {
	ares, req := a.ares(), a.request()
	out := threeds.Authentication{
		MerchantID: a.merchID, ID: a.id, Amount: a.amount, Currency: a.currency,
		Status: statusOf(a), Message: messageOf(a),
		ReturnURL: req.ReturnURL, ChallengePreference: req.ChallengePreference,
		Customer: req.Customer, BillingAddress: req.BillingAddress, ShippingAddress: req.ShippingAddress,
		Device: req.CustomerDevice, Year: req.Year, Month: req.Month,
		IsFrictionless: a.answeredAtOnce(),
		AuthStatus:     a.transStatus, Version: ares.MessageVersion,
		PurchaseDate: client.At(a.created), CreatedAt: client.At(a.created), UpdatedAt: client.At(a.updated),
		Scheme: string(a.scheme), Channel: req.Channel,
		TDSRef: "walletsim", DSID: ares.DSTransID, DSRef: ares.DSReferenceNumber,
		ACSID: ares.ACSTransID, ACSRef: ares.ACSReferenceNumber,
		Meta: threeds.Meta{
			MerchantID: "WalletsimTestMerchant", StatementDescriptor: s.cfg.MerchantName,
			DSStartProtocolVersion: "2.1.0", ACSStartProtocolVersion: "2.1.0",
			DSEndProtocolVersion: "2.2.0", ACSEndProtocolVersion: "2.2.0",
			ARes: ares,
		},
	}
	if a.started {
		out.Fingerprint = s.fingerprintOf(req.Number)
	}
	if a.acsURL != "" {
		out.ChallengeURL = &a.acsURL
	}
	// The ECI depends on nothing else (and is empty until a Y or A result).
	if e := ECI(a.scheme, a.transStatus); e != "" {
		eci := e
		out.ECI, out.AuthValue = &eci, &a.cavv
	}
	if a.failure != "" {
		out.FailureReason = &a.failure
	}
	return out
}

func statusOf(a *authn) string {
	switch {
	case !a.started && a.final:
		return "expired"
	case !a.started:
		return statusInitiated
	}
	if !a.final {
		return statusInProgress
	}
	switch a.transStatus {
	case "Y":
		return statusAuthentic
	case "A":
		return statusAttempted
	case "N":
		return statusFailed
	case "R":
		return statusRejected
	case "U":
		return statusUnavailable
	}
	return ""
}

func messageOf(a *authn) string {
	if !a.started {
		return "Awaiting authentication"
	}
	switch a.transStatus {
	case "Y":
		return "Authenticated"
	case "A":
		if a.notEnroll {
			return "Authentication attempted: card not enrolled in 3DS"
		}
		return "Authentication attempted"
	case "C":
		return "Challenge required" // the seed's words
	case "D":
		return "Decoupled authentication required"
	case "N":
		return "Not authenticated"
	case "R":
		return "Authentication rejected"
	}
	return "Authentication could not be performed"
}

// Fixed identities of the simulated directory server and ACS.
const (
	dsReference  = "DS_WALLETSIM_0000001"
	acsReference = "3DS_WALLETSIM_ACS_000000_00001"
	acsOperator  = "WALLETSIM_ACS_OPERATOR"
)

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// fingerprintOf is cardFingerprint, remembered for the last card (test
// traffic repeats its card). The caller holds s.mu.
func (s *Sandbox) fingerprintOf(pan string) string {
	if s.last.pan != pan || s.last.fingerprint == "" {
		s.last.pan, s.last.fingerprint = pan, cardFingerprint(pan)
	}
	return s.last.fingerprint
}

// cardFingerprint identifies a card without revealing it: SHA-256 of the PAN.
func cardFingerprint(pan string) string {
	sum := sha256.Sum256([]byte("walletsim:" + pan))
	return hex.EncodeToString(sum[:])
}

// merchantID is a stable UUID-shaped id for a merchant key.
func merchantID(key string) string {
	sum := sha256.Sum256([]byte("merchant:" + key))
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	// 8-4-4-4-12 hex digits, the version digit forced to 4 and the variant to 8.
	b := make([]byte, 0, 36)
	b = append(b, h[0:8]...)
	b = append(b, '-')
	b = append(b, h[8:12]...)
	b = append(b, '-', '4')
	b = append(b, h[13:16]...)
	b = append(b, '-', '8')
	b = append(b, h[17:20]...)
	b = append(b, '-')
	b = append(b, h[20:32]...)
	return string(b)
}
