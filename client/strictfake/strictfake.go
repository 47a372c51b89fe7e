// Package strictfake is a second, independent server of the three APIs,
// written from the seeds alone, for testing walletsim against something that
// is not its own sandbox.
//
// It imports nothing of walletsim: its validation, its answers and its
// choices where the seeds are silent are its own, and deliberately differ
// from client/sandbox's — dates in other formats (EMV's YYYYMMDDHHMMSS for
// purchase_date), extra fields walletsim does not know, nullable fields left
// out, no walletsim extensions at all, a separate host for the issuer's ACS,
// 400 rather than 401 for a missing x-api-key (seed 000 documents no 401).
//
// It is strict about what it is sent: every request is checked against the
// seeds (paths, methods, required headers, body fields and their rules,
// unknown fields, walletsim's extension headers) and each departure is
// recorded as a Violation. Tests assert that walletsim's flows cause none.
//
// Deviations make it depart from the seeds on purpose, one named way at a
// time, so that a conformance suite can be shown to catch each.
package strictfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config tunes a Server. The zero value works: any non-empty credential is
// accepted and nothing is sent anywhere.
type Config struct {
	// Credentials the server accepts; empty accepts any non-empty value.
	APIKey, ThreeDSKey, WalletToken string
	// HMACKey signs webhook events; WebhookURL is where they go (see also
	// SetWebhook).
	HMACKey    []byte
	WebhookURL string
	// Now is the server's clock (default time.Now); Expiry is how long a
	// decoupled request waits for the wallet (default 10 minutes).
	Now    func() time.Time
	Expiry time.Duration
	// Deviations are departures from the seeds to make on purpose.
	Deviations []Deviation
}

// Request is one request the API server received.
type Request struct {
	Method, Path, UserAgent string
	Header                  http.Header
}

// String is "METHOD /path".
func (r Request) String() string { return r.Method + " " + r.Path }

// Violation is a request that broke the seeds, and the rule it broke.
type Violation struct {
	Request string // "POST /v1/3ds/x/authenticate"
	Rule    string // "seed 004: unknown field amount"
}

func (v Violation) String() string { return v.Request + ": " + v.Rule }

// Server serves the issuer (seed 000), the 3DS server (seed 004) and the
// wallet platform (seed 002) on one base URL, and the issuer's ACS (the
// challenge page the cardholder's browser opens) on another.
type Server struct {
	// URL is the three APIs' base URL; ACSURL the ACS's.
	URL, ACSURL string

	cfg       Config
	api, acs  *httptest.Server
	deviate   map[Deviation]bool
	wg        sync.WaitGroup
	done      chan struct{}
	closeOnce sync.Once

	mu          sync.Mutex
	requests    []Request
	acsRequests []Request
	violations  []Violation
	enrollments map[enrollKey]string // → OTP method
	auths       map[string]*auth     // by the 3DS server's id
	byACS       map[string]*auth
	byAuth3ds   map[string]*auth
	outbox      []Message
	challenges  chan Message
	webhook     webhookTarget
	deliveries  []Delivery
	seq         int
}

// New starts a Server; Close stops it.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Expiry == 0 {
		cfg.Expiry = 10 * time.Minute
	}
	s := &Server{
		cfg: cfg, deviate: map[Deviation]bool{}, done: make(chan struct{}),
		enrollments: map[enrollKey]string{}, auths: map[string]*auth{}, byACS: map[string]*auth{},
		byAuth3ds: map[string]*auth{}, webhook: webhookTarget{url: cfg.WebhookURL, key: cfg.HMACKey},
		challenges: make(chan Message, 64),
	}
	for _, d := range cfg.Deviations {
		s.deviate[d] = true
	}
	s.api = httptest.NewServer(http.HandlerFunc(s.serveAPI))
	s.acs = httptest.NewServer(http.HandlerFunc(s.serveACS))
	s.URL, s.ACSURL = s.api.URL, s.acs.URL
	return s
}

// Close stops both servers and waits for webhook deliveries in flight. It
// may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.api.Close()
		s.acs.Close()
		s.wg.Wait()
	})
}

// Requests lists what the API server received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ACSRequests lists what the ACS received (from the cardholder's browser,
// or from anyone else who should not be talking to it).
func (s *Server) ACSRequests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acsRequests)
}

// Violations lists the requests that broke the seeds.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// violate records that r broke rule.
func (s *Server) violate(r *http.Request, format string, args ...any) {
	s.mu.Lock()
	s.violations = append(s.violations, Violation{Request: r.Method + " " + r.URL.Path, Rule: fmt.Sprintf(format, args...)})
	s.mu.Unlock()
}

// nextID is a fresh id: UUID-shaped, from a counter (the fake needs no
// randomness, and tests read better with stable ids).
func (s *Server) nextID(kind byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%08x-f4ce-4%03x-8%03x-%012d", s.seq, kind, kind, s.seq)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, UserAgent: r.UserAgent(), Header: r.Header.Clone()})
	s.mu.Unlock()
	for name := range r.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-walletsim-") {
			s.violate(r, "header %s is walletsim's own, not in any seed", strings.ToLower(name))
		}
	}
	path := strings.Trim(r.URL.Path, "/")
	parts := strings.Split(path, "/")
	switch {
	case len(parts) == 5 && parts[0] == "issuing" && parts[1] == "api" && parts[3] == "card" && parts[4] == "3DS":
		s.issuing(w, r, parts[2])
	case len(parts) == 4 && parts[0] == "v1" && parts[1] == "3ds" && parts[3] == "authenticate":
		s.authenticate(w, r, parts[2])
	case len(parts) == 7 && parts[0] == "customers" && parts[2] == "prepaid" && parts[3] == "cards" && parts[5] == "3ds-authentications":
		s.verify(w, r, parts[1], parts[4], parts[6])
	default:
		s.violate(r, "no seed documents this path")
		switch {
		case strings.HasPrefix(path, "issuing/"):
			writeJSON(w, http.StatusNotFound, issuingError(http.StatusNotFound, "Resource not found."))
		case strings.HasPrefix(path, "customers/"):
			writeJSON(w, http.StatusNotFound, walletError("5404", "Not found", "No such resource."))
		default:
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		}
	}
}

// requireJSON records a Content-Type other than application/json.
func (s *Server) requireJSON(r *http.Request, seed string) {
	if ct := r.Header.Get("Content-Type"); !strings.EqualFold(strings.TrimSpace(strings.Split(ct, ";")[0]), "application/json") {
		s.violate(r, "seed %s: Content-Type must be application/json, got %q", seed, ct)
	}
}

// object decodes a JSON object body (numbers as json.Number), or reports
// why it is not one.
func object(body []byte) (map[string]any, string) {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, "body is not JSON: " + err.Error()
	}
	if dec.More() {
		return nil, "body has data after the JSON value"
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, "body is not a JSON object"
	}
	return obj, ""
}

// unknownKeys records each key of obj that is not in allowed.
func (s *Server) unknownKeys(r *http.Request, seed, prefix string, obj map[string]any, allowed ...string) {
	for k := range obj {
		if !slices.Contains(allowed, k) {
			s.violate(r, "seed %s: unknown field %s%s", seed, prefix, k)
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// Deviation is one named departure from the seeds (see the constants).
type Deviation string

// The deviations a Server can make, each breaking one thing a seed says.
const (
	// Seed 000.
	EnrollMessage   Deviation = "000 enroll answers another message"
	GetDataObject   Deviation = "000 get answers data as an object, not an array"
	UpdateNoStatus  Deviation = "000 update leaves out status"
	ErrorStatusWord Deviation = `000 errors say status "failed", not "error"`
	// Seed 004.
	PurchaseDateNumber  Deviation = "004 purchase_date is a number"
	NoDSID              Deviation = "004 answers without ds_id"
	AuthStatusLowercase Deviation = "004 auth_status is lower case"
	ValidationMessage   Deviation = `004 422 says "Validation failed"`
	ValidationStatus400 Deviation = "004 validation answers 400, not 422"
	MissingFieldWords   Deviation = "004 a missing field is \"is required\""
	Unauthenticated401  Deviation = "004 401 says \"Unauthenticated\""
	// Seed 002.
	IDsBeforeBody    Deviation = "002 looks ids up before validating the body"
	FieldErrorCode   Deviation = "002 field errors carry code 400, not 5068"
	CredentialsCode  Deviation = "002 401 carries code 401, not 5279"
	FieldErrorsShape Deviation = "002 fieldErrors is an object, not an array"
)

// Deviations lists them all.
var Deviations = []Deviation{
	EnrollMessage, GetDataObject, UpdateNoStatus, ErrorStatusWord,
	PurchaseDateNumber, NoDSID, AuthStatusLowercase, ValidationMessage, ValidationStatus400, MissingFieldWords, Unauthenticated401,
	IDsBeforeBody, FieldErrorCode, CredentialsCode, FieldErrorsShape,
}
