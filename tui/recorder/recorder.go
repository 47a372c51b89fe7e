// Package recorder turns what a person does in the TUI into a scenario
// that `walletsim run` replays: each step with what came of it as its
// expectations, written with flows/scenario's types.
//
// Time is part of what happened. The headless runner replays on a stopped
// clock, so the time that passed in the TUI — the test clock moved forward,
// or a request left to expire — is saved as wait steps at the point where
// it mattered, and an expired wallet request is saved as the expiry it
// was: received, then the wait past its deadline.
package recorder

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/export"
)

// Recorder collects the steps of one card's session. It is safe for
// concurrent use, though the TUI only calls it from its update loop.
type Recorder struct {
	mu     sync.Mutex
	target string
	now    func() time.Time
	card   scenario.Card
	steps  []scenario.Step
	// pending are steps begun and not yet ended (by index in steps).
	pending map[int]bool

	// The purchase last authenticated: when (on the session's clock),
	// how much of the time since is already saved as waits, and whether
	// it waits for the wallet (D) with no wallet step saved yet.
	started   time.Time
	covered   time.Duration
	decoupled bool
	answered  bool
}

// New records a session on target; now is the session's clock.
func New(target string, now func() time.Time) *Recorder {
	if now == nil {
		now = time.Now
	}
	return &Recorder{target: target, now: now}
}

// UseCard sets the card of what follows. A scenario has one card, so a new
// card starts a new recording; it reports whether steps were dropped.
func (r *Recorder) UseCard(c scenario.Card) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.card.Number == c.Number && r.card.CardID == c.CardID {
		return false
	}
	dropped := len(r.steps) > 0
	r.card, r.steps, r.pending = c, nil, nil
	r.started = time.Time{}
	return dropped
}

// Add records a step and what came of it. A cancelled step is left out:
// the person gave up, there is nothing to replay.
func (r *Recorder) Add(st scenario.Step, res flows.Result) { r.AddStarted(st, res, time.Time{}) }

// AddStarted is Add for a step that began at started (on the session's
// clock): a purchase's time runs from when it was sent, not from when its
// answer was recorded, which may be later.
func (r *Recorder) AddStarted(st scenario.Step, res flows.Result, started time.Time) {
	if res.Cancelled {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.note(st.Action(), res)
	if st.Authenticate != nil && !started.IsZero() {
		r.started = started
	}
	st.Expect = ExpectFrom(res, st.Challenge != nil)
	r.steps = append(r.steps, st)
}

// Step is a step begun and not yet ended (see Begin).
type Step struct {
	r     *Recorder
	index int
	card  scenario.Card
}

// Begin records a step in the order it was taken, before its result is
// known: the wallet's decision, whose effect (the merchant reading Y or N)
// may arrive before its own answer does. End gives it its result.
func (r *Recorder) Begin(st scenario.Step) *Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps = append(r.steps, st)
	if st.Wallet != nil {
		r.answered = true
	}
	if r.pending == nil {
		r.pending = map[int]bool{}
	}
	r.pending[len(r.steps)-1] = true
	return &Step{r: r, index: len(r.steps) - 1, card: r.card}
}

// End records what came of a begun step; a cancelled one is dropped.
func (s *Step) End(res flows.Result) {
	r := s.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.pending[s.index] || r.card != s.card { // a new card started a new recording
		return
	}
	delete(r.pending, s.index)
	if res.Cancelled {
		r.steps = append(r.steps[:s.index:s.index], r.steps[s.index+1:]...)
		shifted := map[int]bool{}
		for i := range r.pending {
			if i > s.index {
				i--
			}
			shifted[i] = true
		}
		r.pending = shifted
		return
	}
	r.note(r.steps[s.index].Action(), res)
	r.steps[s.index].Expect = ExpectFrom(res, false)
}

// note follows the purchase a step belongs to. The caller holds mu.
func (r *Recorder) note(action string, res flows.Result) {
	switch action {
	case scenario.Authenticate:
		r.started, r.covered = r.now(), 0
		r.decoupled, r.answered = res.Err == nil && res.TransStatus == "D", false
	case scenario.Wallet:
		r.answered = true
	case scenario.Result:
		if r.decoupled && !r.answered && expired(res) {
			// Nobody answered, and the platform gave up: the request
			// reached the wallet, then its time ran out.
			r.catchUp(time.Second)
		}
	}
}

// Shifted records that the test clock was moved forward: the time since
// the purchase started becomes a wait, so that the replay reaches the same
// moment.
func (r *Recorder) Shifted() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.catchUp(0)
}

// catchUp saves the time since the purchase started that no wait covers
// yet, rounded up to the second, plus margin. A decoupled request not yet
// answered is first saved as received. The caller holds mu.
func (r *Recorder) catchUp(margin time.Duration) {
	if r.started.IsZero() {
		return
	}
	elapsed := r.now().Sub(r.started)
	if rounded := elapsed.Truncate(time.Second); rounded < elapsed {
		elapsed = rounded + time.Second
	}
	elapsed += margin
	if elapsed <= r.covered {
		return
	}
	if r.decoupled && !r.answered {
		r.steps = append(r.steps, scenario.Step{Wallet: &scenario.WalletInput{}})
		r.answered = true
	}
	r.steps = append(r.steps, scenario.Step{Wait: elapsed - r.covered})
	r.covered = elapsed
}

// expired reports whether res is an authentication the platform gave up
// on because nobody answered in time.
func expired(res flows.Result) bool {
	return res.TransStatus == "U" && res.FailureReason == flows.ExpiredReason
}

// ErrEmpty is Save with nothing recorded.
var ErrEmpty = errors.New("nothing recorded")

// Save writes the recording so far as a scenario file in dir, named for
// the session's time, never over another file. It returns the path and the
// number of steps.
func (r *Recorder) Save(dir string) (string, int, error) {
	now := r.now()
	sc := r.Scenario("Session of "+now.Format("2006-01-02 15:04"), "Recorded in the walletsim TUI; replay with `walletsim run`.")
	if len(sc.Steps) == 0 {
		return "", 0, ErrEmpty
	}
	data, err := scenario.Marshal(sc)
	if err != nil {
		return "", 0, err
	}
	path, err := export.Save(dir, "walletsim-session-"+now.Format("20060102-150405"), ".yaml", data)
	return path, len(sc.Steps), err
}

// Len is how many steps are recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.steps)
}

// Scenario is the recording so far.
func (r *Recorder) Scenario(name, description string) scenario.Scenario {
	r.mu.Lock()
	defer r.mu.Unlock()
	var steps []scenario.Step
	for i, st := range r.steps {
		if !r.pending[i] { // a step still in flight has nothing to expect yet
			steps = append(steps, st)
		}
	}
	return scenario.Scenario{Name: name, Description: description, Target: r.target, Card: r.card, Steps: steps}
}

// ExpectFrom states what a result was, as expectations a replay must meet.
func ExpectFrom(r flows.Result, challenge bool) *scenario.Expect {
	if r.Skipped {
		return nil // nothing happened on this target to expect again
	}
	e := &scenario.Expect{OK: &r.OK, Status: r.HTTPStatus, TransStatus: scenario.TransStatus(r.TransStatus), ErrorCode: r.ErrorCode}
	var te *client.TransportError
	if errors.As(r.Err, &te) {
		yes := true
		e.TransportError = &yes
	}
	if r.TransStatus != "" && r.TransStatus != "C" && r.TransStatus != "D" {
		eci := r.ECI
		e.ECI = &eci
		e.CAVV = "absent"
		if r.CAVV != "" {
			e.CAVV = "present"
		}
	}
	for _, f := range r.FieldErrors {
		if !slices.Contains(e.ErrorFields, f.Field) {
			e.ErrorFields = append(e.ErrorFields, f.Field)
		}
	}
	if challenge {
		e.AttemptsLeft = r.AttemptsLeft
	}
	return e
}
