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
	"time"

	"github.com/google/uuid"
	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows/course"
)

// Options tune a session.
type Options struct {
	Sink  Sink          // receives every event; nil discards them
	Clock Clock         // default: real time
	NewID func() string // ids (x-request-id, authentication ids); default UUIDs
	Rand  io.Reader     // an embedded sandbox's one-time codes and CAVVs
	// Client settings: retries and timeout of every call.
	Retries int
	Timeout time.Duration
	// NoValidate sends invalid requests as they are (negative tests).
	NoValidate bool
	Logger     *slog.Logger
	Version    string
	// Journal, when set, is fed with what the flows do, for the course
	// to grade (see learn.go).
	Journal *course.Journal
	// Messages reads an authentication's EMV messages. When nil, Open
	// gives a walletsim target (Target.Extensions: the embedded sandbox,
	// a standalone one) the 3DS server's GET /v1/3ds/{id}/messages (see
	// Session.UseThreeDSMessages); on any other target none can be read,
	// and PurchaseFlow.Messages says so.
	Messages MessageReader

	// Transport carries the clients' requests (default: the session's own
	// connections, closed with it). flows/embedded gives one that serves
	// the embedded sandbox in memory.
	Transport http.RoundTripper
	// Listener, when set, is the wallet's webhook endpoint instead of one
	// listening on Target.WebhookListen.
	Listener *Listener
	// Browsable, when set, turns a URL of the target into one a browser
	// outside this process can open (see Session.Browsable).
	Browsable func(url string) (string, error)
	// OnClose runs when the session closes, after its own resources.
	OnClose func()
}

// Session is one person's (or one scenario's) connection to a target: the
// API clients, the event stream and the wallet's webhook listener.
type Session struct {
	Target Target
	opts   Options

	issuing *issuing.Client
	tds     *threeds.Client
	wallet  *wallet.Client
	acs     *acs.Client

	listener  *Listener
	ownListen bool // the session started the listener, and stops it
	// route is the workspace whose events this session's wallet takes from
	// a shared listener ("" for any): see routedURL.
	route     string
	returns   *ReturnListener // nil on a walletsim sandbox
	overrides Overrides
	decisions decisions
	learn     *learner
	// ownTransport is the clients' transport when the session made it, so
	// that Close can close its idle connections.
	ownTransport *http.Transport
	// ownWorkspace: the session made Target.Workspace, and deletes it.
	ownWorkspace bool

	mu     sync.Mutex // guards closed
	closed bool
}

// ErrNoURLs means a target lacks an API's address.
var ErrNoURLs = errors.New("issuing, 3DS server and wallet platform URLs are all needed")

// Open connects to t's URLs, and starts the webhook listener when t has a
// listen address (or uses opts.Listener). The embedded sandbox has no URLs
// until flows/embedded starts it: open it with embedded.Open.
func Open(ctx context.Context, t Target, opts Options) (*Session, error) {
	if opts.Clock == nil {
		opts.Clock = clock.Real
	}
	if opts.NewID == nil {
		opts.NewID = uuid.NewString
	}
	if opts.Sink == nil {
		opts.Sink = func(Event) {}
	}
	if t.IssuingURL == "" || t.ThreeDSURL == "" || t.WalletURL == "" {
		return nil, fmt.Errorf("target %s: %w", t.Name, ErrNoURLs)
	}
	if opts.Listener == nil {
		if err := t.CheckWebhook(); err != nil {
			return nil, err
		}
	}
	s := &Session{Target: t, opts: opts, learn: &learner{j: opts.Journal}}
	if opts.Transport == nil {
		s.ownTransport = http.DefaultTransport.(*http.Transport).Clone()
		// Keep a connection per concurrent call (the runner's --parallel,
		// the matrix's workers): with Go's default of 2 idle ones per
		// host, the rest are closed after each call and redialled, and
		// calls queue behind the dials — hundreds of milliseconds under
		// load.
		s.ownTransport.MaxIdleConnsPerHost = 64
		s.opts.Transport = s.ownTransport
	}
	if ownsWorkspace(t) {
		var err error
		if t, err = createWorkspace(ctx, t, s.opts.Transport); err != nil {
			s.Close()
			return nil, err
		}
		s.Target, s.ownWorkspace = t, true
		if t.WebhookListen == "" {
			t.WebhookListen = "127.0.0.1:0" // the workspace's webhooks need somewhere to go
		}
	}
	switch {
	case opts.Listener != nil:
		s.listener = opts.Listener
		s.listener.mu.Lock()
		if s.listener.cfg.Report == nil && !s.listener.cfg.Shared {
			s.listener.cfg.Report = s.received
		}
		s.listener.mu.Unlock()
	case t.WebhookListen != "":
		l, err := Listen(t.WebhookListen, t.ListenerConfig(opts.Clock, s.received))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("webhook_listen %s: %w", t.WebhookListen, err)
		}
		s.listener, s.ownListen = l, true
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
	if t.Workspace != "" && s.listener != nil && s.listener.URL() != "" {
		point, hook := t, s.listener.URL()
		if !s.ownListen {
			// A listener shared with other sessions (--parallel) checks its
			// own key: the workspace must sign its events with that one.
			// It hears every session's workspace, and two purchases of the
			// same amount on the same card cannot be told apart by their
			// events: the URL names the workspace, so that each session
			// takes its own.
			point.HMACKey = string(s.listener.cfg.HMACKey)
			s.route, hook = t.Workspace, routedURL(hook, t.Workspace)
		}
		if err := pointWebhook(ctx, point, s.opts.Transport, hook); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.buildClients()
	// The TUI's message view and the course's exercises on messages need
	// them; only a walletsim target can serve them.
	s.UseThreeDSMessages()
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
		header = http.Header{fault.Header: {o.Fault}}
	}
	timeout := s.opts.Timeout
	if o.Timeout != 0 {
		timeout = o.Timeout
	}
	cfg := func(base string) client.Config {
		return client.Config{
			BaseURL: base, Retries: s.opts.Retries, Timeout: timeout, Version: s.opts.Version,
			Observer: s.observe, Logger: s.opts.Logger, NewID: s.opts.NewID, Clock: s.opts.Clock,
			NoValidate: s.opts.NoValidate || o.NoValidate || o.Credentials != "", Header: header,
			Transport: s.opts.Transport,
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
	acfg := cfg(t.ThreeDSURL)
	if t.Workspace != "" && t.ThreeDSKey != "" {
		// The inbox is the workspace's: read it with the workspace's key.
		acfg.Header = acfg.Header.Clone()
		if acfg.Header == nil {
			acfg.Header = http.Header{}
		}
		acfg.Header.Set("Authorization", basicAuth(t.ThreeDSKey))
	}
	s.acs = acs.New(acfg)
}

// basicAuth is an Authorization header value with user and no password.
func basicAuth(user string) string {
	r := http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, "")
	return r.Header.Get("Authorization")
}

// Close stops the listener it started (not one given in Options) and
// whatever the session was opened with (OnClose: the embedded sandbox).
func (s *Session) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	if s.ownListen {
		s.listener.Close()
	}
	if s.ownWorkspace {
		// A shared sandbox keeps nothing of a finished session.
		deleteWorkspace(context.Background(), s.Target, s.opts.Transport)
	}
	if s.returns != nil {
		s.returns.Close()
	}
	if s.ownTransport != nil {
		s.ownTransport.CloseIdleConnections()
	}
	if s.opts.OnClose != nil {
		s.opts.OnClose()
	}
}

// Transport is what the session's clients send their requests through:
// for a tool or a test that talks to the same target as they do (on the
// embedded sandbox, nothing else reaches it).
func (s *Session) Transport() http.RoundTripper { return s.opts.Transport }

// Browsable is url as a browser outside this process can open it: the same
// URL for a real target; for the embedded sandbox, served in memory, the
// sandbox opens a loopback port the first time and url is rewritten to it.
func (s *Session) Browsable(url string) (string, error) {
	if s.opts.Browsable == nil {
		return url, nil
	}
	return s.opts.Browsable(url)
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

// Wait lets d pass: instantly on a virtual clock, or by moving the
// workspace's clock on a standalone sandbox, for real otherwise.
func (s *Session) Wait(ctx context.Context, d time.Duration) error {
	if a, ok := s.opts.Clock.(Advancer); ok {
		a.Advance(d)
		return ctx.Err()
	}
	if s.Target.Workspace != "" && d > 0 {
		return advanceWorkspace(ctx, s.Target, s.opts.Transport, d)
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
