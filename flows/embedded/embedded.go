// Package embedded runs the embedded sandbox inside a session: the one
// place that starts client/sandbox and wires it to flows (the clients'
// transport, the wallet's webhook, the HMAC key, the clock, ids and
// randomness). Everything else — the TUI, the runner, the flows themselves —
// sees a flows.Session and test cards, never the server.
//
// The sandbox is served in memory: the clients reach it through an
// http.RoundTripper over its handler, and it delivers webhooks to the
// wallet's listener the same way, so a session opens no socket at all. A
// port is opened only when something outside the process needs one: a
// browser shown the challenge page (Session.Browsable).
package embedded

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
)

// The hosts the embedded sandbox and the wallet's webhook endpoint answer
// to. Nothing resolves them: the transports are in memory. They are what
// transcripts and the HTTP inspector show.
const (
	SandboxURL = "http://sandbox"
	WalletURL  = "http://wallet"
)

// webhookBackoff is how long the sandbox waits before redelivering a
// webhook the wallet refused (its queue was full): in memory there is no
// network to wait for, only the wallet's queue to drain.
const webhookBackoff = 20 * time.Millisecond

// Open opens a session on t. For the embedded sandbox (t.Sandbox) it starts
// one in this process on opts' clock, ids and randomness, serves it to the
// session in memory, and closes it with the session; any other target is
// opened as flows.Open does.
func Open(ctx context.Context, t flows.Target, opts flows.Options) (*flows.Session, error) {
	if !t.Sandbox {
		return flows.Open(ctx, t, opts)
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real
	}
	listener, err := flows.NewListener(t.ListenerConfig(opts.Clock, nil))
	if err != nil {
		return nil, err
	}
	sb := sandbox.New(sandbox.Config{
		Clock: opts.Clock, NewID: opts.NewID, Rand: opts.Rand, Expiry: t.RequestExpiry,
		WebhookURL: WalletURL + wallet.EventPath, HMACKey: []byte(t.HMACKey),
		WebhookTransport: sandbox.HandlerTransport(listener), WebhookBackoff: webhookBackoff,
	})
	sb.SetBaseURL(SandboxURL)
	port := &exposed{sb: sb}
	t.IssuingURL, t.ThreeDSURL, t.WalletURL = SandboxURL, SandboxURL, SandboxURL
	t.WebhookListen = ""
	opts.Transport, opts.Listener = sb.Transport(), listener
	opts.Browsable = port.browsable
	opts.OnClose = func() {
		port.close()
		sb.Close()
	}
	sess, err := flows.Open(ctx, t, opts)
	if err != nil {
		opts.OnClose()
		return nil, err
	}
	return sess, nil
}

// exposed serves the embedded sandbox on a loopback port, opened the first
// time a browser needs it.
type exposed struct {
	sb   *sandbox.Sandbox
	once sync.Once
	url  string
	srv  *http.Server
	err  error
}

// browsable rewrites a URL of the in-memory sandbox to the loopback port.
func (e *exposed) browsable(url string) (string, error) {
	rest, ok := strings.CutPrefix(url, SandboxURL)
	if !ok {
		return url, nil
	}
	e.once.Do(e.open)
	if e.err != nil {
		return "", e.err
	}
	return e.url + rest, nil
}

func (e *exposed) open() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.err = err
		return
	}
	e.url = "http://" + ln.Addr().String()
	e.srv = e.sb.HTTPServer()
	go e.srv.Serve(ln)
}

func (e *exposed) close() {
	e.once.Do(func() {}) // no port after this
	if e.srv != nil {
		e.srv.Close()
	}
}
