package client

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Observer receives every HTTP exchange a client makes, one call per attempt,
// with secrets already redacted. It is called on the request's goroutine and
// must not block.
type Observer func(Exchange)

// Exchange is one attempt of one operation as it went over the wire.
type Exchange struct {
	Op string `json:"op"`
	// Tag is the caller's label for the call (see WithTag), e.g. the flow
	// step that made it.
	Tag      string        `json:"tag,omitempty"`
	Attempt  int           `json:"attempt"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration"`
	Request  Request       `json:"request"`
	// Response is nil when the attempt got no HTTP response.
	Response *Response `json:"response,omitempty"`
	// Error describes a transport failure (Response is then nil).
	Error string `json:"error,omitempty"`

	// revealed returns the request's URL and headers before redaction, for
	// an explicit "show secrets" cURL export. A func, so that printing or
	// marshalling an Exchange can never show them.
	revealed func() (url string, h http.Header)
}

// Request is the request side of an Exchange. Header is redacted.
type Request struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body,omitempty"`
}

// Response is the response side of an Exchange.
type Response struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body,omitempty"`
}

// maxBody caps how much of a body is kept for observation; the caller still
// gets the whole body.
const maxBody = 1 << 20

type callKey struct{}

type tagKey struct{}

// WithTag labels the calls made with ctx; observers see the label in
// Exchange.Tag. Flows use it to attribute exchanges to their steps.
func WithTag(ctx context.Context, tag string) context.Context {
	return context.WithValue(ctx, tagKey{}, tag)
}

// TagOf returns the label set by WithTag.
func TagOf(ctx context.Context) string {
	tag, _ := ctx.Value(tagKey{}).(string)
	return tag
}

// callState travels in the request context so that the recorder, which sees
// each attempt, can name the operation and number the attempts.
type callState struct {
	op      string
	attempt atomic.Int32
}

func withCall(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, callKey{}, &callState{op: op})
}

// recorder is the http.RoundTripper that sees exactly what goes on the wire
// (headers added later by net/http itself, such as Content-Length, are not
// ours and are left out).
type recorder struct {
	next    http.RoundTripper
	observe Observer
	now     func() time.Time
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.observe == nil {
		return r.next.RoundTrip(req)
	}
	ex := Exchange{Op: "http", Tag: TagOf(req.Context()), Started: r.now()}
	if st, ok := req.Context().Value(callKey{}).(*callState); ok {
		ex.Op = st.op
		ex.Attempt = int(st.attempt.Add(1))
	}
	body, err := snapshot(&req.Body)
	if err != nil {
		return nil, err
	}
	raw, rawURL := req.Header.Clone(), req.URL.String()
	ex.Request = Request{Method: req.Method, URL: RedactURL(rawURL), Header: Redact(raw), Body: body}
	ex.revealed = func() (string, http.Header) { return rawURL, raw.Clone() }

	resp, err := r.next.RoundTrip(req)
	ex.Duration = r.now().Sub(ex.Started)
	if err != nil {
		ex.Error = err.Error()
		r.observe(ex)
		return nil, err
	}
	rbody, err := snapshot(&resp.Body)
	if err != nil {
		ex.Error = err.Error()
		r.observe(ex)
		return nil, err
	}
	ex.Response = &Response{Status: resp.StatusCode, Header: Redact(resp.Header), Body: rbody}
	r.observe(ex)
	return resp, nil
}

// snapshot reads a body for observation and puts an identical reader back.
func snapshot(body *io.ReadCloser) ([]byte, error) {
	if *body == nil || *body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(*body)
	(*body).Close()
	*body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return b[:maxBody:maxBody], nil
	}
	return b, nil
}

// Redacted is what a secret header value is replaced with.
const Redacted = "***"

// secretHeaders are redacted wherever an exchange is shown or stored.
var secretHeaders = []string{"x-api-key", "cookie", "set-cookie", "proxy-authorization"}

// Redact returns a copy of h with secrets replaced: API keys and cookies
// entirely, Authorization down to its scheme ("Bearer ***"). Header names are
// matched case-insensitively because the seeds' headers are sent verbatim in
// lower case.
func Redact(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for name, values := range h {
		out[name] = redactValues(name, values)
	}
	return out
}

func redactValues(name string, values []string) []string {
	if strings.EqualFold(name, "authorization") {
		out := make([]string, len(values))
		for i, v := range values {
			scheme, _, found := strings.Cut(v, " ")
			if found {
				out[i] = scheme + " " + Redacted
			} else {
				out[i] = Redacted
			}
		}
		return out
	}
	for _, s := range secretHeaders {
		if strings.EqualFold(name, s) {
			out := make([]string, len(values))
			for i := range out {
				out[i] = Redacted
			}
			return out
		}
	}
	return append([]string(nil), values...)
}
