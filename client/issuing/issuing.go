// Package issuing is the client of the issuing platform's 3DS enrollment API
// (seed 000): enroll a card in 3-D Secure with OTP by EMAIL or SMS, read the
// enrollment, change it, unenroll.
package issuing

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync"

	"github.com/walletsim/walletsim/client"
)

// OTPMethod is how the issuer sends the cardholder's one-time codes.
type OTPMethod string

// The OTP delivery methods of seed 000.
const (
	Email OTPMethod = "EMAIL"
	SMS   OTPMethod = "SMS"
)

// OTPMethods lists the valid methods in the seed's order.
var OTPMethods = []OTPMethod{Email, SMS}

// Valid reports whether m is EMAIL or SMS.
func (m OTPMethod) Valid() bool { return m == Email || m == SMS }

// DefaultVersion is the path's :version when none is configured.
const DefaultVersion = "v1"

// Credentials are the platform-level headers, the same for every card.
type Credentials struct {
	APIKey    string // x-api-key (secret)
	ProductID string // x-product-id
	ClientID  string // x-client-id, sent only when set
	Token     string // Authorization: Bearer <token> (secret), sent only when set
	Version   string // path :version, DefaultVersion when empty
}

// Card identifies whose enrollment an operation is about.
type Card struct {
	CardholderID string // x-cardholder-id
	WalletID     string // x-wallet-id
	CardID       string // x-card-id
}

// EnrollRequest is the body of Enroll.
type EnrollRequest struct {
	OTPDeliveryMethod OTPMethod `json:"otp_delivery_method"`
}

// UpdateRequest is the body of Update.
type UpdateRequest struct {
	OTPDeliveryMethod OTPMethod `json:"otp_delivery_method"`
}

// Envelope is every success response: {status, message, code, data}.
type Envelope struct {
	Status  string       `json:"status"`
	Message string       `json:"message"`
	Code    int          `json:"code"`
	Data    []Enrollment `json:"data"`
}

// Enrollment is one item of Envelope.Data (filled by Get).
type Enrollment struct {
	OTPDeliveryMethod OTPMethod `json:"otp_delivery_method"`
	Destination       string    `json:"destination"`
	Status            string    `json:"status"`
}

// Error is the platform's error body {code, message, status}, with the HTTP
// status it came with.
type Error struct {
	HTTPStatus int    `json:"-"`
	Code       int    `json:"code"`
	Message    string `json:"message"`
	Status     string `json:"status"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("issuing: HTTP %d: %s (code %d, status %q)", e.HTTPStatus, e.Message, e.Code, e.Status)
}

// Client calls the enrollment API.
type Client struct {
	core  *client.Core
	creds Credentials
}

// New builds a Client.
func New(cfg client.Config, creds Credentials) *Client {
	if creds.Version == "" {
		creds.Version = DefaultVersion
	}
	return &Client{core: client.New(cfg), creds: creds}
}

// Enroll enrolls card in 3DS with the chosen OTP delivery method.
func (c *Client) Enroll(ctx context.Context, card Card, req EnrollRequest) (*Envelope, error) {
	return c.do(ctx, "issuing.Enroll", http.MethodPost, card, req.OTPDeliveryMethod, true)
}

// Get reads card's 3DS enrollment.
func (c *Client) Get(ctx context.Context, card Card) (*Envelope, error) {
	return c.do(ctx, "issuing.Get", http.MethodGet, card, "", false)
}

// Update changes card's OTP delivery method.
func (c *Client) Update(ctx context.Context, card Card, req UpdateRequest) (*Envelope, error) {
	return c.do(ctx, "issuing.Update", http.MethodPatch, card, req.OTPDeliveryMethod, true)
}

// Unenroll removes card from the 3DS program.
func (c *Client) Unenroll(ctx context.Context, card Card) (*Envelope, error) {
	return c.do(ctx, "issuing.Unenroll", http.MethodDelete, card, "", false)
}

// versionRE is compiled when first needed, not while every binary that
// links the client starts.
var versionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]+$`) })

// do runs one operation: the four share path, headers and shapes, and differ
// in method and whether a body carries the OTP method.
func (c *Client) do(ctx context.Context, op, method string, card Card, otp OTPMethod, withBody bool) (*Envelope, error) {
	headers := c.headers(card)
	var fe client.FieldErrors
	for _, h := range headers[:5] {
		if h[1] == "" {
			fe.Add(h[0], "required")
		}
	}
	client.CheckHeaderValues(&fe, headers)
	if !versionRE().MatchString(c.creds.Version) {
		fe.Add("version", "must be a path segment such as v1")
	}
	var body any
	if withBody {
		if !otp.Valid() {
			fe.Add("otp_delivery_method", "must be one of EMAIL, SMS")
		}
		body = EnrollRequest{OTPDeliveryMethod: otp}
	}
	if err := c.core.Check(op, fe); err != nil {
		return nil, err
	}
	headers = append(headers, [2]string{"x-request-id", c.core.NewID()})
	reply, err := c.core.Do(ctx, client.Call{
		Op: op, Method: method, Header: headers, Body: body, Idempotent: true, // x-request-id
		Path: "/issuing/api/" + url.PathEscape(c.creds.Version) + "/card/3DS",
	})
	if err != nil {
		return nil, err
	}
	if !reply.OK() {
		return nil, decodeError(reply)
	}
	var env Envelope
	if err := client.DecodeSuccess(op, reply, &env); err != nil {
		return nil, err
	}
	return &env, nil
}

// headers lists the seed's headers in its order; the first five are required.
func (c *Client) headers(card Card) [][2]string {
	h := [][2]string{
		{"x-api-key", c.creds.APIKey},
		{"x-product-id", c.creds.ProductID},
		{"x-cardholder-id", card.CardholderID},
		{"x-wallet-id", card.WalletID},
		{"x-card-id", card.CardID},
	}
	if c.creds.ClientID != "" {
		h = append(h, [2]string{"x-client-id", c.creds.ClientID})
	}
	if c.creds.Token != "" {
		h = append(h, [2]string{"Authorization", "Bearer " + c.creds.Token})
	}
	return h
}

func decodeError(r *client.Reply) error {
	e := &Error{HTTPStatus: r.Status}
	if err := json.Unmarshal(r.Body, e); err != nil || e.Message == "" {
		e.Code, e.Message, e.Status = r.Status, http.StatusText(r.Status), "error"
		if s := client.Snippet(r.Body); s != "" {
			e.Message += ": " + s
		}
	}
	return e
}
