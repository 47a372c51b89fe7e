package matrix

import (
	"slices"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// Enrollment is whether a rule holds for enrolled cards, others, or both.
type Enrollment int

// The enrollments a rule can ask for.
const (
	AnyEnrollment Enrollment = iota
	Enrolled
	NotEnrolled
)

func (e Enrollment) matches(enrolled bool) bool {
	return e == AnyEnrollment || (e == Enrolled) == enrolled
}

func (e Enrollment) String() string {
	switch e {
	case Enrolled:
		return "yes"
	case NotEnrolled:
		return "no"
	}
	return "any"
}

// Rule is one row of the documented outcome table: the ACS's first answer
// (ARes) for the cells it covers. Rows never overlap (a test checks that
// each cell matches exactly one). A nil list means any value.
type Rule struct {
	Cards       []testcards.Outcome
	Channels    []threeds.Channel
	Preferences []threeds.ChallengePreference
	Enrolled    Enrollment
	// ARes is the ACS's transStatus, or "" when the 3DS server gives no
	// authentication at all (Failure says what it gives instead).
	ARes    string
	Failure Failure
	// Note says why, in the README's words.
	Note string
}

// Failure is how a cell ends when the 3DS server gives no authentication.
type Failure string

// The failures the fault cards force.
const (
	NoFailure  Failure = ""
	HTTP500    Failure = "HTTP 500"
	HTTP503    Failure = "HTTP 503"
	NoAnswer   Failure = "timeout"
	OtherError Failure = "error" // anything else: never expected
)

var (
	preferChallenge = []threeds.ChallengePreference{threeds.Preferred, threeds.Mandated}
	noChallenge     = []threeds.ChallengePreference{threeds.NoPreference, threeds.NoChallenge}
	browser         = []threeds.Channel{threeds.Browser}
	decoupled       = []threeds.Channel{threeds.Decoupled}
	needCardholder  = []testcards.Outcome{testcards.Challenge, testcards.Decoupled}
)

// Rules is walletsim's documented outcome table, the one place it is
// written: `walletsim matrix` checks every cell against it, and
// `walletsim matrix --markdown` writes the README's table from it. It is
// deliberately not derived from the sandbox's code: a changed decision
// rule there shows up as a red cell here.
var Rules = []Rule{
	{Cards: []testcards.Outcome{testcards.Frictionless}, Preferences: noChallenge, ARes: "Y",
		Note: "frictionless: authenticated at once"},
	{Cards: []testcards.Outcome{testcards.Frictionless}, Preferences: preferChallenge, Enrolled: Enrolled, Channels: browser, ARes: "C",
		Note: "the merchant asked for a challenge (`acsChallengeMandated: N`)"},
	{Cards: []testcards.Outcome{testcards.Frictionless}, Preferences: preferChallenge, Enrolled: Enrolled, Channels: decoupled, ARes: "D",
		Note: "the merchant asked for a challenge, on the decoupled channel"},
	{Cards: []testcards.Outcome{testcards.Frictionless}, Preferences: []threeds.ChallengePreference{threeds.Preferred}, Enrolled: NotEnrolled, ARes: "Y",
		Note: "a preference, not a mandate: nobody to challenge, so frictionless"},
	{Cards: []testcards.Outcome{testcards.Frictionless}, Preferences: []threeds.ChallengePreference{threeds.Mandated}, Enrolled: NotEnrolled, ARes: "A",
		Note: "a mandated challenge the issuer cannot do: attempts processing"},
	{Cards: []testcards.Outcome{testcards.Attempted}, ARes: "A", Note: "attempts processing, proof of the attempt"},
	{Cards: []testcards.Outcome{testcards.Challenge}, Enrolled: Enrolled, Channels: browser, ARes: "C",
		Note: "the issuer wants a code (`acsChallengeMandated: Y`), even with `no_challenge`"},
	{Cards: []testcards.Outcome{testcards.Challenge}, Enrolled: Enrolled, Channels: decoupled, ARes: "D",
		Note: "the issuer wants the cardholder; the merchant chose decoupled"},
	{Cards: []testcards.Outcome{testcards.Decoupled}, Enrolled: Enrolled, Channels: decoupled, ARes: "D",
		Note: "the issuer asks the wallet"},
	{Cards: []testcards.Outcome{testcards.Decoupled}, Enrolled: Enrolled, Channels: browser, ARes: "C",
		Note: "decoupled was not requested (`threeDSRequestorDecReqInd: N`), so EMV forbids D: the issuer challenges instead"},
	{Cards: needCardholder, Enrolled: NotEnrolled, Channels: decoupled, ARes: "A",
		Note: "card not enrolled in 3DS: attempts processing stands in"},
	{Cards: []testcards.Outcome{testcards.Challenge}, Enrolled: NotEnrolled, Channels: browser, ARes: "A",
		Note: "card not enrolled in 3DS: attempts processing stands in"},
	{Cards: []testcards.Outcome{testcards.Decoupled}, Enrolled: NotEnrolled, Channels: browser, ARes: "N",
		Note: "decoupled required but not requested, and no challenge possible: `transStatusReason` 23"},
	{Cards: []testcards.Outcome{testcards.NotAuth}, ARes: "N", Note: "not authenticated, a `failure_reason`"},
	{Cards: []testcards.Outcome{testcards.Rejected}, ARes: "R", Note: "rejected by the issuer, a `failure_reason`"},
	{Cards: []testcards.Outcome{testcards.Unavailable}, ARes: "U", Note: "authentication unavailable, a `failure_reason`"},
	{Cards: []testcards.Outcome{testcards.Fault500}, Failure: HTTP500, Note: "the 3DS server fails"},
	{Cards: []testcards.Outcome{testcards.Fault503}, Failure: HTTP503, Note: "the 3DS server is unavailable"},
	{Cards: []testcards.Outcome{testcards.FaultTimeout}, Failure: NoAnswer, Note: "the 3DS server never answers"},
}

// matches reports whether r covers c.
func (r Rule) matches(c Cell) bool {
	return (r.Cards == nil || slices.Contains(r.Cards, c.Card.Outcome)) &&
		(r.Channels == nil || slices.Contains(r.Channels, c.Channel)) &&
		(r.Preferences == nil || slices.Contains(r.Preferences, c.Preference)) &&
		r.Enrolled.matches(c.Enrolled)
}

// RuleFor is the rule that covers c (false when none does).
func RuleFor(c Cell) (Rule, bool) {
	for _, r := range Rules {
		if r.matches(c) {
			return r, true
		}
	}
	return Rule{}, false
}

// Ending is how the cardholder's part ends: the step taken and the final
// transStatus, for a challenge (C) and a decoupled request (D).
type Ending struct {
	Step        Step
	TransStatus string
}

// Endings is the second half of the table: what each cardholder behaviour
// leads to once the ACS has asked for the cardholder.
var Endings = map[string]map[Cardholder]Ending{
	"C": {
		Approve:   {CodeRight, "Y"},
		WrongCode: {CodeWrong, "N"},
		Reject:    {Cancelled, "N"},
		Expire:    {Waited, "U"},
	},
	"D": {
		Approve:   {Verified, "Y"},
		WrongCode: {Failed, "U"},
		Reject:    {RejectedInWallet, "N"},
		Expire:    {Waited, "U"},
	},
}

// ECIs is the Electronic Commerce Indicator of each final transStatus that
// carries one, per scheme (Visa, mada and American Express SafeKey 05/06,
// Mastercard 02/01). Only Y and A carry an ECI and a CAVV.
var ECIs = map[string]map[testcards.Scheme]string{
	"Y": {testcards.Visa: "05", testcards.Mada: "05", testcards.Mastercard: "02", testcards.Amex: "05"},
	"A": {testcards.Visa: "06", testcards.Mada: "06", testcards.Mastercard: "01", testcards.Amex: "06"},
}

// Expect is the documented outcome of c when the cardholder behaves as ch.
func Expect(c Cell, ch Cardholder) Outcome {
	r, ok := RuleFor(c)
	if !ok {
		return Outcome{Failure: OtherError, Detail: "no rule in the outcome table covers this cell"}
	}
	if r.Failure != NoFailure {
		return Outcome{Failure: r.Failure}
	}
	o := Outcome{ARes: r.ARes, TransStatus: r.ARes, Step: NoStep}
	if e, ok := Endings[r.ARes][ch]; ok {
		o.Step, o.TransStatus = e.Step, e.TransStatus
	}
	o.ECI = ECIs[o.TransStatus][c.Card.Scheme]
	o.CAVV = o.ECI != ""
	return o
}
