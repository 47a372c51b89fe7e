package wallet

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Receiving ThreeDSecureEvents, on the wallet backend's side of the webhook
// (stripe-go's webhook package is the model): a delivery is trusted only
// when its Signature verifies against the raw body, and the body is read
// within a limit before anything else looks at it.

// MaxEventBytes bounds a webhook delivery's body.
const MaxEventBytes = 64 << 10

// Why a delivery is refused. Each is wrapped in an *EventError carrying the
// status to answer; test for them with errors.Is.
var (
	ErrNotPost      = errors.New("events are POSTed")
	ErrTooLarge     = fmt.Errorf("the body is over %d bytes", MaxEventBytes)
	ErrNotSigned    = errors.New("the " + SignatureHeader + " header is missing")
	ErrBadSignature = errors.New("the " + SignatureHeader + " header does not match the body (wrong HMAC key, or tampered)")
	ErrNotEvent     = errors.New("not a ThreeDSecureEvent")
)

// EventError is a delivery the wallet backend refuses, with the HTTP status
// to answer the platform (which retries on 5xx only).
type EventError struct {
	Status int
	Err    error
}

func (e *EventError) Error() string { return e.Err.Error() }
func (e *EventError) Unwrap() error { return e.Err }

func refuse(status int, err error) *EventError { return &EventError{Status: status, Err: err} }

// ConstructEvent verifies signature (the Signature header's value) against
// body under hmacKey, then decodes the event as DecodeEvent does: leniently
// where the wallet only shows, strictly where it answers (the ids it
// answers with must be there).
func ConstructEvent(body []byte, signature string, hmacKey []byte) (Event, error) {
	switch {
	case signature == "":
		return Event{}, refuse(http.StatusUnauthorized, ErrNotSigned)
	case !VerifySignature(hmacKey, body, signature):
		return Event{}, refuse(http.StatusUnauthorized, ErrBadSignature)
	}
	ev, err := DecodeEvent(body)
	if err != nil {
		return Event{}, refuse(http.StatusBadRequest, fmt.Errorf("%w the wallet can answer: %w", ErrNotEvent, err))
	}
	return ev, nil
}

// ReadEvent reads one delivery: a POST whose body, at most MaxEventBytes,
// is a signed event. It returns the body read (for logs and inspectors)
// even when it refuses the delivery; a refusal is an *EventError.
func ReadEvent(r *http.Request, hmacKey []byte) (Event, []byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxEventBytes+1))
	switch {
	case r.Method != http.MethodPost:
		return Event{}, body, refuse(http.StatusMethodNotAllowed, fmt.Errorf("method %s: %w", r.Method, ErrNotPost))
	case err != nil:
		return Event{}, body, refuse(http.StatusBadRequest, err)
	case len(body) > MaxEventBytes:
		return Event{}, body[:MaxEventBytes], refuse(http.StatusRequestEntityTooLarge, ErrTooLarge)
	}
	ev, err := ConstructEvent(body, r.Header.Get(SignatureHeader), hmacKey)
	return ev, body, err
}
