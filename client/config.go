// Package client holds what the three API clients share: how a resty client is
// built (base URL, timeout, retries, User-Agent, logging), how every HTTP
// exchange is observed and redacted, cURL rendering, and the error types that
// are not specific to one API.
//
// One package per API lives below it: issuing (seed 000), wallet (seed 002)
// and threeds (seed 004).
package client

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/walletsim/walletsim/client/clock"
)

// Defaults applied by New when a Config field is left zero.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultRetries      = 2
	DefaultRetryWait    = 200 * time.Millisecond
	DefaultRetryMaxWait = 2 * time.Second
)

// Config is what every API client is built from. The zero value of each field
// means "use the default".
type Config struct {
	// BaseURL is the API's root, e.g. "https://api.example.com" or the
	// embedded sandbox's loopback address.
	BaseURL string
	// Timeout bounds each attempt (not the whole call with its retries).
	Timeout time.Duration
	// Retries is how many times a failed attempt (network error, 500, 503) is
	// repeated: 0 means DefaultRetries, a negative number disables retries.
	Retries int
	// RetryWait and RetryMaxWait bound the jittered exponential backoff.
	RetryWait    time.Duration
	RetryMaxWait time.Duration
	// Version goes into "User-Agent: walletsim/<version>".
	Version string
	// Observer, when set, receives every HTTP exchange, secrets redacted.
	Observer Observer
	// Logger receives resty's diagnostics. Nil discards them: nothing may
	// write to stdout/stderr while the TUI owns the terminal.
	Logger *slog.Logger
	// NewID generates request ids (x-request-id, walletOperationId).
	// Tests inject a deterministic one; the default is a random UUID.
	NewID func() string
	// Clock times exchanges and the waits between retries (default
	// clock.Real). On a virtual clock (*clock.Manual) backoff takes no
	// time and each attempt's Timeout is a deadline on that clock too, for
	// a server in the same process that waits on it (the sandbox).
	Clock clock.Clock
	// Transport is the underlying round tripper (default: a clone of
	// http.DefaultTransport).
	Transport http.RoundTripper
	// NoValidate sends requests without checking them first, so that the
	// server's own validation answers: for negative tests only.
	NoValidate bool
	// Header is added to every request, like curl's -H (e.g. the sandbox's
	// x-walletsim-fault). It is observed and redacted like any header.
	Header http.Header
}

// withDefaults returns c with every zero field filled in.
func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.Retries == 0:
		c.Retries = DefaultRetries
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.RetryWait == 0 {
		c.RetryWait = DefaultRetryWait
	}
	if c.RetryMaxWait == 0 {
		c.RetryMaxWait = DefaultRetryMaxWait
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.NewID == nil {
		c.NewID = uuid.NewString
	}
	if c.Clock == nil {
		c.Clock = clock.Real
	}
	if c.Transport == nil {
		c.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	return c
}

// UserAgent is the User-Agent every client sends.
func (c Config) UserAgent() string {
	if c.Version == "" {
		return "walletsim/dev"
	}
	return "walletsim/" + c.Version
}
