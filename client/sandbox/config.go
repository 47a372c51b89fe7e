package sandbox

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/store"
)

// Config tunes a Sandbox. Zero fields take the defaults below.
type Config struct {
	// Clock is the time; NewID makes ids; Rand feeds one-time codes and
	// CAVVs. Tests inject deterministic ones. On a virtual clock
	// (*clock.Manual) a latency fault moves the clock, and a request held
	// until its client gives up (the timeout fault and cards) ends at the
	// client's deadline on that clock, at once.
	Clock clock.Clock
	NewID func() string
	Rand  io.Reader
	// defaultIDs: NewID was left to its default, so the sandbox may make
	// random UUIDs its own cheaper way (transIDs).
	defaultIDs bool

	// Expiry is how long a challenge or decoupled authentication waits for
	// the cardholder (default 5 minutes).
	Expiry time.Duration
	// DecoupledMaxTime is the 3DS Requestor's maximum time for a decoupled
	// authentication, the AReq's threeDSRequestorDecMaxTime (in whole
	// minutes, rounded up). The ACS never waits longer: when it is shorter
	// than Expiry the wait ends there, with transStatusReason 24; when it
	// is under MinDecoupledTime the ACS does not try at all and answers U
	// with reason 25. Zero means Expiry.
	DecoupledMaxTime time.Duration
	// Retention is how long a finished authentication stays readable
	// (default 15 minutes); MaxFinished caps how many are kept (default
	// 4096); MaxPending caps challenges and decoupled authentications
	// waiting at once (default 10000).
	Retention   time.Duration
	MaxFinished int
	MaxPending  int
	// IdempotencyTTL is how long an idempotency key's first answer is
	// replayed (default 24 hours); IdempotencyBytes is each workspace's
	// byte budget for those answers (default 4 MiB) and
	// IdempotencyTotalBytes all workspaces' together (default 16 MiB; see
	// store.Limits). They apply to the default Store only.
	IdempotencyTTL        time.Duration
	IdempotencyBytes      int64
	IdempotencyTotalBytes int64
	// MaxEnrollments caps enrollments (default 100000).
	MaxEnrollments int
	// MaxStoredBytes bounds the bytes of everything the sandbox keeps —
	// enrollments, authentications, inbox messages — counted as
	// accounting.go says (default 32 MiB; negative: no limit). A request
	// that would take it over is refused with 429 in its API's shape.
	MaxStoredBytes int64
	// MaxWorkspaceBytes bounds what one workspace keeps, counted the same
	// way, within MaxStoredBytes (default 24 MiB; negative: no limit of
	// its own), so that one tester cannot fill the sandbox for the others.
	MaxWorkspaceBytes int64

	// WorkspaceIdle is how long a workspace may go unused before it is
	// removed with everything in it (default 7 days; negative: never; the
	// default workspace never is). See expiry.go.
	WorkspaceIdle time.Duration

	// Store keeps the workspaces (default: store.NewMemory).
	Store store.Store

	// Require, when a field is set, accepts only that credential; otherwise
	// any non-empty one is accepted.
	Require Credentials

	// WebhookURL receives ThreeDSecureEvents, signed with HMACKey, through
	// WebhookTransport (default: over the network; HandlerTransport
	// delivers to a wallet in the same process).
	// Failed deliveries are retried WebhookRetries times (default 5; a
	// negative number disables retries), waiting WebhookBackoff (default
	// 1s) doubled each time.
	WebhookURL       string
	HMACKey          []byte
	WebhookTransport http.RoundTripper
	WebhookRetries   int
	WebhookBackoff   time.Duration
	// On a real clock events go through the store's outbox (relay.go):
	// a replica holds a claimed delivery for WebhookLease (default 30s,
	// longer than an attempt can take) before another may send it, and
	// looks for deliveries other replicas enqueued every WebhookPoll
	// (default 250ms).
	WebhookLease time.Duration
	WebhookPoll  time.Duration

	// Faults apply to every API request (the x-walletsim-fault header
	// applies them to one).
	Faults fault.Spec

	// MerchantName appears on challenge pages, webhooks and inbox messages
	// (default "walletsim demo shop").
	MerchantName string
	// PublicURL is the address other machines reach the sandbox at, used
	// in challenge_url (default: the address Start listens on).
	PublicURL string

	// The standalone server's limits (Start, HTTPServer): how long a
	// client may take to send a request's headers (ReadHeaderTimeout,
	// default 10s) and the whole request (ReadTimeout, 30s) and to read an
	// answer (WriteTimeout, 30s, counted from the end of the headers; a
	// latency fault adds its delay), how long an idle keep-alive connection
	// is kept (IdleTimeout, 60s), how large a request's header block may be
	// (MaxHeaderBytes, 32 KiB, request line included: more gets 431 in the
	// API's shape, and more than twice it Go's own plain-text 431), and
	// how many connections may be open at once (MaxConns, 512).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	MaxConns          int

	// AccessLog, when set, gets one line per request (the sandbox
	// serialises its writes).
	AccessLog io.Writer
	// Logger gets diagnostics (webhook deliveries); discarded when nil.
	Logger *slog.Logger
}

// DefaultMaxStoredBytes is Config.MaxStoredBytes's default.
const DefaultMaxStoredBytes = 32 << 20

// DefaultWorkspaceIdle is Config.WorkspaceIdle's default.
const DefaultWorkspaceIdle = 7 * 24 * time.Hour

// DefaultMaxWorkspaceBytes is Config.MaxWorkspaceBytes's default: room
// for MaxFinished (4,096) challenge or decoupled authentications with seed
// 004's full request (3.9–4.0 KiB counted each) and 2,000 more pending.
const DefaultMaxWorkspaceBytes = 24 << 20

// minHeaderBytes fits seed 000's eight headers at their limits (seven ids
// of MaxIDHeader and a bearer token of 1 KiB), with their names.
const minHeaderBytes = 4 << 10

// DefaultMaxHeaderBytes is Config.MaxHeaderBytes's default.
const DefaultMaxHeaderBytes = 32 << 10

// Credentials the sandbox can be told to require.
type Credentials struct {
	IssuingAPIKey string // x-api-key
	IssuingToken  string // Authorization: Bearer, issuing
	ThreeDSKey    string // Basic user name, 3DS server
	WalletToken   string // Authorization: Bearer, wallet platform
}

// Defaults is c with every zero field set to its default, as New uses it.
func (c Config) Defaults() Config { return c.withDefaults() }

func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = clock.Real
	}
	c.defaultIDs = c.NewID == nil
	if c.NewID == nil {
		c.NewID = uuid.NewString
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	defInt := func(n *int, v int) {
		if *n == 0 {
			*n = v
		}
	}
	def(&c.Expiry, 5*time.Minute)
	def(&c.Retention, 15*time.Minute)
	def(&c.IdempotencyTTL, 24*time.Hour)
	def(&c.WorkspaceIdle, DefaultWorkspaceIdle)
	def(&c.WebhookBackoff, time.Second)
	def(&c.WebhookLease, 30*time.Second)
	def(&c.WebhookPoll, 250*time.Millisecond)
	def(&c.ReadHeaderTimeout, 10*time.Second)
	def(&c.ReadTimeout, 30*time.Second)
	def(&c.WriteTimeout, 30*time.Second)
	def(&c.IdleTimeout, time.Minute)
	defInt(&c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	defInt(&c.MaxConns, 512)
	defInt(&c.MaxFinished, 4096)
	defInt(&c.MaxPending, 10000)
	defInt(&c.MaxEnrollments, 100000)
	if c.MaxStoredBytes == 0 {
		c.MaxStoredBytes = DefaultMaxStoredBytes
	}
	if c.MaxWorkspaceBytes == 0 {
		c.MaxWorkspaceBytes = DefaultMaxWorkspaceBytes
	}
	switch {
	case c.WebhookRetries == 0:
		c.WebhookRetries = 5
	case c.WebhookRetries < 0:
		c.WebhookRetries = 0
	}
	if c.Store == nil {
		c.Store = store.NewMemory(c.StoreLimits())
	}
	if c.MerchantName == "" {
		c.MerchantName = "walletsim demo shop"
	}
	if c.WebhookTransport == nil {
		c.WebhookTransport = http.DefaultTransport
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c
}

// StoreLimits are the limits a Store made for c is given.
func (c Config) StoreLimits() store.Limits {
	return store.Limits{IdempotencyTTL: c.IdempotencyTTL, IdempotencyBytes: c.IdempotencyBytes,
		IdempotencyTotalBytes: c.IdempotencyTotalBytes}.WithDefaults()
}

// ConfigError is one field of a Config that the sandbox cannot run with.
// Its message never quotes a secret.
type ConfigError struct {
	Field string // "Expiry", "WebhookURL", "Require.ThreeDSKey", …
	Err   error
}

func (e *ConfigError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Validate checks a Config that people wrote (flags, environment, files):
// every field it cannot run with is a *ConfigError, joined with
// errors.Join. Zero values are fine: they mean the defaults.
func (c Config) Validate() error {
	var errs []error
	check := func(field string, err error) {
		if err != nil {
			errs = append(errs, &ConfigError{Field: field, Err: err})
		}
	}
	if c.Expiry < 0 {
		check("Expiry", errors.New("must be positive"))
	}
	if c.DecoupledMaxTime < 0 {
		check("DecoupledMaxTime", errors.New("must be positive"))
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"ReadHeaderTimeout", c.ReadHeaderTimeout}, {"ReadTimeout", c.ReadTimeout}, {"WriteTimeout", c.WriteTimeout}, {"IdleTimeout", c.IdleTimeout}} {
		if d.v < 0 {
			check(d.field, errors.New("must be positive"))
		}
	}
	if c.ReadHeaderTimeout > 0 && c.ReadTimeout > 0 && c.ReadHeaderTimeout > c.ReadTimeout {
		check("ReadHeaderTimeout", errors.New("must not be longer than the read timeout, which includes the headers"))
	}
	switch {
	case c.MaxHeaderBytes < 0, c.MaxHeaderBytes > 0 && c.MaxHeaderBytes < minHeaderBytes:
		check("MaxHeaderBytes", fmt.Errorf("must be at least %d bytes: seed 000's headers at their limits take %d", minHeaderBytes, minHeaderBytes))
	case c.MaxHeaderBytes > 1<<20:
		check("MaxHeaderBytes", errors.New("must be at most 1 MiB"))
	}
	if c.MaxConns < 0 {
		check("MaxConns", errors.New("must be positive"))
	}
	check("Store", c.checkOutbox())
	check("WebhookURL", checkHTTPURL(c.WebhookURL))
	check("PublicURL", checkHTTPURL(c.PublicURL))
	check("MerchantName", checkMerchant(c.MerchantName))
	if c.WebhookURL != "" && len(c.HMACKey) == 0 {
		check("HMACKey", errors.New("must not be empty: webhook events are signed with it"))
	}
	for _, r := range c.Require.fields() {
		if r.value != "" {
			check("Require."+r.name, r.check(r.value))
		}
	}
	return errors.Join(errs...)
}

// checkOutbox refuses a real clock with a store that has no webhook
// outbox: on a real clock every event goes through one (relay.go), so
// that replicas sharing the store send each exactly once and one enqueued
// before a restart is sent after it.
func (c Config) checkOutbox() error {
	switch c.Store.(type) {
	case nil, store.Outbox, *store.Memory: // the memory store gets one beside it
		return nil
	}
	if clock.IsVirtual(c.Clock) {
		return nil
	}
	return fmt.Errorf("%T has no webhook outbox (store.Outbox), which a real clock needs: webhook events are delivered through it; use the memory, SQLite or PostgreSQL store, or a virtual clock", c.Store)
}

// checkHTTPURL accepts "" (none) or an absolute http(s) URL.
func checkHTTPURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an http or https URL")
	case u.Host == "":
		return errors.New("has no host")
	}
	return nil
}

// checkMerchant: "" is the default; anything else is shown to
// cardholders, so it must be a short, printable name.
func checkMerchant(name string) error {
	switch {
	case name != "" && strings.TrimSpace(name) == "":
		return errors.New("must not be blank")
	case utf8.RuneCountInString(name) > 100:
		return errors.New("must be at most 100 characters")
	case strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return errors.New("must not contain control characters")
	}
	return nil
}

// credential is one of Credentials' fields, with its rules.
type credential struct {
	name  string // the field's name
	value string
	check func(string) error
}

func (c Credentials) fields() []credential {
	return []credential{
		{"IssuingAPIKey", c.IssuingAPIKey, checkSecret},
		{"IssuingToken", c.IssuingToken, checkSecret},
		{"ThreeDSKey", c.ThreeDSKey, check3DSKey},
		{"WalletToken", c.WalletToken, checkSecret},
	}
}

// checkSecret accepts what can travel in a header and survive a server's
// trimming of header values: printable ASCII, no surrounding spaces.
func checkSecret(v string) error {
	if strings.TrimSpace(v) != v {
		return errors.New("must not start or end with spaces")
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r > '~' }) {
		return errors.New("must be printable ASCII")
	}
	return nil
}

// check3DSKey refuses keys the sandbox could never accept: it refuses
// publishable "pk_" keys, and a Basic user name ends at the first colon.
func check3DSKey(v string) error {
	if err := checkSecret(v); err != nil {
		return err
	}
	if strings.HasPrefix(v, "pk_") {
		return errors.New(`must not be a publishable "pk_" key (the 3DS server refuses those)`)
	}
	if strings.Contains(v, ":") {
		return errors.New("must not contain a colon (it is an HTTP Basic user name)")
	}
	return nil
}
