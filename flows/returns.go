package flows

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client"
)

// ReturnPath is where the return listener takes the cardholder's browser.
const ReturnPath = "/3ds/return"

// Return is the cardholder's browser coming back from the ACS once a
// challenge is over: what seed 004 gives the merchant after a challenge
// (its return_url, which the ACS adds the authentication's id to).
type Return struct {
	ID     string     // the authentication's id
	Params url.Values // everything the ACS added, as sent (some add status, message)
	At     time.Time
}

// ReturnListener serves the merchant's return_url on a profile without
// sandbox extensions: the cardholder completes the challenge in their own
// browser, and the ACS sends the browser back here. It listens on loopback
// by default, which a browser on the same machine reaches.
type ReturnListener struct {
	srv    *http.Server
	ln     net.Listener
	report func(client.Exchange, string)
	now    func() time.Time
	done   chan struct{}

	mu      sync.Mutex
	arrived map[string]Return
	waiting map[string]chan struct{} // closed when the id arrives
}

// ListenReturns starts a return listener on addr ("127.0.0.1:0" for any
// free port); report is told of every visit.
func ListenReturns(addr string, now func() time.Time, report func(client.Exchange, string)) (*ReturnListener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &ReturnListener{ln: ln, report: report, now: now, done: make(chan struct{}),
		arrived: map[string]Return{}, waiting: map[string]chan struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc(ReturnPath, l.handle)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	go func() {
		defer close(l.done)
		l.srv.Serve(ln)
	}()
	return l, nil
}

// URL is the return_url to send with an authentication.
func (l *ReturnListener) URL() string { return "http://" + l.ln.Addr().String() + ReturnPath }

// Close stops the listener, letting a browser's visit in progress end.
func (l *ReturnListener) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if l.srv.Shutdown(ctx) != nil {
		l.srv.Close()
	}
	<-l.done
}

// Wait returns when the browser has come back for authentication id.
func (l *ReturnListener) Wait(ctx context.Context, id string) (Return, error) {
	l.mu.Lock()
	ch, ok := l.waiting[id]
	if !ok {
		ch = make(chan struct{})
		l.waiting[id] = ch
	}
	l.mu.Unlock()
	select {
	case <-ch:
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.arrived[id], nil
	case <-ctx.Done():
		return Return{}, ctx.Err()
	}
}

// maxReturns bounds what is remembered: a loopback page only this
// session's purchases point at, but any local program could call it.
const maxReturns = 1024

func (l *ReturnListener) handle(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var body []byte
	if r.Method == http.MethodPost {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
	}
	status, note := http.StatusOK, ""
	params := url.Values{}
	switch err := r.ParseForm(); {
	case r.Method != http.MethodGet && r.Method != http.MethodPost:
		status, note = http.StatusMethodNotAllowed, "refused: method "+r.Method
	case err != nil:
		status, note = http.StatusBadRequest, "refused: "+err.Error()
	default:
		params = r.Form
	}
	id := params.Get("id")
	if status == http.StatusOK && id == "" {
		status, note = http.StatusBadRequest, "refused: the ACS sent the cardholder back without an authentication id"
	}
	if status == http.StatusOK {
		note = "the ACS sent the cardholder back for authentication " + id
	}
	// The browser gets its whole page before the flow hears of it: the
	// flow may end its session, and this listener, at once.
	var out bytes.Buffer
	page().Execute(&out, map[string]any{"OK": status == http.StatusOK, "ID": id, "Note": note})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	w.WriteHeader(status)
	w.Write(out.Bytes())
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	l.report(client.Exchange{
		Op: "return.Browser", Tag: FlowPurchase + "/return", Attempt: 1, Started: started, Duration: time.Since(started),
		Request:  client.Request{Method: r.Method, URL: "http://" + r.Host + r.URL.RequestURI(), Header: client.Redact(r.Header), Body: body},
		Response: &client.Response{Status: status, Header: client.Redact(w.Header())},
	}, note)
	if status == http.StatusOK {
		l.arrive(Return{ID: id, Params: params, At: l.now()})
	}
}

func (l *ReturnListener) arrive(ret Return) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, again := l.arrived[ret.ID]; again {
		return // a reload: the first visit stands
	}
	if len(l.arrived) >= maxReturns {
		for id := range l.arrived { // forget one; none is waited on long
			delete(l.arrived, id)
			delete(l.waiting, id)
			break
		}
	}
	l.arrived[ret.ID] = ret
	ch, ok := l.waiting[ret.ID]
	if !ok {
		ch = make(chan struct{})
		l.waiting[ret.ID] = ch
	}
	close(ch)
}

// page is parsed when a browser first comes back, not while every binary
// that links flows starts (walletsim --version among them).
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("return").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>walletsim</title></head><body style="font-family:system-ui,sans-serif;margin:2rem">
{{if .OK}}<h1>Challenge over</h1><p>walletsim saw you come back for authentication <code>{{.ID}}</code>.
You can close this window and return to walletsim.</p>{{else}}<h1>walletsim</h1><p>{{.Note}}</p>{{end}}
</body></html>`))
})
