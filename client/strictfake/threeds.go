package strictfake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"
)

// The fake's cardholder (one for all its cards).
const (
	CardholderID = "FAKE-HOLDER-0001"
	WalletID     = "FAKE-WALLET-0001"
	CustomerID   = "9000000001"
)

// Card is one of the fake's test cards: its own numbers, not the sandbox's.
type Card struct {
	PAN     string
	CardID  string // the issuer's x-card-id and the wallet platform's cardId
	Outcome string // the ARes transStatus it forces: Y A C D N R U
}

// Cards are the fake's test cards. Any other Luhn-valid number is
// frictionless (Y). C needs the card enrolled (seed 000), or the ACS answers
// N; D needs the decoupled channel, or the ACS challenges instead.
var Cards = []Card{
	{"4000120000000016", "fake-card-y", "Y"},
	{"4000120000000024", "fake-card-a", "A"},
	{"4000120000000032", "fake-card-c", "C"},
	{"4000120000000040", "fake-card-d", "D"},
	{"4000120000000057", "fake-card-n", "N"},
	{"4000120000000065", "fake-card-r", "R"},
	{"4000120000000073", "fake-card-u", "U"},
	{"5100120000000012", "fake-card-mc-y", "Y"},
}

// CardFor finds a test card by its outcome.
func CardFor(outcome string) Card {
	for _, c := range Cards {
		if c.Outcome == outcome {
			return c
		}
	}
	panic("strictfake: no card for " + outcome)
}

// auth is one authentication, from the merchant's request to its result.
type auth struct {
	id, user                 string
	req                      map[string]any
	card                     Card
	scheme                   string
	created, updated         time.Time
	aresStatus, transStatus  string
	dsTransID, serverTransID string
	acsTransID               string
	failure, eci, cavv       string
	// challenge
	otp      string
	attempts int
	// decoupled
	auth3dsID, walletOperationID string
	expires                      time.Time
	decided                      map[string]any // the 201 the wallet got
}

func (a *auth) final() bool { return a.transStatus != "C" && a.transStatus != "D" }

// authenticate serves POST /v1/3ds/{id}/authenticate (seed 004).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodPost {
		s.violate(r, "seed 004: only POST is documented")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": "Method Not Allowed"})
		return
	}
	user, ok := basicUser(r.Header.Get("Authorization"))
	switch {
	case !ok:
		s.violate(r, "seed 004: no credentials (documented answer: 401)")
		msg := "Missing authentication information"
		if s.deviate[Unauthenticated401] {
			msg = "Unauthenticated"
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": msg})
		return
	case strings.HasPrefix(user, "pk_") || s.cfg.ThreeDSKey != "" && user != s.cfg.ThreeDSKey:
		s.violate(r, "seed 004: credentials refused (documented answer: 403)")
		writeJSON(w, http.StatusForbidden, map[string]any{"message": "Unauthorized"})
		return
	}
	s.requireJSON(r, "004")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	obj := map[string]any{}
	if strings.TrimSpace(string(body)) != "" {
		var problem string
		if obj, problem = object(body); problem != "" {
			s.violate(r, "seed 004: %s", problem)
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Malformed JSON"})
			return
		}
	}
	errs, unknown := map[string][]string{}, []string{}
	missing := msgMissing
	if s.deviate[MissingFieldWords] {
		missing = "This field is required."
	}
	validate(obj, authenticateFields, "", errs, &unknown, missing)
	for _, k := range unknown {
		s.violate(r, "seed 004: unknown field %s", k)
	}
	if len(errs) > 0 {
		for k, m := range errs {
			s.violate(r, "seed 004: %s: %s", k, strings.Join(m, " "))
		}
		msg, status := "Data validation failed", http.StatusUnprocessableEntity
		if s.deviate[ValidationMessage] {
			msg = "Validation failed"
		}
		if s.deviate[ValidationStatus400] {
			status = http.StatusBadRequest
		}
		writeJSON(w, status, map[string]any{"message": msg, "errors": errs})
		return
	}
	if id == "" || len(id) > 64 {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, s.start(id, user, obj))
}

// start decides a new authentication, or answers an existing one as it
// stands (this server's choice for a repeated id).
func (s *Server) start(id, user string, req map[string]any) map[string]any {
	now := s.cfg.Now()
	s.mu.Lock()
	a := s.auths[id]
	s.mu.Unlock()
	if a != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.settle(a, now)
		return s.render(a)
	}
	pan := req["number"].(string)
	a = &auth{id: id, user: user, req: req, created: now, updated: now, card: Card{PAN: pan, Outcome: "Y"}, scheme: "visa"}
	for _, c := range Cards {
		if c.PAN == pan {
			a.card = c
		}
	}
	if strings.HasPrefix(pan, "5") {
		a.scheme = "mastercard"
	}
	a.dsTransID, a.serverTransID, a.acsTransID = s.nextID(0xd5), s.nextID(0x35), s.nextID(0xac)
	channel := req["channel"].(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auths[id] = a
	outcome := a.card.Outcome
	if outcome == "D" && channel != "decoupled" {
		outcome = "C"
	}
	_, enrolled := s.enrolledMethod(a.card.CardID)
	switch {
	case outcome == "C" && !enrolled:
		a.aresStatus, a.failure = "N", "Cardholder not enrolled in service"
	case outcome == "C":
		a.aresStatus = "C"
		s.startChallenge(a)
	case outcome == "D":
		a.aresStatus = "D"
		s.startDecoupled(a, now)
	default:
		a.aresStatus = outcome
		a.failure = map[string]string{"N": "Card authentication failed", "R": "Suspected fraud", "U": "ACS technical issue"}[outcome]
	}
	a.transStatus = a.aresStatus
	if a.final() {
		s.conclude(a, a.transStatus, a.failure, now)
	}
	return s.render(a)
}

// conclude records the final result. The caller holds s.mu.
func (s *Server) conclude(a *auth, transStatus, failure string, now time.Time) {
	a.transStatus, a.failure, a.updated = transStatus, failure, now
	eci := map[string]string{"visaY": "05", "visaA": "06", "mastercardY": "02", "mastercardA": "01"}[a.scheme+transStatus]
	if eci != "" {
		a.eci = eci
		sum := sha256.Sum256([]byte("cavv:" + a.id))
		a.cavv = base64.StdEncoding.EncodeToString(sum[:20])
	}
}

// render is the answer in seed 004's shape, with this server's own choices
// where the seed is silent: EMV's YYYYMMDDHHMMSS for purchase_date, a
// space-separated created_at, an offset on updated_at, nulls left out, and
// fields the seed does not have. The caller holds s.mu.
func (s *Server) render(a *auth) map[string]any {
	req := a.req
	sum := sha256.Sum256([]byte(a.card.PAN))
	out := map[string]any{
		"merchant_id": "f4ce0000-0000-4000-8000-" + lastN(hex.EncodeToString([]byte(a.user)), 12),
		"status":      map[bool]string{false: "in_progress", true: "completed"}[a.final()],
		"return_url":  req["return_url"], "challenge_preference": req["challenge_preference"],
		"customer": req["customer"], "billing_address": req["billing_address"],
		"shipping_address": req["shipping_address"], "device": req["customer_device"],
		"id": a.id, "amount": 100, "currency": "SAR", "fingerprint": hex.EncodeToString(sum[:]),
		"year": req["year"], "month": req["month"], "challenge_url": nil,
		"message": messages[a.transStatus], "is_frictionless": a.aresStatus != "C" && a.aresStatus != "D",
		"auth_status": a.transStatus, "version": "2.2.0",
		"purchase_date": a.created.UTC().Format("20060102150405"),
		"tds_ref":       "strictfake", "ds_id": a.dsTransID, "ds_ref": "DS_STRICTFAKE_01",
		"acs_id": a.acsTransID, "acs_ref": "ACS_STRICTFAKE_01",
		"meta": map[string]any{
			"merchant_id": "StrictFakeMerchant", "statement_descriptor": "Strict fake shop",
			"dsStartProtocolVersion": "2.1.0", "acsStartProtocolVersion": "2.1.0",
			"dsEndProtocolVersion": "2.2.0", "acsEndProtocolVersion": "2.2.0",
			"ares": s.ares(a), "threeDSRequestorID": "strictfake-requestor",
		},
		"created_at": a.created.UTC().Format("2006-01-02 15:04:05"),
		"updated_at": a.updated.In(time.FixedZone("AST", 3*3600)).Format("2006-01-02T15:04:05.000-07:00"),
		"scheme":     a.scheme, "channel": req["channel"],
		"livemode": false, "source": map[string]any{"type": "creditcard"},
	}
	if a.transStatus == "C" {
		out["challenge_url"] = s.challengeURL(a)
	}
	if a.eci != "" {
		out["eci"], out["auth_value"] = a.eci, a.cavv
	}
	if a.failure != "" {
		out["failure_reason"] = a.failure
	}
	if s.deviate[PurchaseDateNumber] {
		out["purchase_date"] = 20261201051826
	}
	if s.deviate[NoDSID] {
		delete(out, "ds_id")
	}
	if s.deviate[AuthStatusLowercase] {
		out["auth_status"] = strings.ToLower(a.transStatus)
	}
	return out
}

var messages = map[string]string{
	"Y": "Authenticated", "A": "Attempted", "C": "Challenge required", "D": "Waiting for the cardholder's app",
	"N": "Not authenticated", "R": "Rejected by issuer", "U": "Authentication unavailable",
}

// ares is the ACS's ARes as EMV makes its fields conditional: acsURL only
// with C, authenticationValue only with Y or A, transStatusReason (a field
// the seed does not show) with N, R and U.
func (s *Server) ares(a *auth) map[string]any {
	out := map[string]any{
		"messageVersion": "2.2.0", "messageType": "ARes", "dsTransID": a.dsTransID,
		"dsReferenceNumber": "DS_STRICTFAKE_01", "threeDSServerTransID": a.serverTransID,
		"acsTransID": a.acsTransID, "acsReferenceNumber": "ACS_STRICTFAKE_01", "acsOperatorID": "STRICTFAKE-OP",
		"transStatus": a.aresStatus,
	}
	switch a.aresStatus {
	case "C":
		out["authenticationType"], out["acsChallengeMandated"], out["acsURL"] = "02", "Y", s.challengeURL(a)
	case "D":
		out["authenticationType"], out["acsChallengeMandated"] = "04", "Y"
	case "Y", "A":
		out["authenticationValue"] = a.cavv
	default:
		out["transStatusReason"] = "01"
	}
	return out
}

// basicUser reads an HTTP Basic user name, whatever the scheme's case.
func basicUser(h string) (string, bool) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
	if err != nil {
		return "", false
	}
	user, _, _ := strings.Cut(string(raw), ":")
	return user, strings.TrimSpace(user) != ""
}
