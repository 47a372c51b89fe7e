// Package fault is the sandbox's fault spec for QA: what "latency=300ms",
// "status=503", "drop", "timeout" and "rate=0.2" mean for an API request,
// what "webhook=duplicate", "webhook=delay:30s", "webhook=reorder",
// "webhook=drop", "webhook=corrupt" and "webhook=rotate" mean for the
// webhook event a request makes the platform send (see Webhook), how a
// spec is parsed and written back, and the header that carries one. It holds no
// HTTP, so that scenario files and flows can check a spec without
// importing the sandbox server.
package fault

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header asks the sandbox to misbehave on one request, e.g.
// "latency=300ms", "status=503", "drop", "timeout", or several joined by
// commas.
const Header = "x-walletsim-fault"

// MaxLatency bounds latency=.
const MaxLatency = 5 * time.Minute

// Spec makes the sandbox misbehave, for QA of clients' error paths.
type Spec struct {
	Latency time.Duration // added before answering
	Status  int           // 500 or 503, answered instead, in the API's error shape
	Drop    bool          // close the connection without an answer
	Timeout bool          // never answer (until the client gives up)
	// Rate is the fraction of requests Status, Drop and Timeout apply to
	// (0 means all); Latency always applies.
	Rate float64
	// Webhook makes the deliveries of the events the request causes
	// misbehave; it does not change the request's own answer.
	Webhook Webhook
}

// Active reports whether any fault on the request's own answer is set
// (webhook faults apply to deliveries, not to the answer).
func (f Spec) Active() bool { return f.Latency > 0 || f.Status != 0 || f.Drop || f.Timeout }

// Parse reads a spec: comma-separated latency=DURATION, status=500|503,
// drop, timeout, rate=FRACTION, and webhook=KIND items (see Webhook). At
// most one of status=, drop and timeout; rate= only with one of them.
func Parse(spec string) (Spec, error) {
	var f Spec
	for item := range strings.SplitSeq(spec, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if err := f.set(item); err != nil {
			return Spec{}, err
		}
	}
	if err := f.check(); err != nil {
		return Spec{}, err
	}
	return f, nil
}

// set applies one item of a spec.
func (f *Spec) set(item string) error {
	key, val, hasVal := strings.Cut(item, "=")
	var err error
	switch strings.ToLower(key) {
	case "latency":
		f.Latency, err = parseLatency(val)
	case "status":
		f.Status, err = parseStatus(val)
	case "drop":
		f.Drop, err = true, noValue(hasVal)
	case "timeout":
		f.Timeout, err = true, noValue(hasVal)
	case "rate":
		f.Rate, err = parseRate(val)
	case "webhook":
		err = f.Webhook.set(val)
	default:
		return fmt.Errorf("unknown fault %q (want latency=, status=, drop, timeout, rate=, webhook=)", key)
	}
	if err != nil {
		return fmt.Errorf("fault %s: %v", key, err)
	}
	return nil
}

func parseLatency(val string) (time.Duration, error) {
	d, err := time.ParseDuration(val)
	if err == nil && (d < 0 || d > MaxLatency) {
		err = errors.New("must be between 0 and 5m")
	}
	return d, err
}

func parseStatus(val string) (int, error) {
	n, err := strconv.Atoi(val)
	if err == nil && n != 500 && n != 503 {
		err = errors.New("must be 500 or 503")
	}
	return n, err
}

func parseRate(val string) (float64, error) {
	r, err := strconv.ParseFloat(val, 64)
	if err == nil && (r <= 0 || r > 1) {
		err = errors.New("must be a fraction in (0, 1]")
	}
	return r, err
}

func noValue(hasVal bool) error {
	if hasVal {
		return errors.New("takes no value")
	}
	return nil
}

// check refuses combinations that mean nothing.
func (f Spec) check() error {
	failures := 0
	for _, on := range []bool{f.Status != 0, f.Drop, f.Timeout} {
		if on {
			failures++
		}
	}
	switch {
	case failures > 1:
		return errors.New("choose one of status=, drop and timeout")
	case f.Rate > 0 && failures == 0:
		return errors.New("rate= needs status=, drop or timeout to apply to")
	}
	return nil
}

// String spells f the way Parse reads it ("none" when empty).
func (f Spec) String() string {
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
	parts = append(parts, f.Webhook.items()...)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}
