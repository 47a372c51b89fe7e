package runner

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
)

// expectation is one thing an expect block can say about a step: its
// name, as the scenario and the failure message say it, and a test of the
// typed result. test returns nil when the expectation holds or the block
// does not state it.
type expectation struct {
	name string
	test func(e *scenario.Expect, r flows.Result) *mismatch
}

// mismatch is what was expected and what came, as the report prints them.
type mismatch struct{ want, got string }

// expectations are every expectation, in the order failures are reported
// (expect.fields by name).
var expectations = []expectation{
	{"ok", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.OK == nil || *e.OK == r.OK {
			return nil
		}
		return &mismatch{strconv.FormatBool(*e.OK), strconv.FormatBool(r.OK) + " (" + r.String() + ")"}
	}},
	{"transport_error", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.TransportError == nil || *e.TransportError == noAnswer(r) {
			return nil
		}
		return &mismatch{strconv.FormatBool(*e.TransportError), strconv.FormatBool(noAnswer(r)) + " (" + r.String() + ")"}
	}},
	{"status", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.Status == 0 || e.Status == r.HTTPStatus {
			return nil
		}
		return &mismatch{strconv.Itoa(e.Status), strconv.Itoa(r.HTTPStatus) + " (" + r.String() + ")"}
	}},
	{"trans_status", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.TransStatus == "" || string(e.TransStatus) == r.TransStatus {
			return nil
		}
		return &mismatch{string(e.TransStatus), strconv.Quote(r.TransStatus)}
	}},
	same("eci", func(e *scenario.Expect) *string { return e.ECI }, func(r flows.Result) string { return r.ECI }),
	{"cavv", func(e *scenario.Expect, r flows.Result) *mismatch {
		switch {
		case e.CAVV == "", e.CAVV == r.CAVV, e.CAVV == "present" && r.CAVV != "", e.CAVV == "absent" && r.CAVV == "":
			return nil
		case e.CAVV == "present" || e.CAVV == "absent":
			return &mismatch{e.CAVV, strconv.Quote(r.CAVV)}
		}
		return &mismatch{strconv.Quote(e.CAVV), strconv.Quote(r.CAVV)}
	}},
	{"message", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.Message == "" || strings.Contains(r.String(), e.Message) {
			return nil
		}
		return &mismatch{"a summary containing " + strconv.Quote(e.Message), strconv.Quote(r.String())}
	}},
	{"error_code", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.ErrorCode == "" || e.ErrorCode == r.ErrorCode {
			return nil
		}
		return &mismatch{strconv.Quote(e.ErrorCode), strconv.Quote(r.ErrorCode)}
	}},
	{"error_fields", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.ErrorFields == nil {
			return nil
		}
		var got []string
		for _, f := range r.FieldErrors {
			if !slices.Contains(got, f.Field) {
				got = append(got, f.Field)
			}
		}
		want := slices.Sorted(slices.Values(e.ErrorFields))
		if slices.Sort(got); slices.Equal(got, want) {
			return nil
		}
		return &mismatch{fmt.Sprint(want), fmt.Sprint(got)}
	}},
	{"attempts_left", func(e *scenario.Expect, r flows.Result) *mismatch {
		if e.AttemptsLeft == nil || r.AttemptsLeft != nil && *e.AttemptsLeft == *r.AttemptsLeft {
			return nil
		}
		got := ""
		if r.AttemptsLeft != nil {
			got = strconv.Itoa(*r.AttemptsLeft)
		}
		return &mismatch{strconv.Itoa(*e.AttemptsLeft), strconv.Quote(got)}
	}},
	field("acsChallengeMandated", func(v *scenario.Values) *string { return v.ChallengeMandated }, func(r flows.Result) string { return r.ChallengeMandated }),
	field("amount", func(v *scenario.Values) *string { return v.Amount }, func(r flows.Result) string { return r.Amount.String() }),
	field("challenge_url", func(v *scenario.Values) *string { return v.ChallengeURL }, func(r flows.Result) string { return r.ChallengeURL }),
	field("destination", func(v *scenario.Values) *string { return v.Destination }, func(r flows.Result) string { return r.Destination }),
	field("failure_reason", func(v *scenario.Values) *string { return v.FailureReason }, func(r flows.Result) string { return r.FailureReason }),
	field("message", func(v *scenario.Values) *string { return v.Message }, func(r flows.Result) string { return r.Message }),
	field("otp_delivery_method", func(v *scenario.Values) *string { return v.OTPMethod }, func(r flows.Result) string { return string(r.OTPMethod) }),
	field("status", func(v *scenario.Values) *string { return v.Status }, func(r flows.Result) string { return r.Status }),
	field("statusReason", func(v *scenario.Values) *string { return v.StatusReason }, func(r flows.Result) string { return r.StatusReason }),
}

// same is an expectation that a value, when stated, equals the result's.
func same(name string, want func(*scenario.Expect) *string, got func(flows.Result) string) expectation {
	return expectation{name, func(e *scenario.Expect, r flows.Result) *mismatch {
		if w, g := want(e), got(r); w != nil && *w != g {
			return &mismatch{strconv.Quote(*w), strconv.Quote(g)}
		}
		return nil
	}}
}

// field is same for one of expect.fields.
func field(name string, want func(*scenario.Values) *string, got func(flows.Result) string) expectation {
	return same("fields."+name, func(e *scenario.Expect) *string { return want(&e.Fields) }, got)
}

// check lists the expectations r does not meet. With no expectations, the
// step must have succeeded — or been skipped, as not possible on the
// target; then anything expected of it fails, with the reason.
func check(e *scenario.Expect, r flows.Result) []string {
	if r.Skipped {
		return cannotHold(e, r)
	}
	if e == nil {
		if !r.OK {
			return []string{"expected success, got: " + r.String()}
		}
		return nil
	}
	var out []string
	for _, x := range expectations {
		if m := x.test(e, r); m != nil {
			out = append(out, x.name+": expected "+m.want+", got "+m.got)
		}
	}
	return out
}

// cannotHold lists what a skipped step was expected to give, in one
// failure with the reason it could not (nothing came, so no "got").
func cannotHold(e *scenario.Expect, r flows.Result) []string {
	if e == nil {
		return nil
	}
	unsaid := r
	unsaid.Summary = "" // the reason is said once, before
	var wanted []string
	for _, x := range expectations {
		if m := x.test(e, unsaid); m != nil {
			wanted = append(wanted, x.name+": expected "+m.want)
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	return []string{"skipped — " + r.Summary + " — so this cannot hold: " + strings.Join(wanted, "; ")}
}

// noAnswer reports whether the step got no HTTP answer at all.
func noAnswer(r flows.Result) bool {
	var te *client.TransportError
	return errors.As(r.Err, &te)
}
