package flows

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/wallet"
)

// Listener is the wallet backend's webhook endpoint: it takes the wallet
// platform's ThreeDSecureEvents through client/wallet's ReadEvent (which
// refuses any whose Signature does not verify), and hands each good one to
// the wallet flow once.
type Listener struct {
	key    []byte
	queue  *requests
	report func(client.Exchange, string)

	mu   sync.Mutex
	seen map[string]bool // event ids, so a redelivery is not shown twice

	// Set by Listen: the port it serves.
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// NewListener makes a listener that serves no port of its own: it is an
// http.Handler, for a server that mounts it or a sandbox in the same
// process that delivers to it. report is told of every delivery, accepted
// or refused; a session given a listener without one reports to its sink.
func NewListener(hmacKey []byte, report func(client.Exchange, string)) *Listener {
	return &Listener{key: hmacKey, queue: newRequests(64), report: report, seen: map[string]bool{}}
}

// Listen starts a listener on addr ("127.0.0.1:0" for any free port).
func Listen(addr string, hmacKey []byte, report func(client.Exchange, string)) (*Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := NewListener(hmacKey, report)
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

// URL is where the platform must send events ("" when the listener serves
// no port).
func (l *Listener) URL() string {
	if l.ln == nil {
		return ""
	}
	return "http://" + l.ln.Addr().String() + wallet.EventPath
}

// Take removes and returns the first verified event m matches, waiting
// for one until ctx ends. Events nobody takes stay queued, each for its
// own purchase.
func (l *Listener) Take(ctx context.Context, m Match) (wallet.Event, error) {
	return l.queue.take(ctx, m)
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
	ev, body, err := wallet.ReadEvent(r, l.key)
	// One delivery at a time: the report of a delivery always comes before
	// the wallet can see its event, so that transcripts have a stable order.
	l.mu.Lock()
	defer l.mu.Unlock()
	status, note, queue := l.accept(ev, err)
	answer, _ := json.Marshal(map[string]string{"result": note})
	w.Header().Set("Content-Type", "application/json")
	if l.report != nil {
		l.report(client.Exchange{
			Op: "webhook.ThreeDSecureEvent", Tag: FlowWallet + "/webhook", Attempt: 1, Started: started, Duration: time.Since(started),
			Request:  client.Request{Method: r.Method, URL: "http://" + r.Host + r.URL.RequestURI(), Header: client.Redact(r.Header), Body: body},
			Response: &client.Response{Status: status, Header: client.Redact(w.Header()), Body: answer},
		}, note)
	}
	if queue {
		l.seen[ev.ID] = true
		l.queue.push(ev) // room was checked in accept
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
	case ev.ID != "" && l.seen[ev.ID]:
		return http.StatusOK, "accepted again: event " + ev.ID + " was already delivered", false
	case l.queue.full():
		return http.StatusServiceUnavailable, "refused: the wallet's queue is full; the platform will retry", false
	}
	return http.StatusOK, "accepted: signature verified, 3DS request " + ev.Auth3dsID + " queued for the wallet", true
}
