package runner_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/strictfake"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
)

// Scenarios on client/strictfake through a profile without extensions:
// what the target gives passes; a step it cannot do is skipped with the
// reason; a scenario expecting what the target cannot give fails with that
// reason; nothing sent breaks the seeds.
func TestScenariosOnAStrictTarget(t *testing.T) {
	fake := strictfake.New(strictfake.Config{})
	defer fake.Close()
	target := flows.Target{
		Name: "strict", IssuingURL: fake.URL, ThreeDSURL: fake.URL, WalletURL: fake.URL,
		APIKey: "k", ThreeDSKey: "sk_live_x", WalletToken: "t", ProductID: "P", CardholderID: strictfake.CardholderID,
		WalletID: strictfake.WalletID, CardID: strictfake.CardFor("C").CardID, CustomerID: strictfake.CustomerID,
		RequestExpiry: time.Minute,
	}
	resolve := func(string) (flows.Target, error) { return target, nil }
	card := func(o string) string {
		return "card: {number: \"" + strictfake.CardFor(o).PAN + "\", month: 12, year: 2030}\n"
	}
	scs := []scenario.Scenario{
		// First, before any enrollment: the ACS answers N and sends no code.
		parse(t, "name: inbox expected\n"+card("C")+"steps:\n  - authenticate: {}\n    expect: {trans_status: N}\n"+
			"  - challenge: {code: inbox}\n    expect: {trans_status: Y}\n"),
		parse(t, "name: frictionless\n"+card("Y")+"steps:\n  - authenticate: {}\n  - result: {}\n    expect: {trans_status: Y, eci: \"05\", cavv: present}\n"),
		parse(t, "name: fault not sent\n"+card("Y")+"steps:\n  - authenticate: {}\n    fault: status=503\n"),
		parse(t, "name: fault expected\n"+card("Y")+"steps:\n  - authenticate: {}\n    fault: status=503\n    expect: {status: 503}\n"),
		parse(t, "name: browser challenge\n"+card("C")+"steps:\n  - enroll: {otp: SMS}\n  - authenticate: {}\n    expect: {trans_status: C}\n"+
			"  - challenge: {code: browser}\n  - result: {}\n  - unenroll: {}\n"),
		parse(t, "name: result expected\n"+card("C")+"steps:\n  - enroll: {otp: EMAIL}\n  - authenticate: {}\n"+
			"  - challenge: {code: browser}\n  - result: {}\n    expect: {trans_status: Y}\n"),
	}
	// The cardholder, in a browser: each challenge as it is sent, answered
	// with the code the issuer sent.
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	browser := make(chan error, 4)
	go func() {
		for {
			select {
			case msg := <-fake.Challenges():
				_, _, err := fake.AnswerChallenge(ctx, msg.ChallengeURL, msg.Code)
				browser <- err
			case <-ctx.Done():
				return
			}
		}
	}()
	rep := runner.Run(context.Background(), scs, runner.Options{Resolve: resolve, Profile: "strict"})
	var out bytes.Buffer
	for _, s := range rep.Scenarios {
		for _, st := range s.Steps {
			out.WriteString(s.Name + " › " + runner.StepLine(st) + "\n")
		}
	}
	runner.WriteSummary(&out, rep)
	text := out.String()
	want := map[string]string{
		"frictionless":      runner.Passed,
		"fault not sent":    runner.Passed,
		"fault expected":    runner.Failed,
		"browser challenge": runner.Passed,
		"result expected":   runner.Failed,
		"inbox expected":    runner.Failed,
	}
	for _, s := range rep.Scenarios {
		if s.Status != want[s.Name] {
			t.Errorf("%s: %s, want %s", s.Name, s.Status, want[s.Name])
		}
	}
	for _, line := range []string{
		"frictionless › ✓ 2 result — Authenticated (Y). ECI 05. (the authenticate answer: final, as the ACS answered at once)",
		"fault not sent › – 1 authenticate — skipped: Not sent: fault: asks a walletsim sandbox to misbehave (x-walletsim-fault), and strict is not one.",
		"browser challenge › ✓ 3 challenge — The ACS sent the cardholder back to return_url for authentication",
		"browser challenge › – 4 result — skipped: The ACS sent the cardholder back to return_url: the challenge is over. The final result is not readable on strict",
		"result expected › ✗ 4 result — The ACS sent the cardholder back",
		"line 8: skipped — The ACS sent the cardholder back to return_url: the challenge is over. The final result is not readable on strict",
		"so this cannot hold: trans_status: expected Y\n",
		"inbox expected › ✗ 2 challenge — Not read: the cardholder's inbox is a walletsim sandbox extension",
		"fault expected › ✗ 1 authenticate — Not sent: fault: asks a walletsim sandbox to misbehave (x-walletsim-fault), and strict is not one.\n" +
			"    line 6: skipped — Not sent: fault: asks a walletsim sandbox to misbehave (x-walletsim-fault), and strict is not one. — so this cannot hold: status: expected 503\n",
		"6 scenarios: 3 passed, 3 failed, 0 errors (5 steps skipped: not possible on the target)",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("missing %q in:\n%s", line, text)
		}
	}
	for range 2 {
		if err := <-browser; err != nil {
			t.Errorf("browser: %v", err)
		}
	}
	for _, v := range fake.Violations() {
		t.Errorf("broke the seeds: %s", v)
	}
}
