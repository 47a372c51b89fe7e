// Package matrix runs the whole outcome space of the sandbox's test cards
// — every card × channel × challenge preference × enrolled or not — through
// the real flows (enrollment, purchase, challenge, wallet), and checks each
// cell against the documented outcome table (Rules), so that a changed
// decision rule shows up as a red cell.
package matrix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// Cardholder is how the cardholder behaves when the ACS asks for them.
type Cardholder string

// The behaviours `walletsim matrix --cardholder` takes.
const (
	// Approve enters the right code, or approves in the wallet (VERIFIED).
	Approve Cardholder = "approve"
	// Reject cancels the challenge page, or rejects in the wallet.
	Reject Cardholder = "reject"
	// WrongCode enters wrong codes until the page gives up; in the wallet
	// the biometric check fails (FAILED).
	WrongCode Cardholder = "wrong-code"
	// Expire does nothing until the request expires.
	Expire Cardholder = "expire"
)

// Cardholders lists the behaviours, the default first.
var Cardholders = []Cardholder{Approve, Reject, WrongCode, Expire}

// ParseCardholder reads a --cardholder value.
func ParseCardholder(s string) (Cardholder, error) {
	for _, c := range Cardholders {
		if string(c) == s {
			return c, nil
		}
	}
	names := make([]string, len(Cardholders))
	for i, c := range Cardholders {
		names[i] = string(c)
	}
	return "", fmt.Errorf("%q is not a cardholder behaviour: use one of %s", s, strings.Join(names, ", "))
}

// Outcomes are what the test cards force, in the cards' order.
func Outcomes() []testcards.Outcome {
	var out []testcards.Outcome
	for _, c := range testcards.All {
		if !slices.Contains(out, c.Outcome) {
			out = append(out, c.Outcome)
		}
	}
	return out
}

// ParseForces reads a --forces list: outcomes separated by commas.
func ParseForces(s string) ([]testcards.Outcome, error) {
	var out []testcards.Outcome
	known := Outcomes()
	for f := range strings.SplitSeq(s, ",") {
		o := testcards.Outcome(strings.TrimSpace(f))
		if !slices.Contains(known, o) {
			names := make([]string, len(known))
			for i, k := range known {
				names[i] = string(k)
			}
			return nil, fmt.Errorf("%q is not an outcome a test card forces: use %s", f, strings.Join(names, ", "))
		}
		out = append(out, o)
	}
	return out, nil
}

// Step is what the cardholder did.
type Step string

// The steps a cell can take.
const (
	NoStep           Step = ""           // the ACS decided alone
	CodeRight        Step = "right code" // on the challenge page
	CodeWrong        Step = "wrong codes"
	Cancelled        Step = "cancelled"
	Verified         Step = "VERIFIED" // in the wallet
	RejectedInWallet Step = "REJECTED"
	Failed           Step = "FAILED"
	Waited           Step = "expired" // nobody answered in time
)

// Cell is one point of the outcome space.
type Cell struct {
	Card       testcards.Card
	Channel    threeds.Channel
	Preference threeds.ChallengePreference
	Enrolled   bool
}

// Name identifies a cell in reports: "4000000000000010 browser no_preference enrolled".
func (c Cell) Name() string {
	e := "not-enrolled"
	if c.Enrolled {
		e = "enrolled"
	}
	return fmt.Sprintf("%s %s %s %s", c.Card.PAN, c.Channel, c.Preference, e)
}

// Cells is the whole outcome space, in a stable order: card (as the
// sandbox lists them), enrolled, channel, preference.
func Cells() []Cell {
	var cells []Cell
	for _, card := range testcards.All {
		for _, enrolled := range []bool{true, false} {
			for _, ch := range threeds.Channels {
				for _, pref := range threeds.ChallengePreferences {
					cells = append(cells, Cell{Card: card, Channel: ch, Preference: pref, Enrolled: enrolled})
				}
			}
		}
	}
	return cells
}

// Outcome is how a cell ended: the ACS's first answer, the final
// transStatus with its ECI and whether a CAVV came, and the cardholder's
// step; or the failure when no authentication came back.
type Outcome struct {
	ARes        string  `json:"ares,omitempty"`
	TransStatus string  `json:"transStatus,omitempty"`
	ECI         string  `json:"eci,omitempty"`
	CAVV        bool    `json:"cavv"`
	Step        Step    `json:"step,omitempty"`
	Failure     Failure `json:"failure,omitempty"`
	// Detail says more about a failure (the error's words); it is not
	// compared.
	Detail string `json:"detail,omitempty"`
}

// Same reports whether o and other agree on everything but Detail.
func (o Outcome) Same(other Outcome) bool {
	o.Detail, other.Detail = "", ""
	return o == other
}

// Short is the outcome in a few characters, for a grid cell:
// "C→Y 05 CAVV right code", "A 06 CAVV", "HTTP 503".
func (o Outcome) Short() string {
	if o.Failure != NoFailure {
		return string(o.Failure)
	}
	parts := []string{o.TransStatus}
	if o.ARes != o.TransStatus {
		parts[0] = o.ARes + "→" + o.TransStatus
	}
	if o.ECI != "" {
		parts = append(parts, o.ECI)
	}
	if o.CAVV {
		parts = append(parts, "CAVV")
	}
	if o.Step != NoStep {
		parts = append(parts, string(o.Step))
	}
	return strings.Join(parts, " ")
}

// Diff names what differs between the expected outcome and the one got.
func Diff(want, got Outcome) string {
	var d []string
	add := func(field, w, g string) {
		if w != g {
			d = append(d, fmt.Sprintf("%s %s, want %s", field, orNone(g), orNone(w)))
		}
	}
	add("failure", string(want.Failure), string(got.Failure))
	add("ARes", want.ARes, got.ARes)
	add("transStatus", want.TransStatus, got.TransStatus)
	add("ECI", want.ECI, got.ECI)
	add("CAVV", yesNo(want.CAVV), yesNo(got.CAVV))
	add("step", string(want.Step), string(got.Step))
	s := strings.Join(d, "; ")
	if got.Detail != "" {
		s += " (" + got.Detail + ")"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "present"
	}
	return "absent"
}
