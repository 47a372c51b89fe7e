package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/wallet"
)

// Listener is the wallet backend's webhook endpoint: it takes the wallet
// platform's ThreeDSecureEvents through client/wallet's ReadEvent (which
// refuses any whose Signature does not verify, or whose timestamp is out of
// the window), and hands each good one to the wallet flow once.
type Listener struct {
	cfg   ListenerConfig
	queue *requests

	mu   sync.Mutex
	seen map[string]time.Time // event ids acted on, with when they arrived

	// Set by Listen: the port it serves.
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// ListenerConfig configures a Listener.
type ListenerConfig struct {
	// HMACKey verifies the events' signatures; it must not be empty.
	HMACKey []byte
	// Tolerance is how far an event's timestamp may be from Clock's time
	// (default wallet.DefaultTolerance).
	Tolerance time.Duration
	// Clock is the listener's time (default real time): the session's, so
	// that a virtual clock judges the sandbox's timestamps.
	Clock Clock
	// Report is told of every delivery, accepted or refused; a session
	// given a listener without one reports to its sink.
	Report func(client.Exchange, string)
	// Shared: the listener serves several sessions (scenarios run in
	// parallel on one webhook_listen address). An accepted delivery is then
	// reported by the session whose purchase takes the event, so that each
	// transcript has its own; Report gets the refused ones.
	Shared bool
}

// ErrNoHMACKey means a listener was asked for without a key to verify
// events with: it would accept forgeries, so it does not start.
var ErrNoHMACKey = errors.New("the webhook listener needs an HMAC key: without one it cannot tell the platform's events from forgeries")

// NewListener makes a listener that serves no port of its own: it is an
// http.Handler, for a server that mounts it or a sandbox in the same
// process that delivers to it.
func NewListener(cfg ListenerConfig) (*Listener, error) {
	if len(cfg.HMACKey) == 0 {
		return nil, ErrNoHMACKey
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = wallet.DefaultTolerance
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real
	}
	return &Listener{cfg: cfg, queue: newRequests(64), seen: map[string]time.Time{}}, nil
}

// Listen starts a listener on addr ("127.0.0.1:0" for any free port).
func Listen(addr string, cfg ListenerConfig) (*Listener, error) {
	l, err := NewListener(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l.ln, l.done = ln, make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle(wallet.EventPath, l)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	go func() {
		defer close(l.done)
		l.srv.Serve(ln)
	}()
	return l, nil
}

// ListenWarning is what to tell the user about a webhook_listen address
// that takes connections from beyond this machine ("" for a loopback
// one), as `walletsim sandbox` warns about its own.
func ListenWarning(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("the wallet's webhook listener (webhook_listen %s) takes connections from beyond this machine: "+
		"only events signed with the HMAC key are acted on, but anyone who can reach it can try", addr)
}

// URL is where the platform must send events ("" when the listener serves
// no port).
func (l *Listener) URL() string {
	if l.ln == nil {
		return ""
	}
	return "http://" + l.ln.Addr().String() + wallet.EventPath
}

// routeParam is the query parameter of a shared listener's URL that
// names the workspace whose webhook it is: the listener notes it with
// each event, and a Match for that workspace takes only its events.
const routeParam = "ws"

// routedURL is a listener's URL for workspace ws's webhook.
func routedURL(listenerURL, ws string) string {
	return listenerURL + "?" + url.Values{routeParam: {ws}}.Encode()
}

// Take removes and returns the first verified event m matches, waiting
// for one until ctx ends. Events nobody takes stay queued, each for its
// own purchase.
func (l *Listener) Take(ctx context.Context, m Match) (wallet.Event, error) {
	r, err := l.queue.take(ctx, m)
	return r.ev, err
}

// Mark is the number of events queued so far: a Match with After set to it
// leaves out every event received before.
func (l *Listener) Mark() uint64 { return l.queue.mark() }

// Close stops the listener's port, if it has one.
func (l *Listener) Close() {
	if l.srv == nil {
		return
	}
	l.srv.Close()
	<-l.done
}

// ServeHTTP takes one delivery.
func (l *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	ev, body, err := wallet.ReadEventWithOptions(r, l.cfg.HMACKey, wallet.EventOptions{Tolerance: l.cfg.Tolerance, Now: l.cfg.Clock.Now})
	// One delivery at a time: the report of a delivery always comes before
	// the wallet can see its event, so that transcripts have a stable order.
	l.mu.Lock()
	defer l.mu.Unlock()
	status, note, queue := l.accept(ev, err)
	answer, _ := json.Marshal(map[string]string{"result": note})
	w.Header().Set("Content-Type", "application/json")
	ex := client.Exchange{
		Op: "webhook.ThreeDSecureEvent", Tag: FlowWallet + "/webhook", Attempt: 1, Started: started, Duration: time.Since(started),
		Request:  client.Request{Method: r.Method, URL: client.RedactURL("http://" + r.Host + r.URL.RequestURI()), Header: client.Redact(r.Header), Body: body},
		Response: &client.Response{Status: status, Header: client.Redact(w.Header()), Body: answer},
	}
	switch {
	case queue && l.cfg.Shared:
		// Reported by whoever takes it (see ListenerConfig.Shared).
	case l.cfg.Report != nil:
		l.cfg.Report(ex, note)
	}
	if queue {
		l.remember(ev.ID)
		route := r.URL.Query().Get(routeParam)
		l.queue.push(queuedRequest{ev: ev, route: route, exchange: ex, note: note}) // room was checked in accept
	}
	w.WriteHeader(status)
	w.Write(answer)
}

// accept decides on one delivery that ReadEvent checked: the status to
// answer, what happened in words, and whether to queue the event. The
// caller holds l.mu.
func (l *Listener) accept(ev wallet.Event, err error) (int, string, bool) {
	var refused *wallet.EventError
	switch {
	case errors.As(err, &refused):
		return refused.Status, "refused: " + refused.Error(), false
	case err != nil:
		return http.StatusBadRequest, "refused: " + err.Error(), false
	case l.wasSeen(ev.ID):
		// Acknowledged, so that the platform stops redelivering, and not
		// acted on again: the wallet already has it.
		return http.StatusOK, "accepted again: event " + ev.ID + " was already delivered; not acted on twice", false
	case l.queue.full():
		return http.StatusServiceUnavailable, "refused: the wallet's queue is full; the platform will retry", false
	}
	note := "accepted: signature verified, 3DS request " + ev.Auth3dsID + " queued for the wallet"
	if ev.Timestamp.IsZero() {
		note += " (its timestamp could not be read, so its age was not checked)"
	}
	return http.StatusOK, note, true
}

// wasSeen reports whether event id was already acted on. The caller holds
// l.mu.
func (l *Listener) wasSeen(id string) bool {
	_, ok := l.seen[id]
	return id != "" && ok
}

// remember records that event id was acted on, and forgets the ids older
// than twice the tolerance: a redelivery of one of those carries a
// timestamp the window refuses anyway (the signature binds it to the
// body), so memory stays bounded by the event rate. The caller holds
// l.mu.
func (l *Listener) remember(id string) {
	now := l.cfg.Clock.Now()
	for old, at := range l.seen {
		if now.Sub(at) > 2*l.cfg.Tolerance {
			delete(l.seen, old)
		}
	}
	l.seen[id] = now
}
