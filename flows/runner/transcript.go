package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/embedded"
)

// transcript writes every exchange of a run as JSON lines, secrets
// redacted, grouped by scenario in the order the scenarios were given, so
// that two runs of the same scenarios on the sandbox give the same file
// (no timings, the sandbox's port replaced) and can be diffed.
type transcript struct {
	w    io.Writer
	mu   sync.Mutex
	logs map[int]*scenarioLog
}

// Line is one exchange in a transcript.
type Line struct {
	Scenario string   `json:"scenario"`
	Step     int      `json:"step"`
	Action   string   `json:"action"`
	Kind     string   `json:"kind"` // "exchange", or "received" for a webhook the wallet got
	Op       string   `json:"op"`
	Attempt  int      `json:"attempt,omitempty"`
	Request  message  `json:"request"`
	Response *message `json:"response,omitempty"`
	Error    string   `json:"error,omitempty"`
}

type message struct {
	Method string            `json:"method,omitempty"`
	URL    string            `json:"url,omitempty"`
	Status int               `json:"status,omitempty"`
	Header map[string]string `json:"headers,omitempty"`
	Body   json.RawMessage   `json:"body,omitempty"`
}

func (t *transcript) scenario(index int, name string) *scenarioLog {
	l := &scenarioLog{t: t, index: index, name: name}
	t.mu.Lock()
	if t.logs == nil {
		t.logs = map[int]*scenarioLog{}
	}
	t.logs[index] = l
	t.mu.Unlock()
	return l
}

// flushAll writes every scenario's lines in scenario order.
func (t *transcript) flushAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	idx := make([]int, 0, len(t.logs))
	for i := range t.logs {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		for _, line := range t.logs[i].lines {
			t.w.Write(line)
		}
	}
}

// scenarioLog collects one scenario's lines.
type scenarioLog struct {
	t     *transcript
	index int
	name  string
	// Addresses that change from run to run, and what they are written as.
	hosts  *strings.Replacer
	mu     sync.Mutex
	step   int
	action string
	lines  [][]byte
	held   []flows.Event // webhooks, written when the wallet takes them
}

// stable replaces the address of a webhook listener on a port (a new one
// every run) with a fixed name, the one the embedded sandbox's in-memory
// listener has (the embedded sandbox is http://sandbox already).
func (l *scenarioLog) stable(webhookURL string) {
	if l == nil || webhookURL == "" {
		return
	}
	u, _ := url.Parse(webhookURL)
	l.hosts = strings.NewReplacer("http://"+u.Host, embedded.WalletURL)
}

func (l *scenarioLog) begin(step int, action string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.step, l.action = step, action
	l.mu.Unlock()
}

// sink receives the session's events. A webhook can arrive at any moment
// while the sandbox delivers it; it is written when the wallet's receive
// step ends, so that its place in the file does not depend on timing.
func (l *scenarioLog) sink(e flows.Event) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case e.Kind == flows.Received && e.Exchange != nil:
		l.held = append(l.held, e)
	case e.Kind == flows.Exchanged:
		l.write(e, "exchange")
	case e.Kind == flows.Finished && e.Flow == flows.FlowWallet && (e.Step == "receive" || e.Step == "lookup"):
		l.release()
	}
}

func (l *scenarioLog) release() {
	for _, e := range l.held {
		l.write(e, "received")
	}
	l.held = nil
}

func (l *scenarioLog) close() {
	l.mu.Lock()
	l.release()
	l.mu.Unlock()
}

func (l *scenarioLog) write(e flows.Event, kind string) {
	ex := e.Exchange
	line := Line{Scenario: l.name, Step: l.step, Action: l.action, Kind: kind, Op: ex.Op, Attempt: ex.Attempt,
		Request: message{Method: ex.Request.Method, URL: l.replace(client.RedactURL(ex.Request.URL)), Header: headers(ex.Request.Header), Body: l.body(ex.Request.Body)},
		Error:   ex.Error}
	if r := ex.Response; r != nil {
		line.Response = &message{Status: r.Status, Header: headers(r.Header), Body: l.body(r.Body)}
	}
	b, _ := json.Marshal(line)
	l.lines = append(l.lines, append(b, '\n'))
}

func (l *scenarioLog) replace(s string) string {
	if l.hosts == nil {
		return s
	}
	return l.hosts.Replace(s)
}

// body embeds a JSON body as JSON, anything else as a string.
func (l *scenarioLog) body(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	b = []byte(l.replace(string(b)))
	var buf bytes.Buffer
	if json.Compact(&buf, b) == nil {
		return buf.Bytes()
	}
	s, _ := json.Marshal(string(b))
	return s
}

// varying are headers that change from run to run without meaning.
var varying = map[string]bool{"Date": true, "Content-Length": true, "Accept-Encoding": true}

// headers flattens redacted headers, dropping the ones that vary.
func headers(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range client.Redact(h) {
		if !varying[http.CanonicalHeaderKey(k)] {
			out[k] = strings.Join(v, ", ")
		}
	}
	return out
}
