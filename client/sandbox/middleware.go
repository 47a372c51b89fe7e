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
	"strings"
	"sync"
	"time"
)

// FaultHeader asks the sandbox to misbehave on one request, e.g.
// "latency=300ms", "status=503", "drop", "timeout", or several joined by
// commas.
const FaultHeader = "x-walletsim-fault"

// Faults make the sandbox misbehave, for QA of clients' error paths.
type Faults struct {
	Latency time.Duration // added before answering
	Status  int           // 500 or 503, answered instead, in the API's error shape
	Drop    bool          // close the connection without an answer
	Timeout bool          // never answer (until the client gives up)
	// Rate is the fraction of requests Status, Drop and Timeout apply to
	// (0 means all); Latency always applies.
	Rate float64
}

// Active reports whether any fault is set.
func (f Faults) Active() bool { return f.Latency > 0 || f.Status != 0 || f.Drop || f.Timeout }

// ParseFaults reads a fault spec: comma-separated latency=DURATION,
// status=500|503, drop, timeout, rate=FRACTION.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		key, val, _ := strings.Cut(item, "=")
		var err error
		switch strings.ToLower(key) {
		case "latency":
			f.Latency, err = time.ParseDuration(val)
			if err == nil && (f.Latency < 0 || f.Latency > 5*time.Minute) {
				err = errors.New("must be between 0 and 5m")
			}
		case "status":
			f.Status, err = strconv.Atoi(val)
			if err == nil && f.Status != 500 && f.Status != 503 {
				err = errors.New("must be 500 or 503")
			}
		case "drop", "timeout":
			if val != "" || strings.Contains(item, "=") {
				err = errors.New("takes no value")
				break
			}
			if key == "drop" {
				f.Drop = true
			} else {
				f.Timeout = true
			}
		case "rate":
			f.Rate, err = strconv.ParseFloat(val, 64)
			if err == nil && (f.Rate <= 0 || f.Rate > 1) {
				err = errors.New("must be a fraction in (0, 1]")
			}
		default:
			return Faults{}, fmt.Errorf("unknown fault %q (want latency=, status=, drop, timeout, rate=)", key)
		}
		if err != nil {
			return Faults{}, fmt.Errorf("fault %s: %v", key, err)
		}
	}
	failures := 0
	for _, on := range []bool{f.Status != 0, f.Drop, f.Timeout} {
		if on {
			failures++
		}
	}
	switch {
	case failures > 1:
		return Faults{}, errors.New("choose one of status=, drop and timeout")
	case f.Rate > 0 && failures == 0:
		return Faults{}, errors.New("rate= needs status=, drop or timeout to apply to")
	}
	return f, nil
}

// String spells f the way ParseFaults reads it ("none" when empty).
func (f Faults) String() string {
	var parts []string
	if f.Latency > 0 {
		parts = append(parts, "latency="+f.Latency.String())
	}
	switch {
	case f.Status != 0:
		parts = append(parts, "status="+strconv.Itoa(f.Status))
	case f.Drop:
		parts = append(parts, "drop")
	case f.Timeout:
		parts = append(parts, "timeout")
	}
	if f.Rate > 0 {
		parts = append(parts, "rate="+strconv.FormatFloat(f.Rate, 'g', -1, 64))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// withFaults applies the global faults and the per-request header to the
// three APIs (not to the sandbox's own endpoints). A fault answers before
// the request has any effect.
func (s *Sandbox) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := apiOf(r.URL.Path)
		f := s.cfg.Faults
		if spec := r.Header.Get(FaultHeader); spec != "" && a != apiSandbox {
			var err error
			if f, err = ParseFaults(spec); err != nil {
				a.writeError(w, http.StatusBadRequest, "Invalid "+FaultHeader+" header: "+err.Error())
				return
			}
		}
		if a == apiSandbox || !f.Active() {
			next.ServeHTTP(w, r)
			return
		}
		if f.Latency > 0 {
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return // the client left: nobody to answer
			}
		}
		if f.Rate > 0 && rand.Float64() >= f.Rate {
			next.ServeHTTP(w, r)
			return
		}
		switch {
		case f.Drop:
			drop(w)
		case f.Timeout:
			s.hang(r)
		case f.Status != 0:
			a.writeError(w, f.Status, http.StatusText(f.Status))
		default:
			next.ServeHTTP(w, r)
		}
	})
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

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("hijack not supported")
	}
	w.hijacked = true
	return hj.Hijack()
}
