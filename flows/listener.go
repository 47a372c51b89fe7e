package flows

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/wallet"
)

// Listener is the wallet backend's webhook endpoint: it receives the wallet
// platform's ThreeDSecureEvents, refuses any whose Signature does not verify,
// and hands the good ones to the wallet flow.
type Listener struct {
	key    []byte
	srv    *http.Server
	ln     net.Listener
	queue  *requests
	report func(client.Exchange, string)

	mu   sync.Mutex
	seen map[string]bool // event ids, so a redelivery is not shown twice
	done chan struct{}
}

// Listen starts a listener on addr ("127.0.0.1:0" for any free port).
// report is told of every delivery, accepted or refused.
func Listen(addr string, hmacKey []byte, report func(client.Exchange, string)) (*Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &Listener{key: hmacKey, ln: ln, queue: newRequests(64), report: report,
		seen: map[string]bool{}, done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc(wallet.EventPath, l.handle)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(l.done)
		l.srv.Serve(ln)
	}()
	return l, nil
}

// URL is where the platform must send events.
func (l *Listener) URL() string { return "http://" + l.ln.Addr().String() + wallet.EventPath }

// Take removes and returns the first verified event m matches, waiting
// for one until ctx ends. Events nobody takes stay queued, each for its
// own purchase.
func (l *Listener) Take(ctx context.Context, m Match) (wallet.Event, error) {
	return l.queue.take(ctx, m)
}

// Mark is the number of events queued so far: a Match with After set to it
// leaves out every event received before.
func (l *Listener) Mark() uint64 { return l.queue.mark() }

// Close stops the listener.
func (l *Listener) Close() {
	l.srv.Close()
	<-l.done
}

func (l *Listener) handle(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	// One delivery at a time: the report of a delivery always comes before
	// the wallet can see its event, so that transcripts have a stable order.
	l.mu.Lock()
	defer l.mu.Unlock()
	status, note, ev := l.accept(r, body, err)
	answer, _ := json.Marshal(map[string]string{"result": note})
	w.Header().Set("Content-Type", "application/json")
	l.report(client.Exchange{
		Op: "webhook.ThreeDSecureEvent", Tag: FlowWallet + "/webhook", Attempt: 1, Started: started, Duration: time.Since(started),
		Request:  client.Request{Method: r.Method, URL: "http://" + r.Host + r.URL.RequestURI(), Header: client.Redact(r.Header), Body: body},
		Response: &client.Response{Status: status, Header: client.Redact(w.Header()), Body: answer},
	}, note)
	if ev != nil {
		l.seen[ev.ID] = true
		l.queue.push(*ev) // room was checked in accept
	}
	w.WriteHeader(status)
	w.Write(answer)
}

// accept checks one delivery; it returns the status to answer, what
// happened in words, and the event to queue. The caller holds l.mu.
func (l *Listener) accept(r *http.Request, body []byte, readErr error) (int, string, *wallet.Event) {
	switch {
	case r.Method != http.MethodPost:
		return http.StatusMethodNotAllowed, "refused: method " + r.Method, nil
	case readErr != nil:
		return http.StatusBadRequest, "refused: " + readErr.Error(), nil
	case !wallet.VerifySignature(l.key, body, r.Header.Get(wallet.SignatureHeader)):
		return http.StatusUnauthorized, "refused: the Signature header does not match the body (wrong HMAC key, or tampered)", nil
	}
	ev, err := wallet.DecodeEvent(body)
	if err != nil {
		return http.StatusBadRequest, "refused: not a ThreeDSecureEvent the wallet can answer: " + err.Error(), nil
	}
	switch {
	case ev.ID != "" && l.seen[ev.ID]:
		return http.StatusOK, "accepted again: event " + ev.ID + " was already delivered", nil
	case l.queue.full():
		return http.StatusServiceUnavailable, "refused: the wallet's queue is full; the platform will retry", nil
	}
	return http.StatusOK, "accepted: signature verified, 3DS request " + ev.Auth3dsID + " queued for the wallet", &ev
}
