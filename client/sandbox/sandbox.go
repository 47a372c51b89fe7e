// Package sandbox is the embedded simulator of the other side of walletsim's
// three APIs: the issuer's 3DS enrollment (seed 000), the merchant's 3DS
// server with the issuer's ACS behind it (seed 004), and the wallet platform
// that asks the cardholder's wallet to approve decoupled authentications
// (seed 002). It keeps state, decides outcomes as an ACS would, answers in
// the seeds' shapes and messages, and can inject faults for QA.
//
// Where the seeds are silent the sandbox extends them (reading a final
// result, the challenge page, the cardholder's inbox, …); the README lists
// every extension.
package sandbox

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox/fault"
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

	// Expiry is how long a challenge or decoupled authentication waits for
	// the cardholder (default 5 minutes).
	Expiry time.Duration
	// Retention is how long a finished authentication stays readable
	// (default 15 minutes); MaxFinished caps how many are kept (default
	// 4096); MaxPending caps challenges and decoupled authentications
	// waiting at once (default 10000).
	Retention   time.Duration
	MaxFinished int
	MaxPending  int
	// MaxIdempotent caps remembered x-request-ids (default 4096), kept for
	// IdempotencyTTL (default 24 hours).
	MaxIdempotent  int
	IdempotencyTTL time.Duration
	// MaxEnrollments caps enrollments (default 100000).
	MaxEnrollments int

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

	// Faults apply to every API request (the x-walletsim-fault header
	// applies them to one).
	Faults fault.Spec

	// MerchantName appears on challenge pages, webhooks and inbox messages.
	MerchantName string

	// AccessLog, when set, gets one line per request (the sandbox
	// serialises its writes).
	AccessLog io.Writer
	// Logger gets diagnostics (webhook deliveries); discarded when nil.
	Logger *slog.Logger
}

// Credentials the sandbox can be told to require.
type Credentials struct {
	IssuingAPIKey string // x-api-key
	IssuingToken  string // Authorization: Bearer, issuing
	ThreeDSKey    string // Basic user name, 3DS server
	WalletToken   string // Authorization: Bearer, wallet platform
}

func (c Config) withDefaults() Config {
	if c.Clock == nil {
		c.Clock = clock.Real
	}
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
	def(&c.WebhookBackoff, time.Second)
	defInt(&c.MaxFinished, 4096)
	defInt(&c.MaxPending, 10000)
	defInt(&c.MaxIdempotent, 4096)
	defInt(&c.MaxEnrollments, 100000)
	switch {
	case c.WebhookRetries == 0:
		c.WebhookRetries = 5
	case c.WebhookRetries < 0:
		c.WebhookRetries = 0
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

// Sandbox is the simulated issuer, 3DS server + ACS and wallet platform.
type Sandbox struct {
	cfg     Config
	handler http.Handler

	mu          sync.Mutex // guards everything below
	baseURL     string
	enrollments map[enrollKey]*enrollment
	auths       map[string]*authn        // by 3DS server id
	byAuth3ds   map[string]*authn        // by the wallet platform's auth3dsId
	byACS       map[string]*authn        // by acsTransID (the challenge page)
	waiting     fifo[*authn]             // unfinished auths, oldest first, for expiry
	finished    fifo[*authn]             // finished auths, oldest first, for eviction
	pending     int                      // unfinished auths
	inboxes     map[string][]acs.Message // by cardholder id, newest last
	webhook     webhookTarget
	deliveries  []*Delivery // newest last, capped
	last        lastRequest // the previous authenticate's, to share values with

	idem       *idempotency
	lastAnswer atomic.Pointer[[]byte] // see shareAnswer

	ctx    context.Context // cancelled by Close: stops webhooks and hung requests
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds a Sandbox. Use Handler to serve it, or Start to listen.
func New(cfg Config) *Sandbox {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sandbox{
		cfg:         cfg,
		enrollments: map[enrollKey]*enrollment{},
		auths:       map[string]*authn{},
		byAuth3ds:   map[string]*authn{},
		byACS:       map[string]*authn{},
		inboxes:     map[string][]acs.Message{},
		webhook:     webhookTarget{URL: cfg.WebhookURL, Key: cfg.HMACKey},
		idem:        newIdempotency(cfg.MaxIdempotent, cfg.IdempotencyTTL),
		ctx:         ctx,
		cancel:      cancel,
	}
	s.handler = s.routes()
	return s
}

// now is the sandbox's time.
func (s *Sandbox) now() time.Time { return s.cfg.Clock.Now() }

// Handler serves the three APIs and the sandbox's extensions.
func (s *Sandbox) Handler() http.Handler { return s.handler }

// SetBaseURL sets the externally visible address, used in challenge_url.
func (s *Sandbox) SetBaseURL(u string) {
	s.mu.Lock()
	s.baseURL = strings.TrimRight(u, "/")
	s.mu.Unlock()
}

// BaseURL is the externally visible address.
func (s *Sandbox) BaseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close stops webhook deliveries and releases hung requests, then waits for
// background work to end.
func (s *Sandbox) Close() {
	s.cancel()
	s.wg.Wait()
}

// Server is a Sandbox listening on a port.
type Server struct {
	*Sandbox
	URL  string
	http *http.Server
	ln   net.Listener
	done chan struct{}
}

// Start listens on addr ("127.0.0.1:0" picks a free loopback port) and
// serves the sandbox in the background.
func Start(addr string, cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	sb := New(cfg)
	srv := &Server{
		Sandbox: sb,
		URL:     "http://" + reachable(ln.Addr()),
		ln:      ln,
		done:    make(chan struct{}),
		http:    &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 10 * time.Second},
	}
	sb.SetBaseURL(srv.URL)
	go func() {
		defer close(srv.done)
		srv.http.Serve(ln)
	}()
	return srv, nil
}

// reachable is a listener's address as a client on this machine dials it:
// an unspecified address (0.0.0.0, or [::], which Go's dual-stack listener
// also reports for 0.0.0.0) becomes 127.0.0.1.
func reachable(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
}

// Addr is the address the server listens on (0.0.0.0 stays 0.0.0.0 here;
// URL is what a client dials).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Shutdown stops accepting requests, lets in-flight ones finish until ctx
// ends, and closes the sandbox. Requests held by a "timeout" fault or card
// never finish by themselves: they are aborted first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Sandbox.cancel()
	err := s.http.Shutdown(ctx)
	<-s.done
	s.Sandbox.Close()
	return err
}

// Close shuts the server down at once.
func (s *Server) Close() {
	s.Sandbox.cancel()
	s.http.Close()
	<-s.done
	s.Sandbox.Close()
}

// Stats counts what the sandbox holds, to show memory stays bounded.
type Stats struct {
	Authentications int // readable authentications, pending or finished
	Pending         int // waiting for a challenge code or the wallet
	Enrollments     int
	IdempotencyKeys int
}

// Stats reports what the sandbox holds now.
func (s *Sandbox) Stats() Stats {
	s.mu.Lock()
	st := Stats{Authentications: len(s.auths), Pending: s.pending, Enrollments: len(s.enrollments)}
	s.mu.Unlock()
	st.IdempotencyKeys = s.idem.size()
	return st
}

// Index lists what the sandbox serves, as GET / answers it.
func (s *Sandbox) Index() Index { return s.index() }
