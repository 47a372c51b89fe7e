// Package wallet is the client of the prepaid-card platform's 3DS
// verification API (seed 002): the cardholder's wallet reports the outcome of
// a biometric check on a pending 3DS authentication.
package wallet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/walletsim/walletsim/client"
)

// Status is the wallet's decision on a pending authentication.
type Status string

// The statuses of seed 002.
const (
	Verified Status = "VERIFIED"
	Rejected Status = "REJECTED"
	Failed   Status = "FAILED"
)

// Statuses lists the valid statuses in the seed's order.
var Statuses = []Status{Verified, Rejected, Failed}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return s == Verified || s == Rejected || s == Failed }

// Method is how the cardholder was verified.
type Method string

// Biometric is the only method seed 002 allows.
const Biometric Method = "BIOMETRIC"

// MaxStatusReason is seed 002's limit on statusReason, in characters.
const MaxStatusReason = 100

// VerifyRequest is the body of Verify.
type VerifyRequest struct {
	// WalletOperationID echoes the webhook event's walletOperationId; when
	// empty, Verify fills in a fresh one, the same on every retry.
	WalletOperationID string       `json:"walletOperationId"`
	Verification      Verification `json:"verification"`
	Status            Status       `json:"status"`
	StatusReason      string       `json:"statusReason,omitempty"`
}

// Verification names the mechanism used. An empty Method is left out of
// the body (a negative test's "no method"), not sent as "".
type Verification struct {
	Method Method `json:"method,omitempty"`
}

// VerifyResult is the 201 body, decoded leniently but for what walletsim
// acts on: status and the ids (see checkVerifyResult).
type VerifyResult struct {
	WalletOperationID string       `json:"walletOperationId"`
	Verification      Verification `json:"verification"`
	Status            Status       `json:"status"`
	StatusReason      string       `json:"statusReason,omitempty"`
	CustomerID        string       `json:"customerId"`
	CardID            string       `json:"cardId"`
	Auth3dsID         string       `json:"auth3dsId"`
	CreationTime      client.Time  `json:"creationTime"`
}

// Error is the platform's error body
// {error: {code, message, details[], fieldErrors[{field, error}]}}.
type Error struct {
	HTTPStatus  int          `json:"-"`
	Code        string       `json:"code"`
	Message     string       `json:"message"`
	Details     []string     `json:"details,omitempty"`
	FieldErrors []FieldError `json:"fieldErrors,omitempty"`
}

// FieldError is one entry of Error.FieldErrors.
type FieldError struct {
	Field string `json:"field"`
	Error string `json:"error"`
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("wallet: HTTP %d: %s %s", e.HTTPStatus, e.Code, e.Message)
	if len(e.FieldErrors) > 0 {
		fe := make(client.FieldErrors, len(e.FieldErrors))
		for i, f := range e.FieldErrors {
			fe[i] = client.FieldError{Field: f.Field, Message: f.Error}
		}
		msg += ": " + client.JoinFields(fe)
	} else if len(e.Details) > 0 {
		msg += ": " + strings.Join(e.Details, "; ")
	}
	return msg
}

// Credentials authenticate the wallet to the platform.
type Credentials struct {
	Token string // Authorization: Bearer <token> (secret)
}

// Client calls the verification API.
type Client struct {
	core  *client.Core
	creds Credentials
}

// New builds a Client.
func New(cfg client.Config, creds Credentials) *Client {
	return &Client{core: client.New(cfg), creds: creds}
}

// Verify reports the cardholder's decision on authentication auth3dsID of
// the customer's card.
func (c *Client) Verify(ctx context.Context, customerID, cardID, auth3dsID string, req VerifyRequest) (*VerifyResult, error) {
	const op = "wallet.Verify"
	if req.WalletOperationID == "" {
		req.WalletOperationID = c.core.NewID()
	}
	headers := [][2]string{}
	if c.creds.Token != "" {
		headers = append(headers, [2]string{"Authorization", "Bearer " + c.creds.Token})
	}
	fe := Validate(req)
	for _, p := range [][2]string{{"customerId", customerID}, {"cardId", cardID}, {"auth3dsId", auth3dsID}} {
		if p[1] == "" {
			fe.Add(p[0], "must not be blank")
		}
	}
	client.CheckHeaderValues(&fe, headers)
	if err := c.core.Check(op, fe); err != nil {
		return nil, err
	}
	reply, err := c.core.Do(ctx, client.Call{
		Op: op, Method: http.MethodPost, Header: headers, Body: req, Idempotent: true, // walletOperationId
		Path: "/customers/" + url.PathEscape(customerID) + "/prepaid/cards/" + url.PathEscape(cardID) +
			"/3ds-authentications/" + url.PathEscape(auth3dsID),
	})
	if err != nil {
		return nil, err
	}
	if !reply.OK() {
		return nil, decodeError(reply)
	}
	return decodeVerifyResult(op, reply)
}

// decodeVerifyResult reads the 201: leniently, then strictly what walletsim
// acts on.
func decodeVerifyResult(op string, reply *client.Reply) (*VerifyResult, error) {
	var res VerifyResult
	if err := client.DecodeSuccess(op, reply, &res); err != nil {
		return nil, err
	}
	if err := checkVerifyResult(op, reply); err != nil {
		return nil, err
	}
	return &res, nil
}

// checkVerifyResult requires the recorded status, one of seed 002's, and
// ids that are strings.
func checkVerifyResult(op string, r *client.Reply) error {
	var s struct {
		WalletOperationID *string `json:"walletOperationId"`
		Status            *string `json:"status"`
		CustomerID        *string `json:"customerId"`
		CardID            *string `json:"cardId"`
		Auth3dsID         *string `json:"auth3dsId"`
	}
	if err := client.Strict(op, r, &s); err != nil {
		return err
	}
	if s.Status == nil || !Status(*s.Status).Valid() {
		got := "missing"
		if s.Status != nil {
			got = fmt.Sprintf("%q", *s.Status)
		}
		return &client.AnswerError{Op: op, Status: r.Status, Field: "status",
			Problem: got + ": the recorded decision must be one of VERIFIED, REJECTED, FAILED"}
	}
	return nil
}

// Validate applies seed 002's body rules, with messages in the platform's
// style ("must not be null").
func Validate(req VerifyRequest) client.FieldErrors {
	var fe client.FieldErrors
	if req.WalletOperationID == "" {
		fe.Add("walletOperationId", "must not be null")
	}
	switch {
	case req.Verification.Method == "":
		fe.Add("verification.method", "must not be null")
	case req.Verification.Method != Biometric:
		fe.Add("verification.method", "must be one of [BIOMETRIC]")
	}
	switch {
	case req.Status == "":
		fe.Add("status", "must not be null")
	case !req.Status.Valid():
		fe.Add("status", "must be one of [VERIFIED, REJECTED, FAILED]")
	}
	if utf8.RuneCountInString(req.StatusReason) > MaxStatusReason {
		fe.Add("statusReason", fmt.Sprintf("size must be between 0 and %d", MaxStatusReason))
	}
	return fe
}

func decodeError(r *client.Reply) error {
	var body struct {
		Error *Error `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error == nil {
		e := &Error{Code: fmt.Sprint(r.Status), Message: http.StatusText(r.Status)}
		if s := client.Snippet(r.Body); s != "" {
			e.Details = []string{s}
		}
		body.Error = e
	}
	body.Error.HTTPStatus = r.Status
	return body.Error
}

// Get reads a pending authentication by id, for a wallet given the id by
// hand. The seed has no such endpoint: walletsim's sandbox extension.
func (c *Client) Get(ctx context.Context, customerID, cardID, auth3dsID string) (*Pending, error) {
	const op = "wallet.Get"
	reply, err := c.get(ctx, op, "/customers/"+url.PathEscape(customerID)+"/prepaid/cards/"+url.PathEscape(cardID)+
		"/3ds-authentications/"+url.PathEscape(auth3dsID))
	if err != nil {
		return nil, err
	}
	var p Pending
	if err := client.DecodeSuccess(op, reply, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// List reads the card's authentications waiting for the wallet, oldest
// first: walletsim's sandbox extension.
func (c *Client) List(ctx context.Context, customerID, cardID string) ([]Pending, error) {
	const op = "wallet.List"
	reply, err := c.get(ctx, op, "/customers/"+url.PathEscape(customerID)+"/prepaid/cards/"+url.PathEscape(cardID)+"/3ds-authentications")
	if err != nil {
		return nil, err
	}
	var body struct {
		Authentications []Pending `json:"authentications"`
	}
	if err := client.DecodeSuccess(op, reply, &body); err != nil {
		return nil, err
	}
	return body.Authentications, nil
}

func (c *Client) get(ctx context.Context, op, path string) (*client.Reply, error) {
	var headers [][2]string
	if c.creds.Token != "" {
		headers = append(headers, [2]string{"Authorization", "Bearer " + c.creds.Token})
	}
	reply, err := c.core.Do(ctx, client.Call{Op: op, Method: http.MethodGet, Path: path, Header: headers})
	if err != nil {
		return nil, err
	}
	if !reply.OK() {
		return nil, decodeError(reply)
	}
	return reply, nil
}
