package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

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
type authn struct {
	id          string
	amount      int64
	currency    string
	description string
	created     time.Time
	updated     time.Time
	expires     time.Time // while a challenge or decoupled step waits

	started bool // authenticate was called
	req     threeds.AuthenticateRequest
	fp      [32]byte
	first   []byte // the authenticate answer, replayed on a repeat
	merchID string

	scheme     Scheme
	card       TestCard // zero for a PAN outside the test table
	cardholder string
	notEnroll  bool // a challenge was needed but the card is not enrolled

	ares        threeds.ARes
	transStatus string // ARes status, then the final one
	final       bool
	eci, cavv   string
	failure     string

	challenge *challengeState
	dec       *decoupledState
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

var (
	idRE       = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,100}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// threeDSAuth checks the merchant's key (HTTP Basic user name): 401 when
// there is none, 403 when it is not accepted (a publishable "pk_" key, or not
// the one the sandbox was told to require).
func (s *Sandbox) threeDSAuth(r *http.Request) (int, string) {
	user, _, ok := r.BasicAuth()
	if !ok || strings.TrimSpace(user) == "" {
		return http.StatusUnauthorized, msgMissingAuth
	}
	if strings.HasPrefix(user, "pk_") || s.cfg.Require.ThreeDSKey != "" && user != s.cfg.Require.ThreeDSKey {
		return http.StatusForbidden, msgUnauthorized
	}
	return 0, ""
}

// authenticate serves POST /v1/3ds/{id}/authenticate.
func (s *Sandbox) authenticate(w http.ResponseWriter, r *http.Request) {
	if status, msg := s.threeDSAuth(r); status != 0 {
		apiThreeDS.writeError(w, status, msg)
		return
	}
	id := r.PathValue("id")
	if !idRE.MatchString(id) {
		apiThreeDS.writeError(w, http.StatusNotFound, "Authentication not found")
		return
	}
	if !isJSON(r) {
		apiThreeDS.writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
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
	req, errs := decodeAuthenticate(obj)
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
	status, resp := s.startAuthentication(id, r, req, card, fingerprint(id, string(body)))
	if status != http.StatusOK {
		apiThreeDS.writeError(w, status, string(resp))
		return
	}
	writeBody(w, status, resp)
}

// hang holds a request until the client gives up or the sandbox closes: the
// "timeout" test cards.
func (s *Sandbox) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.ctx.Done():
	}
}

// startAuthentication runs the ACS's decision for a new authentication, or
// replays the first answer to a repeat of the same request. It returns the
// status and either the response body or, for an error, its message.
func (s *Sandbox) startAuthentication(id string, r *http.Request, req threeds.AuthenticateRequest, card TestCard, fp [32]byte) (int, []byte) {
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.auths[id]
	if a != nil && a.started {
		if a.fp == fp {
			return http.StatusOK, a.first
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
	user, _, _ := r.BasicAuth()
	a.started, a.req, a.fp, a.updated = true, req, fp, now
	a.merchID = merchantID(user)
	a.scheme = SchemeOf(req.Number)
	a.card = card
	if card.PAN != "" {
		a.cardholder = CardholderID
	}
	outcome := card.Outcome
	if card.PAN == "" {
		outcome = Frictionless // any other Luhn-valid card
	}
	method := s.enrolledMethod(a.cardholder, card.CardID)
	d := decide(outcome, req.Channel, req.ChallengePreference, a.cardholder != "" && method != "")
	a.notEnroll = d.notEnrolled
	a.ares = threeds.ARes{
		MessageVersion: "2.2.0", MessageType: "ARes",
		DSTransID: s.cfg.NewID(), DSReferenceNumber: dsReference,
		ThreeDSServerTransID: s.cfg.NewID(), ACSTransID: s.cfg.NewID(),
		ACSReferenceNumber: acsReference, ACSOperatorID: acsOperator,
		ACSChallengeMandated: yn(d.mandated), TransStatus: d.transStatus,
	}
	a.transStatus = d.transStatus
	switch d.transStatus {
	case "C":
		a.ares.AuthenticationType = "02" // dynamic: a one-time code
		a.ares.ACSURL = s.baseURL + "/acs/challenge/" + a.ares.ACSTransID
		a.expires = now.Add(s.cfg.Expiry)
		s.byACS[a.ares.ACSTransID] = a
		s.startChallenge(a, method, now)
	case "D":
		a.ares.AuthenticationType = "03" // out of band: the wallet
		a.expires = now.Add(s.cfg.Expiry)
		s.startDecoupled(a, now)
	default:
		s.finish(a, d.transStatus, frictionlessFailure[d.transStatus], now)
		a.ares.AuthenticationValue = a.cavv
	}
	a.first, _ = marshal(s.render(a))
	s.sweep(now)
	return http.StatusOK, a.first
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
	a.eci = ECI(a.scheme, transStatus)
	if a.eci != "" {
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
	delete(s.byACS, a.ares.ACSTransID)
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
	s.mu.Lock()
	a := s.auths[r.PathValue("id")]
	var body []byte
	if a != nil {
		s.settle(a, now)
		body, _ = marshal(s.render(a))
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
	if _, typeErr := f.errs["amount"]; !typeErr && amount < 1 {
		f.fail("amount", threeds.MsgMin(1))
	}
	if currency == "" {
		currency = defaultCurrency
	} else if !currencyRE.MatchString(currency) {
		f.fail("currency", "The value must be an ISO 4217 currency code such as SAR.")
	}
	if len([]rune(desc)) > 255 {
		f.fail("description", threeds.MsgMaxLen(255))
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
	resp, _ := marshal(s.render(a))
	s.mu.Unlock()
	writeBody(w, http.StatusCreated, resp)
}

// render is the authentication in seed 004's response shape. The caller
// holds s.mu.
func (s *Sandbox) render(a *authn) threeds.Authentication {
	out := threeds.Authentication{
		MerchantID: a.merchID, ID: a.id, Amount: a.amount, Currency: a.currency,
		Status: statusOf(a), Message: messageOf(a),
		ReturnURL: a.req.ReturnURL, ChallengePreference: a.req.ChallengePreference,
		Customer: a.req.Customer, BillingAddress: a.req.BillingAddress, ShippingAddress: a.req.ShippingAddress,
		Device: a.req.CustomerDevice, Year: a.req.Year, Month: a.req.Month,
		IsFrictionless: a.started && a.ares.TransStatus != "C" && a.ares.TransStatus != "D",
		AuthStatus:     a.transStatus, Version: a.ares.MessageVersion,
		PurchaseDate: a.created, CreatedAt: a.created, UpdatedAt: a.updated,
		Scheme: string(a.scheme), Channel: a.req.Channel,
		TDSRef: "walletsim", DSID: a.ares.DSTransID, DSRef: a.ares.DSReferenceNumber,
		ACSID: a.ares.ACSTransID, ACSRef: a.ares.ACSReferenceNumber,
		Meta: threeds.Meta{
			MerchantID: "WalletsimTestMerchant", StatementDescriptor: s.cfg.MerchantName,
			DSStartProtocolVersion: "2.1.0", ACSStartProtocolVersion: "2.1.0",
			DSEndProtocolVersion: "2.2.0", ACSEndProtocolVersion: "2.2.0",
			ARes: a.ares,
		},
	}
	if a.started {
		out.Fingerprint = cardFingerprint(a.req.Number)
	}
	if a.ares.ACSURL != "" {
		out.ChallengeURL = &a.ares.ACSURL
	}
	if a.eci != "" {
		out.ECI, out.AuthValue = &a.eci, &a.cavv
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
	return map[string]string{
		"Y": statusAuthentic, "A": statusAttempted, "N": statusFailed, "R": statusRejected, "U": statusUnavailable,
	}[a.transStatus]
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

// cardFingerprint identifies a card without revealing it: SHA-256 of the PAN.
func cardFingerprint(pan string) string {
	sum := sha256.Sum256([]byte("walletsim:" + pan))
	return hex.EncodeToString(sum[:])
}

// merchantID is a stable UUID-shaped id for a merchant key.
func merchantID(key string) string {
	sum := sha256.Sum256([]byte("merchant:" + key))
	h := hex.EncodeToString(sum[:16])
	return fmt.Sprintf("%s-%s-4%s-8%s-%s", h[0:8], h[8:12], h[13:16], h[17:20], h[20:32])
}
