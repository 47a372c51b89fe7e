package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// Target is where a session sends its requests: the embedded sandbox, or a
// profile's real endpoints with its credentials and ids.
type Target struct {
	Name    string // "sandbox" or the profile's name
	Sandbox bool   // start the embedded sandbox and use it for all three APIs
	// Extensions: the endpoints are a walletsim sandbox (embedded or
	// standalone), so its extensions work: purchase amounts, the
	// cardholder's inbox, looking up a wallet request by id.
	Extensions bool

	IssuingURL, ThreeDSURL, WalletURL string

	// Credentials (secrets: never shown, never written).
	APIKey, IssuingToken, ThreeDSKey, WalletToken string
	HMACKey                                       string

	// Ids the flows use by default.
	ProductID, ClientID                        string
	CardholderID, WalletID, CardID, CustomerID string
	WebhookListen                              string // address of the wallet's webhook listener
	// ReturnListen is where the merchant's return_url is served on a
	// target without extensions (default 127.0.0.1:0): the ACS sends the
	// cardholder's browser back there when a challenge is over.
	ReturnListen  string
	RequestExpiry time.Duration
}

// SandboxTarget is the built-in "sandbox" profile: the embedded sandbox,
// its test cardholder, and made-up credentials that it accepts.
func SandboxTarget() Target {
	return Target{
		Name: "sandbox", Sandbox: true, Extensions: true,
		APIKey: "sandbox-api-key", IssuingToken: "sandbox-token", ThreeDSKey: "sk_test_sandbox",
		WalletToken: "sandbox-wallet-token", HMACKey: "sandbox-hmac-key",
		ProductID: "PRODUCT-SANDBOX", CardholderID: sandbox.CardholderID, WalletID: sandbox.WalletID,
		CustomerID: sandbox.CustomerID, WebhookListen: "127.0.0.1:0", RequestExpiry: 5 * time.Minute,
	}
}

// Clock is the time a session runs on. The runner gives the embedded sandbox
// a virtual clock, so that waiting out an expiry takes no time.
type Clock interface {
	Now() time.Time
}

// Advancer is a Clock that a wait can move forward.
type Advancer interface {
	Clock
	Advance(time.Duration)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// ManualClock stands still until Advance moves it: the runner runs the
// sandbox on one, so that an expiry is reached instantly and every run sees
// the same times; tests use one to control time.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock starts a clock at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now is the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// ShiftClock is real time, moved forward on request: the TUI's test clock
// on the embedded sandbox, so that a person sees what happens when a
// request expires without waiting five minutes for it. The zero value is
// real time.
type ShiftClock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is real time plus how far the clock was moved.
func (c *ShiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *ShiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// SeededIDs makes UUID-shaped ids from a counter, the same every run:
// 00000000-0000-4000-8000-000000000001, …0002, …
func SeededIDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Add(1)) }
}

// Options tune a session.
type Options struct {
	Sink  Sink          // receives every event; nil discards them
	Clock Clock         // default: real time
	NewID func() string // ids (x-request-id, authentication ids); default UUIDs
	Rand  io.Reader     // the sandbox's one-time codes and CAVVs
	// Client settings: retries and timeout of every call.
	Retries int
	Timeout time.Duration
	// NoValidate sends invalid requests as they are (negative tests).
	NoValidate bool
	Logger     *slog.Logger
	Version    string
	// Sandbox tunes the embedded sandbox (the clock, ids and webhook are
	// set by the session).
	Sandbox sandbox.Config
}

// Session is one person's (or one scenario's) connection to a target: the
// API clients, the event stream, the wallet's webhook listener and, for the
// sandbox, the embedded sandbox itself.
type Session struct {
	Target Target
	opts   Options

	issuing *issuing.Client
	tds     *threeds.Client
	wallet  *wallet.Client
	acs     *acs.Client

	sandbox   *sandbox.Server
	listener  *Listener
	returns   *ReturnListener // nil on a walletsim sandbox
	overrides Overrides
	decisions decisions
	// transport is shared by the session's clients, so that Close can
	// close their idle connections.
	transport *http.Transport

	mu     sync.Mutex // guards closed
	closed bool
}

// Open connects to t: it starts the embedded sandbox when t.Sandbox, and the
// webhook listener when t has a listen address.
func Open(ctx context.Context, t Target, opts Options) (*Session, error) {
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.NewID == nil {
		opts.NewID = uuid.NewString
	}
	if opts.Sink == nil {
		opts.Sink = func(Event) {}
	}
	s := &Session{Target: t, opts: opts, transport: http.DefaultTransport.(*http.Transport).Clone()}
	// Keep a connection per concurrent call (the runner's --parallel, the
	// matrix's workers): with Go's default of 2 idle ones per host, the
	// rest are closed after each call and redialled, and calls queue
	// behind the dials — hundreds of milliseconds under load.
	s.transport.MaxIdleConnsPerHost = 64
	if t.WebhookListen != "" {
		l, err := Listen(t.WebhookListen, []byte(t.HMACKey), s.received)
		if err != nil {
			return nil, err
		}
		s.listener = l
	}
	if !t.Extensions || t.ReturnListen != "" {
		addr := t.ReturnListen
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		l, err := ListenReturns(addr, opts.Clock.Now, s.returned)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.returns = l
	}
	if t.Sandbox {
		cfg := opts.Sandbox
		cfg.Now, cfg.NewID, cfg.Rand = opts.Clock.Now, opts.NewID, opts.Rand
		if cfg.Expiry == 0 {
			cfg.Expiry = t.RequestExpiry
		}
		if s.listener != nil {
			cfg.WebhookURL, cfg.HMACKey = s.listener.URL(), []byte(t.HMACKey)
		}
		srv, err := sandbox.Start("127.0.0.1:0", cfg)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.sandbox = srv
		t.IssuingURL, t.ThreeDSURL, t.WalletURL = srv.URL, srv.URL, srv.URL
		s.Target = t
	}
	if t.IssuingURL == "" || t.ThreeDSURL == "" || t.WalletURL == "" {
		s.Close()
		return nil, errors.New("target " + t.Name + ": issuing, 3DS server and wallet platform URLs are all needed")
	}
	s.buildClients()
	return s, nil
}

// Overrides bend a session's requests for negative tests.
type Overrides struct {
	// Credentials: "" as configured, "none" sends none, "publishable"
	// gives the 3DS server a publishable key. Either implies NoValidate.
	Credentials string
	// NoValidate sends invalid requests as they are.
	NoValidate bool
	// Fault asks the sandbox to misbehave (x-walletsim-fault). It is sent
	// only to a walletsim sandbox (a target with Extensions).
	Fault string
	// Timeout bounds each attempt (default: the session's).
	Timeout time.Duration
}

// SetOverrides applies o to the calls that follow (until the next
// SetOverrides). Not for use while other calls are in flight.
func (s *Session) SetOverrides(o Overrides) {
	s.overrides = o
	s.buildClients()
}

func (s *Session) buildClients() {
	o := s.overrides
	var header http.Header
	if o.Fault != "" && s.Target.Extensions {
		header = http.Header{sandbox.FaultHeader: {o.Fault}}
	}
	timeout := s.opts.Timeout
	if o.Timeout != 0 {
		timeout = o.Timeout
	}
	cfg := func(base string) client.Config {
		return client.Config{
			BaseURL: base, Retries: s.opts.Retries, Timeout: timeout, Version: s.opts.Version,
			Observer: s.observe, Logger: s.opts.Logger, NewID: s.opts.NewID, Now: s.opts.Clock.Now,
			NoValidate: s.opts.NoValidate || o.NoValidate || o.Credentials != "", Header: header,
			Transport: s.transport,
		}
	}
	t := s.Target
	switch o.Credentials {
	case "none":
		t.APIKey, t.IssuingToken, t.ThreeDSKey, t.WalletToken = "", "", "", ""
	case "publishable":
		t.ThreeDSKey = "pk_test_walletsim"
	}
	s.issuing = issuing.New(cfg(t.IssuingURL), issuing.Credentials{
		APIKey: t.APIKey, ProductID: t.ProductID, ClientID: t.ClientID, Token: t.IssuingToken,
	})
	s.tds = threeds.New(cfg(t.ThreeDSURL), threeds.Credentials{SecretKey: t.ThreeDSKey})
	s.wallet = wallet.New(cfg(t.WalletURL), wallet.Credentials{Token: t.WalletToken})
	s.acs = acs.New(cfg(t.ThreeDSURL))
}

// Close stops the listener and the embedded sandbox.
func (s *Session) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	if s.sandbox != nil {
		s.sandbox.Close()
	}
	if s.listener != nil {
		s.listener.Close()
	}
	if s.returns != nil {
		s.returns.Close()
	}
	s.transport.CloseIdleConnections()
}

// SandboxURL is the embedded sandbox's address ("" on a real target).
func (s *Session) SandboxURL() string {
	if s.sandbox == nil {
		return ""
	}
	return s.sandbox.URL
}

// WebhookURL is where the wallet's listener takes events ("" without one).
func (s *Session) WebhookURL() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.URL()
}

// ReturnURL is the return_url walletsim serves ("" on a walletsim
// sandbox, where none is needed).
func (s *Session) ReturnURL() string {
	if s.returns == nil {
		return ""
	}
	return s.returns.URL()
}

// Now is the session's time.
func (s *Session) Now() time.Time { return s.opts.Clock.Now() }

// Wait lets d pass: instantly on a virtual clock, for real otherwise.
func (s *Session) Wait(ctx context.Context, d time.Duration) error {
	if a, ok := s.opts.Clock.(Advancer); ok {
		a.Advance(d)
		return ctx.Err()
	}
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// emit sends an event, stamped with the session's time.
func (s *Session) emit(e Event) {
	e.Time = s.opts.Clock.Now()
	s.opts.Sink(e)
}

// observe turns a client exchange into an event of the step that made it
// (the tag "flow/step" travels in the call's context).
func (s *Session) observe(ex client.Exchange) {
	flow, step, _ := strings.Cut(ex.Tag, "/")
	s.emit(Event{Flow: flow, Step: step, Kind: Exchanged, Exchange: &ex})
}

// returned reports the cardholder's browser coming back from the ACS.
func (s *Session) returned(ex client.Exchange, note string) {
	s.emit(Event{Flow: FlowPurchase, Step: "return", Kind: Received, Exchange: &ex, Note: note})
}

// received reports a webhook the listener accepted or refused.
func (s *Session) received(ex client.Exchange, note string) {
	s.emit(Event{Flow: FlowWallet, Step: "webhook", Kind: Received, Exchange: &ex, Note: note})
}

// step runs one step of a flow: it announces it, tags its calls, and reports
// its result.
func (s *Session) step(ctx context.Context, flow, name string, explain *Explanation, run func(context.Context) Result) Result {
	s.emit(Event{Flow: flow, Step: name, Kind: StepStarted, Explain: explain})
	r := run(client.WithTag(ctx, flow+"/"+name))
	s.emit(Event{Flow: flow, Step: name, Kind: Finished, Result: &r, Explain: outcomeExplanation(name, explain, r)})
	return r
}

// machine is a flow's state; a change is reported as an event.
type machine struct {
	s     *Session
	flow  string
	mu    sync.Mutex
	state string
}

// State is where the flow stands.
func (m *machine) State() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

func (m *machine) set(state string) {
	m.mu.Lock()
	changed := m.state != state
	m.state = state
	m.mu.Unlock()
	if changed {
		m.s.emit(Event{Flow: m.flow, Kind: StateChanged, State: state})
	}
}
