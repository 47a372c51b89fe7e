package client

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/walletsim/walletsim/client/clock"
)

// Core is the resty client every API package is built on. It runs one
// logical operation (a Call) with retries and observation, and hands back the
// final response for the API package to decode into its own types.
type Core struct {
	cfg  Config
	http *resty.Client
}

// New builds a Core from cfg.
func New(cfg Config) *Core {
	cfg = cfg.withDefaults()
	rc := resty.New().
		SetBaseURL(strings.TrimRight(cfg.BaseURL, "/")).
		SetTimeout(cfg.Timeout).
		SetTransport(&recorder{next: cfg.Transport, observe: cfg.Observer, now: cfg.Clock.Now}).
		SetLogger(slogAdapter{cfg.Logger}).
		SetRedirectPolicy(resty.NoRedirectPolicy())
	return &Core{cfg: cfg, http: rc}
}

// NewID returns a fresh id from the configured generator.
func (c *Core) NewID() string { return c.cfg.NewID() }

// Check returns fe as a *ValidationError for op, unless the client was
// configured with NoValidate.
func (c *Core) Check(op string, fe FieldErrors) error {
	if c.cfg.NoValidate {
		return nil
	}
	return fe.Err(op)
}

// Call is one logical API operation. Every attempt of it sends the same
// headers and the same body bytes.
type Call struct {
	// Op names the operation in errors and exchanges, e.g. "issuing.Enroll".
	Op     string
	Method string
	// Path is appended to the base URL; callers escape path segments.
	Path string
	// Header holds headers sent with their names verbatim (the seeds spell
	// them in lower case, e.g. "x-api-key").
	Header [][2]string
	// Body is marshalled to JSON once, before the first attempt; nil sends
	// no body.
	Body any
	// RawBody, when set, is sent as it is instead of Body: a request that
	// must not be valid JSON (a conformance check's malformed body).
	RawBody []byte
	// Idempotent says that repeating the call has no second effect,
	// although its method (POST, PATCH) does not say so: it carries a key
	// the server deduplicates on (x-request-id, Idempotency-Key, an id in
	// the path, a walletOperationId). Only such calls, and calls with an
	// idempotent method, are retried: a lost answer to anything else may
	// have had its effect.
	Idempotent bool
}

// retryable reports whether the call may be sent again after a failure.
func (c Call) retryable() bool {
	switch c.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return c.Idempotent
}

// Reply is the response to the final attempt of a Call.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// OK reports whether the status is 2xx.
func (r *Reply) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Do runs call, retrying network errors, 500 and 503 with backoff. A non-2xx
// reply is not an error here: the API package decodes it into its own error
// type. The returned error is a *TransportError (network failure, timeout,
// cancelled context) or a failure to encode the body.
//
// The retries are Core's own rather than resty's so that the backoff waits
// on the configured clock: on a virtual one it takes no time.
func (c *Core) Do(ctx context.Context, call Call) (*Reply, error) {
	body := call.RawBody
	if body == nil && call.Body != nil {
		var err error
		if body, err = json.Marshal(call.Body); err != nil {
			return nil, fmt.Errorf("%s: encode body: %w", call.Op, err)
		}
	}
	callCtx := withCall(ctx, call.Op)
	for attempt := 0; ; attempt++ {
		resp, err := c.attempt(callCtx, call, body)
		if err == nil && ctx.Err() != nil {
			// Cancelled during the attempt: the caller has given up on this
			// call, so report that rather than the attempt's answer.
			err = ctx.Err()
		}
		if attempt == c.cfg.Retries || !call.retryable() || !shouldRetry(ctx, resp, err) {
			if err != nil {
				return nil, &TransportError{Op: call.Op, Err: err}
			}
			return &Reply{Status: resp.StatusCode(), Header: resp.Header(), Body: resp.Body()}, nil
		}
		if err := clock.Sleep(ctx, c.cfg.Clock, c.backoff(attempt)); err != nil {
			return nil, &TransportError{Op: call.Op, Err: err}
		}
	}
}

// attempt sends call once. Every attempt sends the same headers and the
// same body bytes.
func (c *Core) attempt(ctx context.Context, call Call, body []byte) (*resty.Response, error) {
	if clock.IsVirtual(c.cfg.Clock) {
		// The timeout is virtual too; resty's real one stays as a backstop
		// for a server that does not share the clock.
		var cancel context.CancelFunc
		ctx, cancel = clock.WithTimeout(ctx, c.cfg.Clock, c.cfg.Timeout)
		defer cancel()
	}
	req := c.http.R().
		SetContext(ctx).
		SetHeader("User-Agent", c.cfg.UserAgent()).
		SetHeader("Accept", "application/json").
		SetHeader("Content-Type", "application/json")
	for name, values := range c.cfg.Header {
		for _, v := range values {
			req.SetHeaderVerbatim(name, v)
		}
	}
	for _, h := range call.Header {
		req.SetHeaderVerbatim(h[0], h[1])
	}
	if body != nil {
		req.SetBody(body)
	}
	return req.Execute(call.Method, call.Path)
}

// backoff is the wait before retry n+1: exponential from RetryWait, capped
// at RetryMaxWait, with full jitter in its upper half on a real clock (to
// spread a crowd of clients). A virtual clock has no crowd, and its runs
// must be reproducible: there the wait is exact.
func (c *Core) backoff(n int) time.Duration {
	d := c.cfg.RetryWait
	for range n {
		if d >= c.cfg.RetryMaxWait {
			break
		}
		d *= 2
	}
	d = min(d, c.cfg.RetryMaxWait)
	if clock.IsVirtual(c.cfg.Clock) || d < 2 {
		return max(d, c.cfg.RetryWait)
	}
	half := d / 2
	return max(half+rand.N(half), c.cfg.RetryWait)
}

// shouldRetry retries what may succeed on a second try: network errors and
// per-attempt timeouts (unless the caller's context is done), 500 and 503.
// 4xx never.
func shouldRetry(ctx context.Context, r *resty.Response, err error) bool {
	if err != nil {
		return ctx.Err() == nil
	}
	switch r.StatusCode() {
	case http.StatusInternalServerError, http.StatusServiceUnavailable:
		return true
	}
	return false
}

// TransportError is a call that got no HTTP response: connection refused or
// dropped, timeout, cancelled context. It names the operation.
type TransportError struct {
	Op  string
	Err error
}

func (e *TransportError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// slogAdapter routes resty's logging to slog, never to stderr.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Errorf(f string, v ...any) { a.l.Error(fmt.Sprintf(f, v...), "via", "resty") }
func (a slogAdapter) Warnf(f string, v ...any)  { a.l.Warn(fmt.Sprintf(f, v...), "via", "resty") }
func (a slogAdapter) Debugf(f string, v ...any) { a.l.Debug(fmt.Sprintf(f, v...), "via", "resty") }
