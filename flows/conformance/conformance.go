// Package conformance checks a target against the seeds: it sends the
// requests the seeds document — valid ones, and the documented errors that
// are safe to provoke (validation, missing credentials) — and checks each
// answer's status, shape (keys and types) and documented strings. Each rule
// passes, fails saying what differed, or is skipped saying why.
//
// It never leaves lasting state on the target beyond what it undoes: it
// unenrolls what it enrolled, changes an existing enrollment only to what it
// already was, and reads otherwise. (One authenticate request is sent; seed
// 004 has no way to cancel it, and a browser authentication that is not
// frictionless expires on the 3DS server by itself.)
package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/flows"
)

// Status is how a rule came out.
type Status string

// The statuses.
const (
	Passed  Status = "pass"
	Failed  Status = "fail"
	Skipped Status = "skip"
	Errored Status = "error" // no answer at all
)

// Result is one rule's outcome.
type Result struct {
	ID     string `json:"id"`   // "004-authenticate-422"
	Seed   string `json:"seed"` // "000", "002", "004"
	Title  string `json:"title"`
	Status Status `json:"status"`
	// Detail: what was seen (pass), what differed (fail), why not (skip).
	Detail     string `json:"detail,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
}

// Report is a whole check.
type Report struct {
	Target   string
	Results  []Result
	Duration time.Duration
}

// Count is how many rules came out as s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// ExitCode is what `walletsim check` exits with, as `walletsim run` does: 0
// when no rule failed (skips included), 1 when one did, 3 when the target
// did not answer at all.
func (r *Report) ExitCode() int {
	switch {
	case r.Count(Errored) > 0:
		return 3
	case r.Count(Failed) > 0:
		return 1
	}
	return 0
}

// Options tune a check.
type Options struct {
	// PAN is the card authenticated (default 4111111111111111, a test
	// number most sandboxes pass frictionless).
	PAN string
	// CardID overrides the target's x-card-id for the enrollment rules.
	CardID    string
	Timeout   time.Duration // per request (default 15s)
	Version   string
	NewID     func() string // ids of the requests (default UUIDs)
	Clock     clock.Clock   // default: real time
	Transport http.RoundTripper
	Observer  client.Observer // sees every exchange, secrets redacted
	Progress  func(Result)    // told of each rule as it ends
}

// DefaultPAN is the card authenticated unless Options.PAN says otherwise.
const DefaultPAN = "4111111111111111"

// suite is one run: the target, a client per API, the results so far.
type suite struct {
	t                      flows.Target
	opts                   Options
	issuing, tds, walletAP *client.Core
	rep                    *Report
}

// Run checks t against the seeds.
func Run(ctx context.Context, t flows.Target, opts Options) *Report {
	started := time.Now()
	if opts.PAN == "" {
		opts.PAN = DefaultPAN
	}
	if opts.CardID == "" {
		opts.CardID = t.CardID
	}
	if opts.NewID == nil {
		opts.NewID = uuid.NewString
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real
	}
	core := func(base string) *client.Core {
		return client.New(client.Config{BaseURL: base, Timeout: opts.Timeout, Retries: -1, Version: opts.Version,
			NewID: opts.NewID, Clock: opts.Clock, Transport: opts.Transport, Observer: opts.Observer, NoValidate: true})
	}
	s := &suite{t: t, opts: opts, issuing: core(t.IssuingURL), tds: core(t.ThreeDSURL), walletAP: core(t.WalletURL),
		rep: &Report{Target: t.Name}}
	s.issuer(ctx)
	s.threeDSServer(ctx)
	s.walletPlatform(ctx)
	s.rep.Duration = time.Since(started)
	return s.rep
}

// answer is what one request got.
type answer struct {
	status int
	header http.Header
	body   any // decoded JSON, numbers as json.Number; nil when not JSON
	raw    []byte
	err    error // no answer at all
}

func (s *suite) send(ctx context.Context, core *client.Core, call client.Call) answer {
	reply, err := core.Do(ctx, call)
	if err != nil {
		return answer{err: err}
	}
	a := answer{status: reply.Status, header: reply.Header, raw: reply.Body}
	a.body, _ = decode(reply.Body)
	return a
}

// rule is one rule's identity.
type rule struct{ id, seed, title string }

// judge records a rule's outcome from an answer and the problems found in
// it (none: it passes, with seen as what was seen).
func (s *suite) judge(r rule, a answer, seen string, problems []string) Result {
	res := Result{ID: r.id, Seed: r.seed, Title: r.title, HTTPStatus: a.status}
	switch {
	case a.err != nil:
		res.Status, res.Detail = Errored, "no answer: "+a.err.Error()
	case len(problems) > 0:
		res.Status, res.Detail = Failed, strings.Join(problems, "; ")
	default:
		res.Status, res.Detail = Passed, seen
	}
	s.add(res)
	return res
}

func (s *suite) skip(r rule, why string) {
	s.add(Result{ID: r.id, Seed: r.seed, Title: r.title, Status: Skipped, Detail: why})
}

func (s *suite) add(res Result) {
	s.rep.Results = append(s.rep.Results, res)
	if s.opts.Progress != nil {
		s.opts.Progress(res)
	}
}

// checks collects the problems of one answer.
type checks struct {
	a        answer
	problems []string
}

func (c *checks) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// status expects one of the statuses; false stops further checks (the
// body is not the one the rule is about).
func (c *checks) status(want ...int) bool {
	for _, w := range want {
		if c.a.status == w {
			return true
		}
	}
	got := fmt.Sprintf("HTTP %d", c.a.status)
	if snippet := client.Snippet(c.a.raw); snippet != "" {
		got += " " + snippet
	}
	c.fail("expected HTTP %s, got %s", joinInts(want), got)
	return false
}

// shape checks the body's keys and types; false when it is not even JSON.
func (c *checks) shape(sh shape) bool {
	if c.a.body == nil && len(c.a.raw) > 0 {
		c.fail("the body is not JSON: %s", client.Snippet(c.a.raw))
		return false
	}
	sh.check("", c.a.body, &c.problems)
	return true
}

// is checks the value at a dotted path.
func (c *checks) is(path string, want any) {
	got, ok := at(c.a.body, path)
	if !ok {
		return // a missing key is the shape's to report
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		c.fail("%s: expected %s, got %s", path, quote(want), quote(got))
	}
}

// has checks that the array at path holds want.
func (c *checks) has(path string, want string) {
	got, ok := at(c.a.body, path)
	if !ok {
		return
	}
	if items, isArray := got.([]any); isArray {
		for _, item := range items {
			if item == want {
				return
			}
		}
	}
	c.fail("%s: expected to include %q, got %s", path, want, compact(got))
}

// at finds a dotted path ("error.fieldErrors") in decoded JSON.
func at(v any, path string) (any, bool) {
	for _, key := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return compact(v)
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, " or ")
}
