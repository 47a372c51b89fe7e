// Package runner executes scenarios headlessly: each in its own session
// (on the embedded sandbox, with a virtual clock and deterministic ids, or
// on a profile's endpoints), checking every step's expectations, and
// reporting as text, JSON or JUnit, with a redacted JSONL transcript.
package runner

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/embedded"
	"github.com/walletsim/walletsim/flows/scenario"
)

// Outcome of a scenario.
const (
	Passed  = "passed"
	Failed  = "failed" // an expectation did not hold
	Errored = "error"  // the scenario could not run as written
)

// Options tune a run.
type Options struct {
	// Resolve finds a target by name ("sandbox" or a profile).
	Resolve func(name string) (flows.Target, error)
	// Profile, when set, replaces every scenario's target.
	Profile string
	// Parallel is how many scenarios run at once (default 1).
	Parallel int
	// Transcript, when set, receives every exchange as a JSON line.
	Transcript io.Writer
	// Progress, when set, is told of each step as it ends.
	Progress func(Progress)
	// Timeout bounds each attempt of each call (default 10s).
	Timeout time.Duration
	Version string
	// Start is the virtual clock's start on the sandbox.
	Start time.Time
}

// Progress is one finished step, for live output.
type Progress struct {
	Scenario *ScenarioResult
	Step     *StepResult // nil when the scenario ended
}

// Report is the whole run.
type Report struct {
	Scenarios              []*ScenarioResult
	Passed, Failed, Errors int
	Duration               time.Duration
}

// ScenarioResult is one scenario's run.
type ScenarioResult struct {
	Name, File, Target string
	Status             string
	Error              string // why it could not run
	Steps              []*StepResult
	Duration           time.Duration
}

// StepResult is one step's run.
type StepResult struct {
	Index      int
	Line       int // the step's line
	ExpectLine int // its expect block's line (the step's when it has none)
	Action     string
	Result     flows.Result
	Failures   []string // expectations that did not hold
	Error      string   // why the step could not run
}

// OK reports whether the step met its expectations.
func (s *StepResult) OK() bool { return len(s.Failures) == 0 && s.Error == "" }

// ExitCode is what `walletsim run` exits with: 0 when every expectation
// held, 1 when one did not, 3 when a scenario could not run.
func (r *Report) ExitCode() int {
	switch {
	case r.Errors > 0:
		return 3
	case r.Failed > 0:
		return 1
	}
	return 0
}

// Run executes the scenarios.
func Run(ctx context.Context, scenarios []scenario.Scenario, opts Options) *Report {
	if opts.Parallel < 1 {
		opts.Parallel = 1
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	}
	started := time.Now()
	rep := &Report{Scenarios: make([]*ScenarioResult, len(scenarios))}
	var tw *transcript
	if opts.Transcript != nil {
		tw = &transcript{w: opts.Transcript}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	shared := &listeners{tw: tw, after: len(scenarios)}
	for range min(opts.Parallel, len(scenarios)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(scenarios) {
					return
				}
				rep.Scenarios[i] = runScenario(ctx, i, scenarios[i], opts, tw, shared)
			}
		}()
	}
	wg.Wait()
	shared.close()
	rep.count()
	if tw != nil {
		tw.flushAll()
	}
	rep.Duration = time.Since(started)
	return rep
}

// count tallies the scenarios' outcomes.
func (r *Report) count() {
	for _, s := range r.Scenarios {
		switch s.Status {
		case Passed:
			r.Passed++
		case Failed:
			r.Failed++
		default:
			r.Errors++
		}
	}
}

func seed(name string) [32]byte {
	var s [32]byte
	h := fnv.New64a()
	h.Write([]byte(name))
	copy(s[:], fmt.Sprintf("%016x", h.Sum64()))
	return s
}

func runScenario(ctx context.Context, index int, sc scenario.Scenario, opts Options, tw *transcript, shared *listeners) *ScenarioResult {
	res := &ScenarioResult{Name: sc.Name, File: sc.File, Target: sc.Target, Status: Passed}
	started := time.Now()
	defer func() {
		res.Duration = time.Since(started)
		if opts.Progress != nil {
			opts.Progress(Progress{Scenario: res})
		}
	}()
	if opts.Profile != "" {
		res.Target = opts.Profile
	}
	target, err := opts.Resolve(res.Target)
	if err != nil {
		res.Status, res.Error = Errored, err.Error()
		return res
	}
	var log *scenarioLog
	if tw != nil {
		log = tw.scenario(index, sc.Name)
		defer log.close()
	}
	sopts := sessionOptions(sc, target, opts, log)
	if opts.Parallel > 1 && sharable(target) {
		if sopts.Listener, err = shared.get(target); err != nil {
			res.Status, res.Error = Errored, "cannot open target "+target.Name+": "+err.Error()
			return res
		}
	}
	sess, err := embedded.Open(ctx, target, sopts)
	if err != nil {
		res.Status, res.Error = Errored, "cannot open target "+target.Name+": "+err.Error()
		return res
	}
	defer sess.Close()
	if log != nil {
		log.stable(sess.WebhookURL())
	}
	j := newJourney(sess, sc, target)
	j.log = log
	j.runSteps(ctx, res, opts.Progress)
	return res
}

// sessionOptions are a scenario's session: on the sandbox, a virtual clock
// and ids and codes seeded from its name, so that every run is the same.
func sessionOptions(sc scenario.Scenario, target flows.Target, opts Options, log *scenarioLog) flows.Options {
	sopts := flows.Options{Timeout: opts.Timeout, Version: opts.Version, Sink: log.sink}
	if target.Sandbox {
		sopts.Clock = flows.NewManualClock(opts.Start)
		sopts.NewID = flows.SeededIDs()
		sopts.Rand = rand.NewChaCha8(seed(sc.Name))
	}
	return sopts
}

// runSteps runs the scenario's steps into res until one fails or cannot
// run: later steps depend on it.
func (j *journey) runSteps(ctx context.Context, res *ScenarioResult, progress func(Progress)) {
	for i, st := range j.sc.Steps {
		sr := j.run(ctx, i, st)
		res.Steps = append(res.Steps, sr)
		if progress != nil {
			progress(Progress{Scenario: res, Step: sr})
		}
		switch {
		case sr.Error != "":
			res.Status, res.Error = Errored, fmt.Sprintf("step %d (%s, line %d): %s", i+1, st.Action(), st.Line, sr.Error)
			return
		case len(sr.Failures) > 0:
			res.Status = Failed
			return
		}
	}
}
