package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox/fault"
)

// withFaults applies the global faults and the per-request header to the
// three APIs (not to the sandbox's own endpoints). A fault answers before
// the request has any effect.
func (s *Sandbox) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := apiOf(r.URL.Path)
		if a == apiSandbox {
			next.ServeHTTP(w, r)
			return
		}
		f, err := s.faultsFor(r)
		if err != nil {
			a.writeError(w, http.StatusBadRequest, "Invalid "+fault.Header+" header: "+err.Error())
			return
		}
		if f.Latency > 0 {
			// The delay is the fault's, not the client's: the answer
			// still gets the whole WriteTimeout (ignored in memory).
			http.NewResponseController(w).SetWriteDeadline(time.Now().Add(f.Latency + s.cfg.WriteTimeout))
			if clock.Sleep(r.Context(), s.cfg.Clock, f.Latency) != nil {
				return // the client left: nobody to answer
			}
		}
		if !s.misbehave(w, r, a, f) {
			next.ServeHTTP(w, r)
		}
	})
}

// faultHeader is fault.Header in canonical form (see header).
var faultHeader = http.CanonicalHeaderKey(fault.Header)

// faultsFor is the request's fault header, or the sandbox's faults.
func (s *Sandbox) faultsFor(r *http.Request) (fault.Spec, error) {
	if spec := header(r, faultHeader); spec != "" {
		return fault.Parse(spec)
	}
	return s.cfg.Faults, nil
}

// misbehave answers as f's status, drop or timeout say (on Rate of the
// requests, when set), and reports whether it did.
func (s *Sandbox) misbehave(w http.ResponseWriter, r *http.Request, a api, f fault.Spec) bool {
	if f.Rate > 0 && rand.Float64() >= f.Rate {
		return false
	}
	switch {
	case f.Drop:
		drop(w)
	case f.Timeout:
		s.hang(r)
	case f.Status != 0:
		a.writeError(w, f.Status, http.StatusText(f.Status))
	default:
		return false
	}
	return true
}

// drop closes the connection without answering.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the stream
}

// logged writes one line per request to the access log.
func (s *Sandbox) logged(next http.Handler) http.Handler {
	if s.cfg.AccessLog == nil {
		return next
	}
	var mu sync.Mutex // one line at a time, whatever the writer
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := strconv.Itoa(sw.status)
			if sw.hijacked {
				status = "dropped"
			} else if sw.status == 0 {
				status = "no-answer"
			}
			line := fmt.Sprintf("%s %s %s %s %s\n", start.Format(time.TimeOnly), r.Method, r.URL.RequestURI(), status, time.Since(start).Round(time.Microsecond))
			mu.Lock()
			io.WriteString(s.cfg.AccessLog, line)
			mu.Unlock()
		}()
		next.ServeHTTP(sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack not supported")
	}
	w.hijacked = true
	return hj.Hijack()
}
