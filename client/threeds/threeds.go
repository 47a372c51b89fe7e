package threeds

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/walletsim/walletsim/client"
)

// Credentials authenticate the merchant to the 3DS server. Seed 004 shows no
// auth header; like the platform it comes from, the secret key is sent as the
// HTTP Basic user name with an empty password.
type Credentials struct {
	SecretKey string // secret
}

// Error is the 3DS server's error body: {message, errors: {field: [messages]}}
// for 422, {message} for 401 and 403.
type Error struct {
	HTTPStatus int                 `json:"-"`
	Message    string              `json:"message"`
	Errors     map[string][]string `json:"errors,omitempty"`
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("3ds server: HTTP %d: %s", e.HTTPStatus, e.Message)
	if len(e.Errors) == 0 {
		return msg
	}
	fields := make([]string, 0, len(e.Errors))
	for f := range e.Errors {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for i, f := range fields {
		fields[i] = f + ": " + strings.Join(e.Errors[f], " ")
	}
	return msg + ": " + strings.Join(fields, "; ")
}

// Client calls the 3DS server.
type Client struct {
	core  *client.Core
	creds Credentials
}

// New builds a Client.
func New(cfg client.Config, creds Credentials) *Client {
	return &Client{core: client.New(cfg), creds: creds}
}

// Authenticate starts authentication id of a card. Channel and challenge
// preference default to the seed's defaults (browser, no_preference).
func (c *Client) Authenticate(ctx context.Context, id string, req AuthenticateRequest) (*Authentication, error) {
	const op = "threeds.Authenticate"
	if req.Channel == "" {
		req.Channel = Browser
	}
	if req.ChallengePreference == "" {
		req.ChallengePreference = NoPreference
	}
	fe := Validate(req)
	if id == "" {
		fe.Add("id", MsgMissing)
	}
	if err := c.core.Check(op, fe); err != nil {
		return nil, err
	}
	return c.call(ctx, client.Call{
		Op: op, Method: http.MethodPost, Body: req, Idempotent: true, // the id
		Path: "/v1/3ds/" + url.PathEscape(id) + "/authenticate",
	}, id)
}

// call runs one operation on an authentication; id, when known, is the one
// asked about (an answer that leaves it out is about that one, and
// auth_status is then required).
func (c *Client) call(ctx context.Context, call client.Call, id string) (*Authentication, error) {
	reply, err := c.core.Do(ctx, c.authorized(call))
	if err != nil {
		return nil, err
	}
	if !reply.OK() {
		return nil, DecodeError(reply)
	}
	return decodeAuthentication(call.Op, reply, id)
}

// authorized adds the merchant's key to a call (HTTP Basic, the key as the
// user name).
func (c *Client) authorized(call client.Call) client.Call {
	if c.creds.SecretKey != "" {
		basic := base64.StdEncoding.EncodeToString([]byte(c.creds.SecretKey + ":"))
		call.Header = append(call.Header, [2]string{"Authorization", "Basic " + basic})
	}
	return call
}

// decodeAuthentication reads a 2xx answer about authentication id ("" when
// it is a new one): leniently, then strictly what walletsim acts on.
func decodeAuthentication(op string, reply *client.Reply, id string) (*Authentication, error) {
	var a Authentication
	if err := client.DecodeSuccess(op, reply, &a); err != nil {
		return nil, err
	}
	if err := checkAuthentication(op, reply, id != ""); err != nil {
		return nil, err
	}
	if a.ID == "" {
		a.ID = id
	}
	return &a, nil
}

// strictAuthentication is what walletsim acts on in an answer, with the
// seed's types enforced.
type strictAuthentication struct {
	ID           *string `json:"id"`
	Status       *string `json:"status"`
	AuthStatus   *string `json:"auth_status"`
	ChallengeURL *string `json:"challenge_url"`
	ECI          *string `json:"eci"`
	AuthValue    *string `json:"auth_value"`
}

// TransStatuses are EMV's transStatus values.
const TransStatuses = "YACDNRUI"

// ValidTransStatus reports whether s is one EMV transStatus.
func ValidTransStatus(s string) bool { return len(s) == 1 && strings.Contains(TransStatuses, s) }

// checkAuthentication holds an answer to what walletsim needs from it: the
// fields it acts on of the right types, a known transStatus once
// authentication has started (started), and the ACS page's URL with a
// challenge.
func checkAuthentication(op string, r *client.Reply, started bool) error {
	var s strictAuthentication
	if err := client.Strict(op, r, &s); err != nil {
		return err
	}
	bad := func(field, problem string) error {
		return &client.AnswerError{Op: op, Status: r.Status, Field: field, Problem: problem}
	}
	status := ""
	if s.AuthStatus != nil {
		status = *s.AuthStatus
	}
	switch {
	case status == "" && started:
		return bad("auth_status", "missing: it is the transStatus walletsim acts on")
	case status != "" && !ValidTransStatus(status):
		return bad("auth_status", fmt.Sprintf("%q is not an EMV transStatus (one of Y, A, C, D, N, R, U, I)", status))
	case status == "C" && (s.ChallengeURL == nil || !ValidURL(*s.ChallengeURL)):
		return bad("challenge_url", "a challenge (C) needs the absolute URL of the ACS's page")
	}
	return nil
}

// DecodeError reads a non-2xx reply in the 3DS server's error shape.
func DecodeError(r *client.Reply) error {
	e := &Error{HTTPStatus: r.Status}
	if err := json.Unmarshal(r.Body, e); err != nil || e.Message == "" {
		e.Message = http.StatusText(r.Status)
		if s := client.Snippet(r.Body); s != "" {
			e.Message += ": " + s
		}
	}
	return e
}

// Get reads authentication id as it stands: after a challenge or a decoupled
// step, its final result (transStatus in AuthStatus, ECI, CAVV). The seed has
// no such endpoint; this is walletsim's sandbox extension GET /v1/3ds/{id}.
func (c *Client) Get(ctx context.Context, id string) (*Authentication, error) {
	const op = "threeds.Get"
	if id == "" {
		return nil, client.FieldErrors{{Field: "id", Message: MsgMissing}}.Err(op)
	}
	return c.call(ctx, client.Call{Op: op, Method: http.MethodGet, Path: "/v1/3ds/" + url.PathEscape(id)}, id)
}

// CreateRequest registers a purchase before authenticating it.
type CreateRequest struct {
	Amount      int64  `json:"amount"`             // minor units
	Currency    string `json:"currency,omitempty"` // ISO 4217, default SAR
	Description string `json:"description,omitempty"`
}

// Create registers a purchase's amount and currency and returns its id, to
// pass to Authenticate. The seed has no such endpoint (its response carries
// amount and currency the request does not); this is walletsim's sandbox
// extension POST /v1/3ds.
func (c *Client) Create(ctx context.Context, req CreateRequest) (*Authentication, error) {
	const op = "threeds.Create"
	if err := c.core.Check(op, ValidateCreate(req)); err != nil {
		return nil, err
	}
	// The key is made once, so that every retry re-sends it: the sandbox
	// then creates one purchase however many answers are lost.
	return c.call(ctx, client.Call{Op: op, Method: http.MethodPost, Path: "/v1/3ds", Body: req, Idempotent: true,
		Header: [][2]string{{IdempotencyKeyHeader, c.core.NewID()}}}, "")
}

// IdempotencyKeyHeader is the header that makes a POST without an id of its
// own idempotent (creating a purchase, submitting a challenge code): the
// server answers a repeat of the key with the first answer, as Stripe's API
// does. Seed 004 has none; walletsim's sandbox honours it.
const IdempotencyKeyHeader = "Idempotency-Key"
