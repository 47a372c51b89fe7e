package scenario

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
)

// Marshal writes sc in the scenario format, as Parse reads it.
func Marshal(sc Scenario) ([]byte, error) {
	for i, st := range sc.Steps {
		if st.Action() == "" {
			return nil, fmt.Errorf("cannot write step %d: it has no action", i+1)
		}
	}
	return yaml.Marshal(sc)
}

// MarshalYAML writes a short purchase on one line, a long one as a block.
func (a AuthInput) MarshalYAML() (any, error) {
	type fields AuthInput // the same tags, without this method
	var n yaml.Node
	if err := n.Encode(fields(a)); err != nil {
		return nil, err
	}
	if len(n.Content) <= 12 { // six keys
		n.Style = yaml.FlowStyle
	}
	return &n, nil
}

// Recorder collects what a person does in the TUI as scenario steps, with
// what happened as their expectations, so the session can be saved and
// replayed by `walletsim run`.
type Recorder struct {
	mu     sync.Mutex
	target string
	card   Card
	steps  []Step
}

// NewRecorder records a session on target.
func NewRecorder(target string) *Recorder { return &Recorder{target: target} }

// UseCard sets the card of what follows. A scenario has one card, so a new
// card starts a new recording; it reports whether steps were dropped.
func (r *Recorder) UseCard(c Card) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.card.Number == c.Number && r.card.CardID == c.CardID {
		return false
	}
	dropped := len(r.steps) > 0
	r.card, r.steps = c, nil
	return dropped
}

// Add records a step and what came of it.
func (r *Recorder) Add(st Step, res flows.Result) {
	if res.Cancelled {
		return // the person gave up; nothing to replay
	}
	st.Expect = ExpectFrom(res, st.Challenge != nil)
	r.mu.Lock()
	r.steps = append(r.steps, st)
	r.mu.Unlock()
}

// Len is how many steps are recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.steps)
}

// Scenario is the recording so far.
func (r *Recorder) Scenario(name, description string) Scenario {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Scenario{Name: name, Description: description, Target: r.target, Card: r.card, Steps: append([]Step(nil), r.steps...)}
}

// ExpectFrom states what a result was, as expectations a replay must meet.
func ExpectFrom(r flows.Result, challenge bool) *Expect {
	if r.Skipped {
		return nil // nothing happened on this target to expect again
	}
	e := &Expect{OK: &r.OK, Status: r.HTTPStatus, TransStatus: TransStatus(r.TransStatus), ErrorCode: r.ErrorCode}
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
