package runner

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
)

func ptr[T any](v T) *T { return &v }

type expectationCase struct {
	rule       string
	expect     scenario.Expect
	meets      flows.Result
	breaks     flows.Result
	wantFailed string
}

// expectationCases are each expectation's cases: stated alone, it holds
// for a result that meets it and fails with its message for one that
// breaks it.
var expectationCases = []expectationCase{
	{"ok", scenario.Expect{OK: ptr(false)},
		flows.Result{OK: false, Summary: "Rejected."}, flows.Result{OK: true, Summary: "Fine."},
		"ok: expected false, got true (Fine.)"},
	{"transport_error", scenario.Expect{TransportError: ptr(true)},
		flows.Result{Summary: "No answer.", Err: &client.TransportError{Err: errors.New("timeout")}},
		flows.Result{HTTPStatus: 503, Summary: "Down."},
		"transport_error: expected true, got false (Down.)"},
	{"status", scenario.Expect{Status: 422},
		flows.Result{HTTPStatus: 422}, flows.Result{HTTPStatus: 200, Summary: "Fine."},
		"status: expected 422, got 200 (Fine.)"},
	{"trans_status", scenario.Expect{TransStatus: "Y"},
		flows.Result{TransStatus: "Y"}, flows.Result{TransStatus: "N"},
		`trans_status: expected Y, got "N"`},
	{"eci", scenario.Expect{ECI: ptr("")},
		flows.Result{TransStatus: "N"}, flows.Result{ECI: "05"},
		`eci: expected "", got "05"`},
	{"cavv", scenario.Expect{CAVV: "present"},
		flows.Result{CAVV: "AAABBBCCCDDDEEEFFFGGGHHHIII="}, flows.Result{},
		`cavv: expected present, got ""`},
	{"cavv", scenario.Expect{CAVV: "absent"},
		flows.Result{}, flows.Result{CAVV: "x"},
		`cavv: expected absent, got "x"`},
	{"cavv", scenario.Expect{CAVV: "AAABBBCCCDDDEEEFFFGGGHHHIII="},
		flows.Result{CAVV: "AAABBBCCCDDDEEEFFFGGGHHHIII="}, flows.Result{CAVV: "x"},
		`cavv: expected "AAABBBCCCDDDEEEFFFGGGHHHIII=", got "x"`},
	{"message", scenario.Expect{Message: "Data validation"},
		flows.Result{Summary: "The 3DS server refused (HTTP 422): Data validation failed"},
		flows.Result{Summary: "Fine."},
		`message: expected a summary containing "Data validation", got "Fine."`},
	{"message", scenario.Expect{Message: "must be a proper"}, // field errors count as the summary's
		flows.Result{Summary: "Not sent.", FieldErrors: []client.FieldError{{Field: "number", Message: "The value must be a proper credit/debit card number."}}},
		flows.Result{Summary: "Not sent."},
		`message: expected a summary containing "must be a proper", got "Not sent."`},
	{"error_code", scenario.Expect{ErrorCode: "5068"},
		flows.Result{ErrorCode: "5068"}, flows.Result{ErrorCode: "400"},
		`error_code: expected "5068", got "400"`},
	{"error_fields", scenario.Expect{ErrorFields: scenario.FieldNames{"year", "number"}},
		flows.Result{FieldErrors: []client.FieldError{{Field: "number"}, {Field: "year"}, {Field: "number"}}},
		flows.Result{FieldErrors: []client.FieldError{{Field: "month"}}},
		"error_fields: expected [number year], got [month]"},
	{"error_fields", scenario.Expect{ErrorFields: scenario.FieldNames{}}, // [] expects none
		flows.Result{}, flows.Result{FieldErrors: []client.FieldError{{Field: "month"}}},
		"error_fields: expected [], got [month]"},
	{"attempts_left", scenario.Expect{AttemptsLeft: ptr(2)},
		flows.Result{TransStatus: "C", AttemptsLeft: ptr(2)}, flows.Result{TransStatus: "C", AttemptsLeft: ptr(1)},
		`attempts_left: expected 2, got "1"`},
	{"attempts_left", scenario.Expect{AttemptsLeft: ptr(0)}, // a step that read no page has none
		flows.Result{AttemptsLeft: ptr(0)}, flows.Result{HTTPStatus: 409},
		`attempts_left: expected 0, got ""`},
	{"fields.acsChallengeMandated", scenario.Expect{Fields: scenario.Values{ChallengeMandated: ptr("Y")}},
		flows.Result{ChallengeMandated: "Y"}, flows.Result{ChallengeMandated: "N"},
		`fields.acsChallengeMandated: expected "Y", got "N"`},
	{"fields.amount", scenario.Expect{Fields: scenario.Values{Amount: ptr("SAR 49.99")}},
		flows.Result{Amount: flows.Money{Minor: 4999, Currency: "SAR"}}, flows.Result{Amount: flows.Money{Minor: 4999, Currency: "KWD"}},
		`fields.amount: expected "SAR 49.99", got "KWD 4.999"`},
	{"fields.challenge_url", scenario.Expect{Fields: scenario.Values{ChallengeURL: ptr("")}},
		flows.Result{TransStatus: "Y"}, flows.Result{ChallengeURL: "http://acs/c/1"},
		`fields.challenge_url: expected "", got "http://acs/c/1"`},
	{"fields.destination", scenario.Expect{Fields: scenario.Values{Destination: ptr("+966******001")}},
		flows.Result{Destination: "+966******001"}, flows.Result{Destination: "l***@example.com"},
		`fields.destination: expected "+966******001", got "l***@example.com"`},
	{"fields.failure_reason", scenario.Expect{Fields: scenario.Values{FailureReason: ptr("Too many wrong one-time codes.")}},
		flows.Result{FailureReason: "Too many wrong one-time codes."}, flows.Result{},
		`fields.failure_reason: expected "Too many wrong one-time codes.", got ""`},
	{"fields.message", scenario.Expect{Fields: scenario.Values{Message: ptr("3DS enrollment successful.")}},
		flows.Result{Message: "3DS enrollment successful."}, flows.Result{Summary: "3DS enrollment successful."},
		`fields.message: expected "3DS enrollment successful.", got ""`},
	{"fields.otp_delivery_method", scenario.Expect{Fields: scenario.Values{OTPMethod: ptr("SMS")}},
		flows.Result{OTPMethod: "SMS"}, flows.Result{OTPMethod: "EMAIL"},
		`fields.otp_delivery_method: expected "SMS", got "EMAIL"`},
	{"fields.status", scenario.Expect{Fields: scenario.Values{Status: ptr("VERIFIED")}},
		flows.Result{Status: "VERIFIED"}, flows.Result{Status: "FAILED"},
		`fields.status: expected "VERIFIED", got "FAILED"`},
	{"fields.statusReason", scenario.Expect{Fields: scenario.Values{StatusReason: ptr("sensor error")}},
		flows.Result{StatusReason: "sensor error"}, flows.Result{StatusReason: "expired"},
		`fields.statusReason: expected "sensor error", got "expired"`},
}

// TestExpectations: each expectation holds for a result that meets it,
// fails with its message for one that breaks it, and checks nothing when
// the expect block does not state it.
func TestExpectations(t *testing.T) {
	for _, tc := range expectationCases {
		t.Run(tc.rule, func(t *testing.T) {
			rule := ruleNamed(t, tc.rule)
			if m := rule.test(&tc.expect, tc.meets); m != nil {
				t.Errorf("a result that meets it fails: %+v", m)
			}
			if got := check(&tc.expect, tc.breaks); !slices.Equal(got, []string{tc.wantFailed}) {
				t.Errorf("a result that breaks it:\n got %q\nwant %q", got, tc.wantFailed)
			}
			if m := rule.test(&scenario.Expect{}, tc.breaks); m != nil {
				t.Errorf("checked although not stated: %+v", m)
			}
		})
	}
}

func ruleNamed(t *testing.T, name string) expectation {
	t.Helper()
	for _, x := range expectations {
		if x.name == name {
			return x
		}
	}
	t.Fatalf("no expectation %q", name)
	return expectation{}
}

// TestEveryExpectationIsTested: a new expectation needs a case above.
func TestEveryExpectationIsTested(t *testing.T) {
	for _, x := range expectations {
		if !slices.ContainsFunc(expectationCases, func(tc expectationCase) bool { return tc.rule == x.name }) {
			t.Errorf("expectation %q has no case in expectationCases", x.name)
		}
	}
}

// TestNoExpectBlock: without an expect block the step must succeed; with
// one, only what it states counts.
func TestNoExpectBlock(t *testing.T) {
	if got := check(nil, flows.Result{OK: true}); got != nil {
		t.Errorf("success failed: %q", got)
	}
	if got := check(nil, flows.Result{Summary: "Rejected."}); !slices.Equal(got, []string{"expected success, got: Rejected."}) {
		t.Errorf("failure: %q", got)
	}
	if got := check(&scenario.Expect{}, flows.Result{Summary: "Rejected."}); got != nil {
		t.Errorf("an empty expect block checked something: %q", got)
	}
}

// TestExpectationsRun: a scenario's failed expectations reach the report
// in the order of the table, each with expected and actual.
func TestExpectationsRun(t *testing.T) {
	sc, err := scenario.Parse("t.yaml", []byte(`name: t
card: {number: "4000 0000 0000 0010", month: 12, year: 2030}
steps:
  - authenticate: {}
    expect: {ok: false, trans_status: N, cavv: absent, fields: {status: failed, acsChallengeMandated: "Y"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(context.Background(), []scenario.Scenario{sc}, Options{Resolve: func(string) (flows.Target, error) { return flows.SandboxTarget(), nil }})
	got := rep.Scenarios[0].Steps[0].Failures
	want := []string{"ok: expected false, got true (Authenticated (Y). ECI 05.)", `trans_status: expected N, got "Y"`,
		"cavv: expected absent, got ", `fields.acsChallengeMandated: expected "Y", got ""`, // EMV sends it with C or D only
		`fields.status: expected "failed", got "authenticated"`}
	if len(got) != len(want) {
		t.Fatalf("failures %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("failure %d: %q, want %q…", i, got[i], want[i])
		}
	}
}
