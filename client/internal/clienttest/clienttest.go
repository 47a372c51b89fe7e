// Package clienttest runs the API clients against httptest servers and
// renders what they did as golden text: the exact outgoing requests (secrets
// redacted, ids from a deterministic generator) and the decoded result or
// typed error.
package clienttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/walletsim/walletsim/client"
)

// -update rewrites golden files. Another helper (x/exp/golden) may define
// the flag in the same test binary, and defining it twice panics: share it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool { return flag.Lookup("update").Value.String() == "true" }

// Secrets used by the tests; no golden file may contain them.
const (
	APIKey    = "test-api-key-SECRET"
	Token     = "test-token-SECRET"
	SecretKey = "sk_test_SECRET"
)

// Root is the repository root (the directory holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// Fixture reads testdata/<rel> verbatim.
func Fixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(t), "testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Golden compares got with testdata/golden/<rel>, or rewrites it with -update.
// It also fails if got contains one of the test secrets.
func Golden(t testing.TB, rel, got string) {
	t.Helper()
	for _, s := range []string{APIKey, Token, SecretKey} {
		if strings.Contains(got, s) {
			t.Errorf("golden output contains the secret %q", s)
		}
	}
	path := filepath.Join(Root(t), "testdata", "golden", rel)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs from golden (-want +got):\n%s", rel, diff)
	}
}

// IDs returns a generator of recognisable UUIDs: …0001, …0002, …
func IDs() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Add(1)) }
}

// Clock is a fixed test time.
func Clock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// fixedClock always says Clock(); it is not virtual, so retries wait
// (RetryWait, a millisecond) for real.
type fixedClock struct{}

func (fixedClock) Now() time.Time { return Clock() }

// Reply is one canned response of a Server.
type Reply struct {
	Status int
	Body   []byte
}

// Server serves the replies in order (repeating the last one) and counts hits.
type Server struct {
	*httptest.Server
	mu      sync.Mutex
	replies []Reply
	Hits    atomic.Int32
}

// NewServer starts a Server, closed when the test ends.
func NewServer(t testing.TB, replies ...Reply) *Server {
	s := &Server{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.Hits.Add(1))
		s.mu.Lock()
		rep := s.replies[min(n, len(s.replies))-1]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rep.Status)
		w.Write(rep.Body)
	}))
	t.Cleanup(s.Close)
	return s
}

// Recorder collects the exchanges a client reports.
type Recorder struct {
	mu        sync.Mutex
	Exchanges []client.Exchange
}

// Observe is a client.Observer.
func (r *Recorder) Observe(ex client.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Exchanges = append(r.Exchanges, ex)
}

// Config is a client.Config for tests against base: deterministic ids and
// clock, fast retries, the recorder as observer.
func (r *Recorder) Config(base string) client.Config {
	return client.Config{
		BaseURL:      base,
		Version:      "test",
		Observer:     r.Observe,
		NewID:        IDs(),
		Clock:        fixedClock{},
		RetryWait:    time.Millisecond,
		RetryMaxWait: 2 * time.Millisecond,
	}
}

// Render is the golden text of one operation: a title, every attempt's request
// and response status and body, then the decoded result or the error.
func (r *Recorder) Render(title string, result any, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", title)
	r.mu.Lock()
	exchanges := append([]client.Exchange(nil), r.Exchanges...)
	r.mu.Unlock()
	if len(exchanges) == 0 {
		b.WriteString("\n(no request sent)\n")
	}
	for _, ex := range exchanges {
		fmt.Fprintf(&b, "\n>>> %s attempt %d\n%s %s\n", ex.Op, ex.Attempt, ex.Request.Method, requestURI(ex.Request.URL))
		for _, name := range client.SortedNames(ex.Request.Header) {
			for _, v := range ex.Request.Header[name] {
				fmt.Fprintf(&b, "%s: %s\n", name, v)
			}
		}
		if len(ex.Request.Body) > 0 {
			fmt.Fprintf(&b, "\n%s\n", Canonical(ex.Request.Body))
		}
		if ex.Response == nil {
			fmt.Fprintf(&b, "<<< transport error: %s\n", ex.Error)
			continue
		}
		fmt.Fprintf(&b, "<<< %d\n%s\n", ex.Response.Status, Canonical(ex.Response.Body))
	}
	if err != nil {
		fmt.Fprintf(&b, "\n=== error %T\n%s\n", err, err)
		var v client.FieldErrors
		var ve *client.ValidationError
		if errors.As(err, &ve) {
			v = ve.Fields
			fmt.Fprintf(&b, "%s\n", indent(v))
		} else {
			fmt.Fprintf(&b, "%s\n", indent(err))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "\n=== result %T\n%s\n", result, indent(result))
	return b.String()
}

// Canonical re-encodes a JSON body with sorted keys and two-space indent,
// numbers as written; a non-JSON body is returned as text.
func Canonical(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(body)
	}
	return indent(v)
}

func indent(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func requestURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.RequestURI()
}
