// Package acs is the client of the issuer's ACS challenge page and of the
// cardholder's inbox, as walletsim's sandbox serves them. The seeds do not
// cover these (a real challenge is an HTML page in the cardholder's
// browser); the sandbox adds a machine-readable form of the same page so
// that the TUI and the headless runner can complete a challenge.
package acs

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/threeds"
)

// Challenge is the ACS challenge page's content.
type Challenge struct {
	ACSTransID       string `json:"acsTransID"`
	AuthenticationID string `json:"authentication_id"`
	Merchant         string `json:"merchant"`
	Amount           int64  `json:"amount"`
	Currency         string `json:"currency"`
	AmountDisplay    string `json:"amount_display"`
	CardLastFour     string `json:"card_last_four"`
	Channel          string `json:"channel"` // SMS | EMAIL: where the code went
	Destination      string `json:"destination"`
	AttemptsLeft     int    `json:"attempts_left"`
	// CodeLength is how many digits the one-time code has (0: not said).
	CodeLength int       `json:"code_length,omitempty"`
	ExpiresAt  time.Time `json:"expires_at"`
	// TransStatus is "C" while the challenge waits, then Y, N or U.
	TransStatus string `json:"trans_status"`
	Message     string `json:"message"`
	ReturnURL   string `json:"return_url,omitempty"`
	// CRes is, once the cardholder has finished (Y or N), the EMV CRes the
	// ACS has the browser post to ReturnURL, as the form field cres
	// (base64url).
	CRes string `json:"cres,omitempty"`
}

// Pending reports whether the challenge still waits for a code.
func (c *Challenge) Pending() bool { return c.TransStatus == "C" }

// Message is an SMS or email as the cardholder receives it.
type Message struct {
	ID               string    `json:"id"`
	Channel          string    `json:"channel"` // SMS | EMAIL
	To               string    `json:"to"`
	From             string    `json:"from"`
	Subject          string    `json:"subject,omitempty"`
	Body             string    `json:"body"`
	Code             string    `json:"code"` // the one-time code in Body
	AuthenticationID string    `json:"authentication_id"`
	SentAt           time.Time `json:"sent_at"`
}

// Inbox is the body of GET /sandbox/inbox/{cardholderId}.
type Inbox struct {
	Messages []Message `json:"messages"` // newest first
}

// Client reads and answers challenges, and reads inboxes.
type Client struct{ core *client.Core }

// New builds a Client. Challenge URLs are absolute; BaseURL is used for the
// inbox.
func New(cfg client.Config) *Client { return &Client{core: client.New(cfg)} }

// Challenge reads the challenge page at challengeURL (the authentication's
// challenge_url).
func (c *Client) Challenge(ctx context.Context, challengeURL string) (*Challenge, error) {
	return c.challenge(ctx, "acs.Challenge", http.MethodGet, challengeURL, nil)
}

// Submit types a one-time code into the challenge.
func (c *Client) Submit(ctx context.Context, challengeURL, otp string) (*Challenge, error) {
	if otp == "" {
		if err := c.core.Check("acs.Submit", client.FieldErrors{{Field: "otp", Message: threeds.MsgMissing}}); err != nil {
			return nil, err
		}
	}
	return c.challenge(ctx, "acs.Submit", http.MethodPost, challengeURL, map[string]string{"otp": otp})
}

// Cancel abandons the challenge, as the page's Cancel button does.
func (c *Client) Cancel(ctx context.Context, challengeURL string) (*Challenge, error) {
	return c.challenge(ctx, "acs.Cancel", http.MethodPost, challengeURL, map[string]string{"action": "cancel"})
}

func (c *Client) challenge(ctx context.Context, op, method, challengeURL string, body any) (*Challenge, error) {
	if u, err := url.Parse(challengeURL); err != nil || !u.IsAbs() {
		return nil, client.FieldErrors{{Field: "challenge_url", Message: threeds.MsgURL}}.Err(op)
	}
	call := client.Call{Op: op, Method: method, Path: challengeURL, Body: body}
	if method == http.MethodPost {
		// One key per submission, re-sent on retry: a lost answer never
		// uses a second attempt.
		call.Header, call.Idempotent = [][2]string{{threeds.IdempotencyKeyHeader, c.core.NewID()}}, true
	}
	reply, err := c.core.Do(ctx, call)
	if err != nil {
		return nil, err
	}
	if !reply.OK() && reply.Status != http.StatusConflict {
		return nil, threeds.DecodeError(reply)
	}
	var ch Challenge
	if err := client.DecodeSuccess(op, reply, &ch); err != nil {
		return nil, err
	}
	return &ch, nil
}

// Inbox reads a cardholder's messages, newest first.
func (c *Client) Inbox(ctx context.Context, cardholderID string) ([]Message, error) {
	const op = "acs.Inbox"
	if cardholderID == "" {
		return nil, client.FieldErrors{{Field: "cardholderId", Message: "must not be blank"}}.Err(op)
	}
	reply, err := c.core.Do(ctx, client.Call{Op: op, Method: http.MethodGet, Path: "/sandbox/inbox/" + url.PathEscape(cardholderID)})
	if err != nil {
		return nil, err
	}
	if !reply.OK() {
		return nil, threeds.DecodeError(reply)
	}
	var in Inbox
	if err := client.DecodeSuccess(op, reply, &in); err != nil {
		return nil, err
	}
	return in.Messages, nil
}
