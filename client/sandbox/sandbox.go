// Package sandbox is the other side of walletsim's three APIs, next to the
// clients it answers as net/http/httptest sits next to net/http: the
// issuer's 3DS enrollment (seed 000), the merchant's 3DS server with the
// issuer's ACS behind it (seed 004), and the wallet platform that asks the
// cardholder's wallet to approve decoupled authentications (seed 002). It
// keeps state, decides outcomes as an ACS would, answers in the seeds'
// shapes and messages, and can inject faults for QA.
//
// It serves in memory (Transport) or on a port (Start). Where the seeds are
// silent it extends them (reading a final result, the challenge page, the
// cardholder's inbox, …); the README lists every extension. What other
// packages need without a server lives in its leaf packages: testcards
// (the cards, the sandbox cardholder, amounts) and fault (the fault spec).
package sandbox

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/walletsim/walletsim/client/sandbox/budget"
	"github.com/walletsim/walletsim/client/sandbox/store"
)

// Sandbox is the simulated issuer, 3DS server + ACS and wallet platform.
// Its state is in workspaces (see space), kept in cfg.Store.
type Sandbox struct {
	cfg     Config
	store   store.Store
	handler http.Handler
	// db keeps the authentications when the store can (a SQL one), so a
	// restart or another replica finds them (shared.go); nil with the
	// memory store, whose authentications live in each space.
	db store.Auths

	mu         sync.RWMutex // guards everything below
	baseURL    string
	spaces     map[string]*space // the workspaces this process has served, by id
	challenges map[string]*space // challenge pages' workspaces, by acsTransID

	stored *budget.Budget // what every workspace keeps, in bytes (accounting.go)
	// made holds the ids of the workspaces this process made, whose
	// workspaceCost it counts in stored until they are deleted or expire.
	made sync.Map

	usage   usage        // when each workspace was last used (expiry.go)
	expired atomic.Int64 // workspaces removed for being unused

	// relayOut is the outbox webhooks go through (relay.go), nil on a
	// virtual clock, where each is delivered before the answer of the
	// request that made it (webhook.go); wake hurries its relay.
	relayOut store.Outbox
	wake     chan struct{}

	ctx    context.Context // cancelled by Close: stops webhooks and hung requests
	cancel context.CancelFunc
	// detached is ctx without its cancellation, made once: the context of
	// store calls, which must finish whole (see space.bg).
	detached context.Context
	wg       sync.WaitGroup
}

// New builds a Sandbox. Use Handler to serve it, or Start to listen.
func New(cfg Config) *Sandbox {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sandbox{
		cfg:        cfg,
		store:      cfg.Store,
		spaces:     map[string]*space{},
		challenges: map[string]*space{},
		stored:     budget.New(cfg.MaxStoredBytes).Named(budgetSandbox),
		ctx:        ctx,
		cancel:     cancel,
		detached:   context.WithoutCancel(ctx),
	}
	s.db, _ = cfg.Store.(store.Auths)
	s.ensureDefault()
	s.loadUsage()
	s.startRelay()
	s.handler = s.routes()
	return s
}

// ensureDefault creates the default workspace, where requests with
// credentials of no workspace go, with the configured webhook.
func (s *Sandbox) ensureDefault() {
	c := context.Background()
	err := s.store.CreateWorkspace(c, store.Workspace{ID: store.DefaultWorkspace, Created: s.cfg.Clock.Now()})
	if err == nil && s.cfg.WebhookURL != "" {
		s.store.SetWebhook(c, store.DefaultWorkspace, store.Webhook{URL: s.cfg.WebhookURL, Key: s.cfg.HMACKey})
	}
}

// defaultSpace is the default workspace.
func (s *Sandbox) defaultSpace() *space {
	sp, err := s.space(context.Background(), store.DefaultWorkspace)
	if err != nil { // only a failing store: make it again
		s.ensureDefault()
		sp, _ = s.spaceFor(store.Workspace{ID: store.DefaultWorkspace})
	}
	return sp
}

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
	s.mu.RLock()
	defer s.mu.RUnlock()
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
	URL   string
	http  *http.Server
	ln    net.Listener
	conns *connCap
	done  chan struct{}
}

// Start listens on addr ("127.0.0.1:0" picks a free loopback port) and
// serves the sandbox in the background. Its base URL (in challenge_url) is
// cfg.PublicURL, or the address it listens on.
func Start(addr string, cfg Config) (*Server, error) {
	if err := cfg.checkOutbox(); err != nil {
		return nil, &ConfigError{Field: "Store", Err: err}
	}
	// No TCP keep-alive probes: the server's idle, read and write timeouts
	// already bound every connection's life, and setting them up costs
	// three system calls per accept, in the loop a new client waits behind
	// when slow clients flood it.
	ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, err
	}
	sb := New(cfg)
	srv := &Server{
		Sandbox: sb,
		URL:     "http://" + reachable(ln.Addr()),
		ln:      ln,
		done:    make(chan struct{}),
		http:    sb.HTTPServer(),
		conns:   newConnCap(sb.cfg.MaxConns),
	}
	srv.http.Handler = srv.conns.handled(srv.http.Handler)
	srv.http.ConnState = srv.conns.connState
	srv.http.ConnContext = srv.conns.connContext
	sb.SetBaseURL(srv.URL)
	if cfg.PublicURL != "" {
		sb.SetBaseURL(cfg.PublicURL)
	}
	go func() {
		defer close(srv.done)
		srv.http.Serve(srv.conns.listener(ln))
	}()
	return srv, nil
}

// HTTPServer is an http.Server for the sandbox's handler with the limits a
// server facing other people needs, from the Config: how long a client may
// take to send a request and to read its answer, how long an idle
// connection is kept, how large a request's headers may be (twice
// MaxHeaderBytes: up to that the sandbox answers in the API's shape). A latency
// fault moves its request's write deadline by its delay. Start adds the
// connection cap (MaxConns).
func (s *Sandbox) HTTPServer() *http.Server {
	return &http.Server{Handler: s.handler, ReadHeaderTimeout: s.cfg.ReadHeaderTimeout, ReadTimeout: s.cfg.ReadTimeout,
		WriteTimeout: s.cfg.WriteTimeout, IdleTimeout: s.cfg.IdleTimeout, MaxHeaderBytes: serverHeaderBytes(s.cfg.MaxHeaderBytes)}
}

// Conns reports what the connection cap did.
func (s *Server) Conns() ConnStats { return s.conns.stats() }

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
	Authentications  int // readable authentications, pending or finished
	Pending          int // waiting for a challenge code or the wallet
	Enrollments      int
	IdempotencyKeys  int
	IdempotencyBytes int64 // as the store counts them against its budgets
	StoredBytes      int64 // counted against Config.MaxStoredBytes
	// ExpiredWorkspaces counts the workspaces removed for going unused for
	// Config.WorkspaceIdle.
	ExpiredWorkspaces int64
}

// Stats reports what the sandbox holds now, over every workspace.
func (s *Sandbox) Stats() Stats {
	s.mu.Lock()
	spaces := make([]*space, 0, len(s.spaces))
	for _, sp := range s.spaces {
		spaces = append(spaces, sp)
	}
	s.mu.Unlock()
	var st Stats
	for _, sp := range spaces {
		if s.db != nil {
			total, unfinished, _ := s.db.AuthCounts(context.Background(), sp.id)
			st.Authentications += total
			st.Pending += unfinished
		} else {
			sp.mu.Lock()
			st.Authentications += len(sp.auths)
			st.Pending += sp.pending
			sp.mu.Unlock()
		}
		n, _ := s.store.Enrollments(context.Background(), sp.id)
		keys, bytes, _ := s.store.IdempotencyUsage(context.Background(), sp.id)
		st.Enrollments += n
		st.IdempotencyKeys += keys
		st.IdempotencyBytes += bytes
	}
	st.StoredBytes = s.stored.Used()
	st.ExpiredWorkspaces = s.expired.Load()
	return st
}

// Index lists what the sandbox serves, as GET / answers it.
func (s *Sandbox) Index() Index { return s.index() }
