package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/walletsim/walletsim/client/clock"
)

// Transport serves the clients' requests with the sandbox's handler in this
// process: no socket, no port, no connection left in TIME_WAIT (fake-gcs-
// server serves its clients the same way). The clients build requests as
// for any server; the host in their URLs only names the sandbox.
func (s *Sandbox) Transport() http.RoundTripper { return HandlerTransport(s.handler) }

// HandlerTransport is an http.RoundTripper that answers every request with
// h, in the caller's goroutine, as a server would: the body is read once,
// the answer is complete when RoundTrip returns, a handler that aborts (a
// dropped connection) is a transport error, and so is a client that gives
// up first. The sandbox uses one to deliver webhooks to a wallet in the
// same process.
func HandlerTransport(h http.Handler) http.RoundTripper { return inMemory{h} }

type inMemory struct{ h http.Handler }

// errDropped is what a client sees when the server closes the connection
// without an answer.
var errDropped = fmt.Errorf("the server closed the connection without an answer: %w", io.EOF)

// timeoutError is an attempt whose deadline on a virtual clock passed
// before the answer: a timeout, as net/http's client reports its own.
type timeoutError struct{}

func (timeoutError) Error() string {
	return "no answer before the attempt's timeout (on the virtual clock)"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
func (timeoutError) Unwrap() error   { return context.DeadlineExceeded }

func (t inMemory) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &memWriter{header: http.Header{}}
	err := serve(t.h, w, serverRequest(req))
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err == nil && w.status != 0:
		// An answer: it took no time on the virtual clock, since a handler
		// whose own wait (latency, a hung request) reaches the deadline
		// returns without one. The clock moved meanwhile by someone else —
		// a test jumping past an expiry, a background delivery's backoff —
		// does not make it late.
		return w.response(req), nil
	case clock.DeadlinePassed(ctx):
		return nil, timeoutError{}
	case err != nil:
		return nil, err
	}
	return w.response(req), nil
}

// serverRequest is req as a handler receives it from net/http's server.
func serverRequest(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	// On the wire header names lose their case; a server's request has
	// them canonical (the seeds' lower-case "x-api-key" is "X-Api-Key").
	r.Header = make(http.Header, len(req.Header))
	for name, values := range req.Header {
		key := http.CanonicalHeaderKey(name)
		r.Header[key] = append(r.Header[key], values...)
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.Host == "" {
		r.Host = req.URL.Host
	}
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "in-memory:0"
	return r
}

// serve runs h; a panic, as net/http's server treats it, ends the answer:
// http.ErrAbortHandler is a dropped connection, anything else a handler
// bug the client sees as one too (and the caller gets to read).
func serve(h http.Handler, w http.ResponseWriter, r *http.Request) (err error) {
	defer func() {
		switch p := recover(); {
		case p == nil:
		case p == http.ErrAbortHandler:
			err = errDropped
		default:
			err = fmt.Errorf("%w (the handler panicked: %v)", errDropped, p)
		}
	}()
	h.ServeHTTP(w, r)
	return nil
}

// memWriter collects an answer.
type memWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *memWriter) Header() http.Header { return w.header }

func (w *memWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *memWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// response is the answer as net/http's client returns it: the status line,
// the headers as written (with Content-Length, which a server adds to a
// short answer), and the body.
func (w *memWriter) response(req *http.Request) *http.Response {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	header := w.header.Clone()
	if header.Get("Content-Length") == "" {
		header.Set("Content-Length", strconv.Itoa(w.body.Len()))
	}
	return &http.Response{
		Status:     strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode: status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header, Body: io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()), Request: req,
	}
}
