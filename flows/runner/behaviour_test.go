package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
)

var update = flag.Bool("update", false, "rewrite golden files")

func parse(t *testing.T, text string) scenario.Scenario {
	t.Helper()
	sc, err := scenario.Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestWrongExpectationFails: a wrong expectation fails the scenario with
// the step, the field, and expected vs actual; exit code 1.
func TestWrongExpectationFails(t *testing.T) {
	sc := parse(t, `name: wrong
card: {number: "4000 0000 0000 0010", month: 12, year: 2030}
steps:
  - authenticate: {}
    expect: {trans_status: C, eci: "02"}
  - result: {}
`)
	rep := runner.Run(context.Background(), []scenario.Scenario{sc}, runner.Options{Resolve: sandboxOnly})
	s := rep.Scenarios[0]
	if s.Status != runner.Failed || rep.ExitCode() != 1 || len(s.Steps) != 1 {
		t.Fatalf("%+v", s)
	}
	var out bytes.Buffer
	runner.WriteSummary(&out, rep)
	for _, want := range []string{
		`FAILED wrong (test.yaml): step 1 (authenticate, line 5): trans_status: expected C, got "Y"; eci: expected "02", got "05"`,
		"1 scenarios: 0 passed, 1 failed, 0 errors",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

// TestErrorsAreNotFailures: a scenario that cannot run (a step out of
// order, an unknown target) is an error, exit code 3.
func TestErrorsAreNotFailures(t *testing.T) {
	outOfOrder := parse(t, "name: out of order\nsteps:\n  - challenge: {code: inbox}\n")
	unknown := parse(t, "name: elsewhere\ntarget: staging\nsteps:\n  - view: {}\n")
	rep := runner.Run(context.Background(), []scenario.Scenario{outOfOrder, unknown}, runner.Options{Resolve: sandboxOnly})
	if rep.Errors != 2 || rep.ExitCode() != 3 {
		t.Fatalf("%+v", rep)
	}
	if !strings.Contains(rep.Scenarios[0].Error, "step 1 (challenge, line 3): challenge: the purchase has no challenge") ||
		!strings.Contains(rep.Scenarios[1].Error, `unknown target "staging"`) {
		t.Fatalf("%q / %q", rep.Scenarios[0].Error, rep.Scenarios[1].Error)
	}
}

// TestTranscriptGolden: the transcript of two scenarios is byte-identical
// from run to run (virtual clock, seeded ids, the sandbox's port replaced),
// redacted, and matches its golden file.
func TestTranscriptGolden(t *testing.T) {
	files := []string{"cards/03-challenge-right-code-visa.yaml", "cards/04-decoupled-approve-visa.yaml"}
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(root(t), "testdata", "scenarios", f))
	}
	scs, err := scenario.Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	run := func() string {
		var tr bytes.Buffer
		rep := runner.Run(context.Background(), scs, runner.Options{Resolve: sandboxOnly, Parallel: 2, Transcript: &tr})
		if rep.ExitCode() != 0 {
			t.Fatalf("run failed: %+v", rep.Scenarios)
		}
		return tr.String()
	}
	first, second := run(), run()
	if first != second {
		t.Fatalf("two runs differ:\n%s", cmp.Diff(first, second))
	}
	for _, secret := range []string{"sandbox-api-key", "sandbox-token", "sk_test_sandbox", "sandbox-wallet-token", "sandbox-hmac-key", "c2tfdGVzdF9zYW5kYm94Og=="} {
		if strings.Contains(first, secret) {
			t.Errorf("the transcript contains the secret %q", secret)
		}
	}
	for i, line := range strings.Split(strings.TrimSpace(first), "\n") {
		var l runner.Line
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.Scenario == "" || l.Op == "" {
			t.Fatalf("line %d is not a transcript line: %v\n%s", i+1, err, line)
		}
	}
	golden := filepath.Join(root(t), "testdata", "golden", "flows", "transcript.jsonl")
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		os.WriteFile(golden, []byte(first), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if diff := cmp.Diff(string(want), first); diff != "" {
		t.Errorf("transcript differs from %s (-want +got):\n%s", golden, diff)
	}
}

// TestReports: JSON and JUnit carry every scenario with its status.
func TestReports(t *testing.T) {
	pass := parse(t, "name: pass\ncard: {number: \"4000000000000010\", month: 1, year: 2031}\nsteps:\n  - authenticate: {}\n")
	fail := parse(t, "name: fail\ncard: {number: \"4000000000000010\", month: 1, year: 2031}\nsteps:\n  - authenticate: {}\n    expect: {trans_status: N}\n")
	rep := runner.Run(context.Background(), []scenario.Scenario{pass, fail}, runner.Options{Resolve: sandboxOnly})
	var js bytes.Buffer
	if err := runner.WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Passed, Failed int
		Scenarios      []struct {
			Name, Status string
			Steps        []struct {
				TransStatus string `json:"trans_status"`
			}
		}
	}
	if err := json.Unmarshal(js.Bytes(), &parsed); err != nil || parsed.Passed != 1 || parsed.Failed != 1 ||
		parsed.Scenarios[1].Status != "failed" || parsed.Scenarios[0].Steps[0].TransStatus != "Y" {
		t.Fatalf("%v\n%s", err, js.String())
	}
	var ju bytes.Buffer
	if err := runner.WriteJUnit(&ju, rep); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suite    struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(ju.Bytes(), &suites); err != nil || suites.Tests != 2 || suites.Failures != 1 ||
		suites.Suite.Cases[1].Failure == nil || !strings.Contains(suites.Suite.Cases[1].Failure.Message, "trans_status: expected N") {
		t.Fatalf("%v\n%s", err, ju.String())
	}
}

// TestCancelLeavesNoGoroutine: cancelling a run mid-flow (the wallet
// waiting for a webhook that never comes) ends it, closes every session and
// leaves no goroutine behind.
func TestCancelLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sc := parse(t, `name: waits
card: {number: "4000 0000 0000 0010", month: 12, year: 2030}
steps:
  - wallet: {decision: VERIFIED}
`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	rep := runner.Run(ctx, []scenario.Scenario{sc}, runner.Options{Resolve: sandboxOnly})
	if s := rep.Scenarios[0]; s.Status == runner.Passed || !s.Steps[0].Result.Cancelled {
		t.Fatalf("%+v %+v", s, s.Steps)
	}
}

// TestTwoDecoupledPurchases: each wallet step answers its own purchase's
// request — the second one the second request, not the first again (which
// the platform would refuse with 409 DW-3DS-ALREADY-COMPLETED).
func TestTwoDecoupledPurchases(t *testing.T) {
	sc := parse(t, `name: two decoupled purchases
card: {number: "4000 0000 0000 0044", month: 12, year: 2030}
steps:
  - enroll: {otp: SMS}
  - authenticate: {channel: decoupled}
    expect: {trans_status: D}
  - wallet: {decision: VERIFIED}
    expect: {status: 201, fields: {status: VERIFIED}}
  - result: {}
    expect: {trans_status: Y, eci: "05", cavv: present}
  - authenticate: {channel: decoupled}
    expect: {trans_status: D}
  - wallet: {decision: REJECTED}
    expect: {status: 201, fields: {status: REJECTED}}
  - result: {}
    expect: {trans_status: N, cavv: absent}
`)
	requirePass(t, sc)
}

// TestWalletAnswersItsOwnPurchase: with two requests waiting, the wallet
// step answers the latest purchase's, though the other arrived first; the
// other stays queued, and expires unanswered.
func TestWalletAnswersItsOwnPurchase(t *testing.T) {
	sc := parse(t, `name: two requests waiting
card: {number: "4000 0000 0000 0044", month: 12, year: 2030}
steps:
  - enroll: {otp: SMS}
  - authenticate: {amount: 1000, currency: SAR, channel: decoupled}
    expect: {trans_status: D}
  - authenticate: {amount: 2000, currency: SAR, channel: decoupled}
    expect: {trans_status: D}
  - wallet: {decision: REJECTED}
    expect: {status: 201, fields: {status: REJECTED}}
  - result: {}
    expect: {trans_status: N}
`)
	requirePass(t, sc)
}

func requirePass(t *testing.T, sc scenario.Scenario) {
	t.Helper()
	rep := runner.Run(context.Background(), []scenario.Scenario{sc}, runner.Options{Resolve: sandboxOnly})
	if rep.ExitCode() != 0 {
		var out bytes.Buffer
		runner.WriteSummary(&out, rep)
		t.Fatalf("exit %d:\n%s", rep.ExitCode(), out.String())
	}
}

// TestWalletPurchaseOutOfRange: a wallet step naming a purchase that was
// never authenticated cannot run, and says why.
func TestWalletPurchaseOutOfRange(t *testing.T) {
	sc := parse(t, `name: purchase 2 of 1
card: {number: "4000 0000 0000 0044", month: 12, year: 2030}
steps:
  - enroll: {otp: SMS}
  - authenticate: {channel: decoupled}
  - wallet: {decision: VERIFIED, purchase: 2}
`)
	rep := runner.Run(context.Background(), []scenario.Scenario{sc}, runner.Options{Resolve: sandboxOnly})
	if s := rep.Scenarios[0]; s.Status != runner.Errored || !strings.Contains(s.Error, "purchase 2: only 1 purchases") {
		t.Fatalf("%s: %s", s.Status, s.Error)
	}
}

// TestChaosTranscriptsAreStable: the webhook fault scenarios, whose
// duplicates and redeliveries once landed anywhere in the transcript, give
// the same transcript on every run.
func TestChaosTranscriptsAreStable(t *testing.T) {
	scs, err := scenario.Load(filepath.Join(root(t), "testdata", "scenarios", "webhooks"))
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := range 8 {
		var tr bytes.Buffer
		rep := runner.Run(context.Background(), scs, runner.Options{Resolve: sandboxOnly, Parallel: 4, Transcript: &tr})
		if rep.ExitCode() != 0 {
			t.Fatalf("run %d: exit %d", i, rep.ExitCode())
		}
		if i == 0 {
			first = tr.String()
			if !strings.Contains(first, "accepted again") || !strings.Contains(first, `"status":401`) {
				t.Fatalf("the duplicate or the corrupt delivery is missing:\n%s", first)
			}
		} else if tr.String() != first {
			t.Fatalf("run %d's transcript differs from the first", i)
		}
	}
}
