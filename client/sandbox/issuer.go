package sandbox

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// The seed's success messages, verbatim.
const (
	msgEnrolled   = "3DS enrollment successful."
	msgFetched    = "Enroll 3DS details fetched successfully."
	msgUpdated    = "3DS enrollment details updated successfully."
	msgUnenrolled = "3DS unenrollment completed successfully."
)

// The sandbox's own error messages for seed 000 (its 400 example is a
// placeholder, "Error Message").
const (
	msgAlreadyEnrolled = "Card is already enrolled in 3DS."
	msgNotEnrolled     = "Card is not enrolled in 3DS."
)

type enrollKey struct{ cardholder, card string }

type enrollment struct {
	method issuing.OTPMethod
	wallet string
}

// Seed 000's headers, in the canonical form net/http keys them by: looked
// up with header, they cost no allocation (Header.Get("x-card-id") makes
// the canonical key afresh on every call).
const (
	hdrAPIKey       = "X-Api-Key"
	hdrProductID    = "X-Product-Id"
	hdrCardholderID = "X-Cardholder-Id"
	hdrWalletID     = "X-Wallet-Id"
	hdrCardID       = "X-Card-Id"
	hdrRequestID    = "X-Request-Id"
)

// header is the first value of a header named in canonical form.
func header(r *http.Request, canonical string) string {
	if v := r.Header[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// issuingHeaders are the seed's required headers after x-api-key, in
// order: the canonical key, and the name as the seed spells it.
var issuingHeaders = [][2]string{{hdrProductID, "x-product-id"}, {hdrCardholderID, "x-cardholder-id"},
	{hdrWalletID, "x-wallet-id"}, {hdrCardID, "x-card-id"}, {hdrRequestID, "x-request-id"}}

// issuing serves /issuing/api/{version}/card/3DS: POST enrolls, GET reads,
// PATCH updates, DELETE unenrolls.
func (s *space) issuing(w http.ResponseWriter, r *http.Request) {
	op, status, msg := s.checkIssuing(w, r)
	var method issuing.OTPMethod
	var body []byte
	if status == 0 && (r.Method == http.MethodPost || r.Method == http.MethodPatch) {
		body, method, status, msg = readOTPMethod(r)
	}
	if status == http.StatusUnauthorized {
		for _, c := range s.issuingChallenges(r) {
			w.Header().Add("WWW-Authenticate", c)
		}
	}
	if status != 0 {
		apiIssuing.writeError(w, status, msg)
		return
	}
	s.runIssuing(w, r, op, body, method)
}

// issuingOp is one of the four operations on an enrollment: its status
// and JSON answer. A method expression ((*space).enroll), not a method
// value (s.enroll), which would allocate a closure on every request.
type issuingOp func(s *space, k enrollKey, wallet string, m issuing.OTPMethod) (int, []byte)

// The issuer's answers that never change, encoded once rather than on
// every request. They are shared: nothing may write to them.
var (
	answerEnrolled        = mustMarshal(ok(msgEnrolled))
	answerUpdated         = mustMarshal(ok(msgUpdated))
	answerUnenrolled      = mustMarshal(ok(msgUnenrolled))
	answerAlreadyEnrolled = mustMarshal(bad(msgAlreadyEnrolled))
	answerNotEnrolled     = mustMarshal(bad(msgNotEnrolled))
	answerEnrollLimit     = mustMarshal(bad("Sandbox enrollment limit reached; unenroll cards or reset the workspace."))
	answerStoreFailed     = mustMarshal(issuingError{Code: http.StatusServiceUnavailable,
		Message: "Sandbox state is unavailable; try again.", Status: "error"})
)

// mustMarshal encodes a fixed answer at start-up, where a type that cannot
// be encoded is a programming error.
func mustMarshal(v any) []byte {
	b, err := marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// answer encodes an answer made per request. The issuer's envelopes hold
// only strings and ints, which always encode; were one ever not to, the
// client gets the 503 of a failed store rather than a handler panic.
func answer(status int, v any) (int, []byte) {
	b, err := marshal(v)
	if err != nil {
		return storeError(err)
	}
	return status, b
}

// checkIssuing checks the credentials, the seed's headers, the version and
// the method, and returns the operation; a non-zero status is the error to
// answer.
func (s *space) checkIssuing(w http.ResponseWriter, r *http.Request) (issuingOp, int, string) {
	if msg, ok := s.issuingAuth(r); !ok {
		return nil, http.StatusUnauthorized, msg
	}
	if missing := missingHeaders(r); len(missing) > 0 {
		return nil, http.StatusBadRequest, "Missing required header(s): " + strings.Join(missing, ", ") + "."
	}
	if v := r.PathValue("version"); v != issuing.DefaultVersion {
		return nil, http.StatusBadRequest, "Unsupported API version '" + v + "'; use v1."
	}
	var op issuingOp
	switch r.Method {
	case http.MethodPost:
		op = (*space).enroll
	case http.MethodGet:
		op = (*space).getEnrollment
	case http.MethodPatch:
		op = (*space).updateEnrollment
	case http.MethodDelete:
		op = (*space).unenroll
	default:
		w.Header().Set("Allow", "DELETE, GET, PATCH, POST")
		return nil, http.StatusMethodNotAllowed, "Method " + r.Method + " is not allowed; use POST, GET, PATCH or DELETE."
	}
	return op, 0, ""
}

// missingHeaders are the seed's required headers the request lacks.
func missingHeaders(r *http.Request) []string {
	var missing []string
	for _, h := range issuingHeaders {
		if strings.TrimSpace(header(r, h[0])) == "" {
			missing = append(missing, h[1])
		}
	}
	return missing
}

// runIssuing runs op once per x-request-id (seed 000's idempotency key,
// scoped to the workspace and the x-api-key): a repeat gets the first
// answer, marked Idempotent-Replayed; the same id on a different request
// is refused. A GET is safe — it changes nothing, and a repeat reads what
// is there now, as a re-sent read should — so it keeps no record: reads,
// however many, never take the place of the answers worth replaying.
func (s *space) runIssuing(w http.ResponseWriter, r *http.Request, op issuingOp, body []byte, method issuing.OTPMethod) {
	key := enrollKey{header(r, hdrCardholderID), header(r, hdrCardID)}
	wallet := header(r, hdrWalletID)
	run := func() stored {
		status, b := op(s, key, wallet, method)
		return stored{status: status, body: b}
	}
	if r.Method == http.MethodGet {
		res := run()
		writeBody(w, res.status, res.body)
		return
	}
	requestID := header(r, hdrRequestID)
	idemKey := header(r, hdrAPIKey) + "\x00" + requestID
	fp := fingerprint(body, r.Method, r.URL.Path, header(r, hdrProductID), key.cardholder, wallet, key.card)
	res, outcome := s.once(r.Context(), idemKey, fp, run)
	switch outcome {
	case idemConflict:
		apiIssuing.writeError(w, http.StatusBadRequest, "x-request-id '"+requestID+"' was already used for a different request.")
		return
	case idemBusy:
		apiIssuing.writeError(w, http.StatusConflict, "A request with x-request-id '"+requestID+"' is still in progress; retry it later.")
		return
	case idemFailed:
		status, body := storeError(nil)
		writeBody(w, status, body)
		return
	case idemCancelled:
		return
	case idemReplayed:
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeBody(w, res.status, res.body)
}

// issuingAuth checks x-api-key and, when present or required, the bearer token.
func (s *space) issuingAuth(r *http.Request) (string, bool) {
	key := header(r, hdrAPIKey)
	if key == "" || s.required().IssuingAPIKey != "" && key != s.required().IssuingAPIKey {
		return "Invalid or missing x-api-key.", false
	}
	auth := r.Header.Get("Authorization")
	if auth == "" && s.required().IssuingToken == "" {
		return "", true
	}
	token, ok := bearerToken(auth)
	if !ok || s.required().IssuingToken != "" && token != s.required().IssuingToken {
		return "Invalid or missing bearer token.", false
	}
	return "", true
}

// issuingChallenges are the issuer's WWW-Authenticate values for a 401:
// the x-api-key header when it is missing or not accepted (no HTTP scheme
// carries it, so it is named as one, "APIKey"), and a bearer token when one
// is required or the one sent is not accepted.
func (s *space) issuingChallenges(r *http.Request) []string {
	var out []string
	if key := header(r, hdrAPIKey); key == "" || s.required().IssuingAPIKey != "" && key != s.required().IssuingAPIKey {
		out = append(out, `APIKey realm="issuer", header="x-api-key"`)
	}
	if s.required().IssuingToken != "" || r.Header.Get("Authorization") != "" || len(out) == 0 {
		out = append(out, `Bearer realm="issuer"`)
	}
	return out
}

// readOTPMethod reads {"otp_delivery_method": "EMAIL"|"SMS"}; a non-zero
// status is the error to answer.
func readOTPMethod(r *http.Request) ([]byte, issuing.OTPMethod, int, string) {
	if !isJSON(r) {
		return nil, "", http.StatusBadRequest, "Content-Type must be application/json."
	}
	body, err := readBody(r)
	if err != nil {
		return nil, "", http.StatusRequestEntityTooLarge, "Request body is too large."
	}
	obj, ok := decodeObject(body)
	if !ok {
		return nil, "", http.StatusBadRequest, "Request body must be a JSON object."
	}
	v, present := obj["otp_delivery_method"]
	if !present || v == nil || v == "" {
		return nil, "", http.StatusBadRequest, "otp_delivery_method is required."
	}
	m, _ := v.(string)
	if !issuing.OTPMethod(m).Valid() {
		return nil, "", http.StatusBadRequest, "otp_delivery_method must be one of EMAIL, SMS."
	}
	return body, issuing.OTPMethod(m), 0, ""
}

func ok(msg string, data ...issuing.Enrollment) issuing.Envelope {
	if data == nil {
		data = []issuing.Enrollment{}
	}
	return issuing.Envelope{Status: "Success", Message: msg, Code: http.StatusOK, Data: data}
}

func bad(msg string) issuingError {
	return issuingError{Code: http.StatusBadRequest, Message: msg, Status: "error"}
}

func (s *space) enroll(k enrollKey, wallet string, m issuing.OTPMethod) (int, []byte) {
	if n, err := s.store.Enrollments(s.bg(), s.id); err != nil {
		return storeError(err)
	} else if n >= s.cfg.MaxEnrollments {
		return http.StatusBadRequest, answerEnrollLimit
	}
	size := enrollmentBytes(k, wallet)
	if err := s.stored.Reserve(size); err != nil {
		return answer(http.StatusTooManyRequests, issuingError{Code: http.StatusTooManyRequests, Message: s.fullMessage(err), Status: "error"})
	}
	err := s.store.Enroll(s.bg(), s.id, store.Enrollment{Cardholder: k.cardholder, Card: k.card, Wallet: wallet, Method: string(m)})
	switch {
	case errors.Is(err, store.ErrExists):
		s.stored.Release(size)
		return http.StatusBadRequest, answerAlreadyEnrolled
	case err != nil:
		s.stored.Release(size)
		return storeError(err)
	}
	return http.StatusOK, answerEnrolled
}

func (s *space) getEnrollment(k enrollKey, _ string, _ issuing.OTPMethod) (int, []byte) {
	e, err := s.store.Enrollment(s.bg(), s.id, k.cardholder, k.card)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusBadRequest, answerNotEnrolled
	case err != nil:
		return storeError(err)
	}
	m := issuing.OTPMethod(e.Method)
	return answer(http.StatusOK, ok(msgFetched, issuing.Enrollment{
		OTPDeliveryMethod: m, Destination: maskedDestination(k.cardholder, m), Status: "ACTIVE",
	}))
}

func (s *space) updateEnrollment(k enrollKey, _ string, m issuing.OTPMethod) (int, []byte) {
	err := s.store.UpdateEnrollment(s.bg(), s.id, k.cardholder, k.card, string(m))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusBadRequest, answerNotEnrolled
	case err != nil:
		return storeError(err)
	}
	return http.StatusOK, answerUpdated
}

func (s *space) unenroll(k enrollKey, _ string, _ issuing.OTPMethod) (int, []byte) {
	e, err := s.store.Enrollment(s.bg(), s.id, k.cardholder, k.card)
	if err == nil {
		err = s.store.Unenroll(s.bg(), s.id, k.cardholder, k.card)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusBadRequest, answerNotEnrolled
	case err != nil:
		return storeError(err)
	}
	s.stored.Release(enrollmentBytes(k, e.Wallet))
	return http.StatusOK, answerUnenrolled
}

// storeError is the issuer's answer when the store fails.
func storeError(error) (int, []byte) {
	return http.StatusServiceUnavailable, answerStoreFailed
}

// enrolledMethod is the OTP method of a card's enrollment, "" if none (or
// if the store cannot say).
func (s *space) enrolledMethod(cardholder, card string) issuing.OTPMethod {
	e, err := s.store.Enrollment(s.bg(), s.id, cardholder, card)
	if err != nil {
		return ""
	}
	return issuing.OTPMethod(e.Method)
}

// contact is where a cardholder's codes go: the sandbox cardholder's own
// address and phone, or ones derived from any other cardholder id.
func contact(cardholder string, m issuing.OTPMethod) string {
	if cardholder == testcards.CardholderID {
		if m == issuing.SMS {
			return testcards.HolderPhone
		}
		return testcards.HolderEmail
	}
	h := fnv.New32a()
	h.Write([]byte(cardholder))
	if m == issuing.SMS {
		return fmt.Sprintf("+9665%08d", h.Sum32()%100000000)
	}
	return fmt.Sprintf("cardholder.%08x@example.com", h.Sum32())
}

// maskedDestination is the contact as the issuer shows it: the first
// letter of an email, or a phone's country code and last three digits.
func maskedDestination(cardholder string, m issuing.OTPMethod) string {
	c := contact(cardholder, m)
	if m == issuing.SMS {
		return c[:4] + strings.Repeat("*", len(c)-7) + c[len(c)-3:]
	}
	local, domain, _ := strings.Cut(c, "@")
	return local[:1] + "***@" + domain
}

// fingerprint identifies a request for idempotency: the same key with a
// different fingerprint is a conflict. It hashes each part, then the body,
// as "length:bytes".
func fingerprint(body []byte, parts ...string) [32]byte {
	var stack [2048]byte
	buf := stack[:0]
	for _, p := range parts {
		buf = strconv.AppendInt(buf, int64(len(p)), 10)
		buf = append(buf, ':')
		buf = append(buf, p...)
	}
	buf = strconv.AppendInt(buf, int64(len(body)), 10)
	buf = append(buf, ':')
	buf = append(buf, body...)
	return sha256.Sum256(buf)
}
