package wallet

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Receiving ThreeDSecureEvents, on the wallet backend's side of the webhook
// (stripe-go's webhook package is the model): a delivery is trusted only
// when its Signature verifies against the raw body under a non-empty key,
// its timestamp is recent, and the body is read within a limit before
// anything else looks at it.

// MaxEventBytes bounds a webhook delivery's body.
const MaxEventBytes = 64 << 10

// DefaultTolerance is how far an event's timestamp may be from the
// receiver's clock, either way, before the event is refused as stale (or
// from the future): Stripe's default, short enough that a captured
// delivery cannot be replayed for long, long enough for the platform's
// retries.
const DefaultTolerance = 5 * time.Minute

// Why a delivery is refused. Each is wrapped in an *EventError carrying the
// status to answer; test for them with errors.Is.
var (
	ErrNotPost      = errors.New("events are POSTed")
	ErrTooLarge     = fmt.Errorf("the body is over %d bytes", MaxEventBytes)
	ErrNotSigned    = errors.New("the " + SignatureHeader + " header is missing")
	ErrBadSignature = errors.New("the " + SignatureHeader + " header does not match the body (wrong HMAC key, or tampered)")
	ErrNotEvent     = errors.New("not a ThreeDSecureEvent")
	ErrStale        = errors.New("the event's timestamp is outside the tolerance window")
	// ErrNoKey: with an empty key anyone can sign (HMAC("", body) is no
	// secret), so nothing verifies.
	ErrNoKey = errors.New("no HMAC key: the wallet cannot verify any event")
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

// EventOptions tune ConstructEventWithOptions.
type EventOptions struct {
	// Tolerance bounds |now − timestamp| (default DefaultTolerance).
	Tolerance time.Duration
	// IgnoreTolerance skips the timestamp check (tests of old fixtures).
	IgnoreTolerance bool
	// Now is the receiver's clock (default time.Now).
	Now func() time.Time
}

// ConstructEvent is ConstructEventWithOptions with the default tolerance
// on the wall clock.
func ConstructEvent(body []byte, signature string, hmacKey []byte) (Event, error) {
	return ConstructEventWithOptions(body, signature, hmacKey, EventOptions{})
}

// ConstructEventWithOptions verifies signature (the Signature header's
// value: one signature, or several separated by commas during a key
// rotation) against body under hmacKey, then decodes the event as
// DecodeEvent does — leniently where the wallet only shows, strictly where
// it answers — and refuses it when its timestamp is outside the tolerance.
// A timestamp walletsim cannot read is let through (the platform may send
// any format; the signature still binds it to the body), and noted by the
// caller.
func ConstructEventWithOptions(body []byte, signature string, hmacKey []byte, opts EventOptions) (Event, error) {
	switch {
	case len(hmacKey) == 0:
		return Event{}, refuse(http.StatusInternalServerError, ErrNoKey)
	case signature == "":
		return Event{}, refuse(http.StatusUnauthorized, ErrNotSigned)
	case !VerifySignature(hmacKey, body, signature):
		return Event{}, refuse(http.StatusUnauthorized, ErrBadSignature)
	}
	ev, err := DecodeEvent(body)
	if err != nil {
		return Event{}, refuse(http.StatusBadRequest, fmt.Errorf("%w the wallet can answer: %w", ErrNotEvent, err))
	}
	if err := checkTimestamp(ev, opts); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// checkTimestamp refuses an event whose readable timestamp is too far from
// now. 400, not 5xx: the platform must not retry what will never be
// accepted.
func checkTimestamp(ev Event, opts EventOptions) error {
	if opts.IgnoreTolerance || ev.Timestamp.IsZero() {
		return nil
	}
	if opts.Tolerance <= 0 {
		opts.Tolerance = DefaultTolerance
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	now := opts.Now()
	age := now.Sub(ev.Timestamp.Time)
	if age > opts.Tolerance || -age > opts.Tolerance {
		return refuse(http.StatusBadRequest, fmt.Errorf("%w: it is %s, %s from now (%s); the window is ±%s",
			ErrStale, ev.Timestamp.UTC().Format(time.RFC3339), age.Round(time.Second), now.UTC().Format(time.RFC3339), opts.Tolerance))
	}
	return nil
}

// ReadEvent is ReadEventWithOptions with the default tolerance on the wall
// clock.
func ReadEvent(r *http.Request, hmacKey []byte) (Event, []byte, error) {
	return ReadEventWithOptions(r, hmacKey, EventOptions{})
}

// ReadEventWithOptions reads one delivery: a POST whose body, at most
// MaxEventBytes, is a signed event. It returns the body read (for logs and
// inspectors) even when it refuses the delivery; a refusal is an
// *EventError.
func ReadEventWithOptions(r *http.Request, hmacKey []byte, opts EventOptions) (Event, []byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxEventBytes+1))
	switch {
	case r.Method != http.MethodPost:
		return Event{}, body, refuse(http.StatusMethodNotAllowed, fmt.Errorf("method %s: %w", r.Method, ErrNotPost))
	case err != nil:
		return Event{}, body, refuse(http.StatusBadRequest, err)
	case len(body) > MaxEventBytes:
		return Event{}, body[:MaxEventBytes], refuse(http.StatusRequestEntityTooLarge, ErrTooLarge)
	}
	ev, err := ConstructEventWithOptions(body, r.Header.Get(SignatureHeader), hmacKey, opts)
	return ev, body, err
}
