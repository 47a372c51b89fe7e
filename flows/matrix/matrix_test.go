package matrix

import (
	"context"
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
)

// Every cell is covered by exactly one rule: the table has no gaps and no
// overlaps, so reading it is unambiguous.
func TestRulesCoverEachCellOnce(t *testing.T) {
	for _, c := range Cells() {
		n := 0
		for _, r := range Rules {
			if r.matches(c) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: covered by %d rules, want 1", c.Name(), n)
		}
	}
}

func TestCellsCoverEveryTestCard(t *testing.T) {
	cells := Cells()
	want := len(testcards.All) * len(threeds.Channels) * len(threeds.ChallengePreferences) * 2
	if len(cells) != want {
		t.Fatalf("%d cells, want %d", len(cells), want)
	}
	seen := map[string]bool{}
	for _, c := range cells {
		seen[c.Card.PAN] = true
	}
	for _, tc := range testcards.All {
		if !seen[tc.PAN] {
			t.Errorf("card %s has no cell", tc.PAN)
		}
	}
}

func card(pan string) testcards.Card {
	tc, ok := testcards.Lookup(pan)
	if !ok {
		panic(pan)
	}
	return tc
}

func TestExpect(t *testing.T) {
	visaC, mcY, madaD := card("4000000000000036"), card("5200000000000015"), card("4406470000000049")
	tests := []struct {
		name string
		cell Cell
		ch   Cardholder
		want Outcome
	}{
		{"frictionless", Cell{mcY, threeds.Browser, threeds.NoPreference, false}, Approve,
			Outcome{ARes: "Y", TransStatus: "Y", ECI: "02", CAVV: true}},
		{"merchant prefers a challenge, enrolled", Cell{mcY, threeds.Browser, threeds.Preferred, true}, Approve,
			Outcome{ARes: "C", TransStatus: "Y", ECI: "02", CAVV: true, Step: CodeRight}},
		{"merchant mandates, not enrolled", Cell{mcY, threeds.Decoupled, threeds.Mandated, false}, Approve,
			Outcome{ARes: "A", TransStatus: "A", ECI: "01", CAVV: true}},
		{"challenge card, wrong codes", Cell{visaC, threeds.Browser, threeds.NoChallenge, true}, WrongCode,
			Outcome{ARes: "C", TransStatus: "N", Step: CodeWrong}},
		{"challenge card decoupled, rejected", Cell{visaC, threeds.Decoupled, threeds.NoPreference, true}, Reject,
			Outcome{ARes: "D", TransStatus: "N", Step: RejectedInWallet}},
		{"decoupled card, expired", Cell{madaD, threeds.Decoupled, threeds.NoPreference, true}, Expire,
			Outcome{ARes: "D", TransStatus: "U", Step: Waited}},
		// EMV: D only when the AReq asked for decoupled; the browser channel does not.
		{"decoupled card on the browser, expired", Cell{madaD, threeds.Browser, threeds.NoPreference, true}, Expire,
			Outcome{ARes: "C", TransStatus: "U", Step: Waited}},
		{"decoupled card not enrolled", Cell{madaD, threeds.Decoupled, threeds.NoPreference, false}, Reject,
			Outcome{ARes: "A", TransStatus: "A", ECI: "06", CAVV: true}},
		{"decoupled card not enrolled, on the browser (reason 23)", Cell{madaD, threeds.Browser, threeds.NoPreference, false}, Reject,
			Outcome{ARes: "N", TransStatus: "N"}},
		{"American Express attempted", Cell{card("374245000000025"), threeds.Browser, threeds.NoPreference, true}, Approve,
			Outcome{ARes: "A", TransStatus: "A", ECI: "06", CAVV: true}},
		{"503 card", Cell{card("5200000000005030"), threeds.Browser, threeds.NoPreference, true}, Approve,
			Outcome{Failure: HTTP503}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Expect(tt.cell, tt.ch); got != tt.want {
				t.Errorf("Expect = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func run(t *testing.T, ch Cardholder) *Report {
	t.Helper()
	rep, err := Run(context.Background(), Options{Target: flows.SandboxTarget(), Cardholder: ch})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The embedded sandbox agrees with the documented table in every cell,
// whatever the cardholder does.
func TestEmbeddedSandboxAgrees(t *testing.T) {
	for _, ch := range Cardholders {
		t.Run(string(ch), func(t *testing.T) {
			rep := run(t, ch)
			if rep.Passed != len(Cells()) {
				for _, c := range rep.Cells {
					if !c.OK() {
						t.Errorf("%s: %s", c.Name(), Diff(c.Want, c.Got))
					}
				}
			}
		})
	}
}

// A changed decision rule is a red cell: with one rule of the table
// changed, exactly the cells it covers fail.
func TestChangedRuleIsRed(t *testing.T) {
	saved := Rules
	t.Cleanup(func() { Rules = saved })
	Rules = append([]Rule(nil), saved...)
	Rules[0].ARes = "A" // frictionless cards, as if they were attempted
	rep := run(t, Approve)
	covered := 0
	for _, c := range rep.Cells {
		if saved[0].matches(c.Cell) {
			covered++
			if c.OK() {
				t.Errorf("%s passed with a wrong rule", c.Name())
			}
		} else if !c.OK() {
			t.Errorf("%s failed: %s", c.Name(), Diff(c.Want, c.Got))
		}
	}
	if rep.Failed != covered || covered == 0 {
		t.Errorf("%d failed, want the %d cells of the changed rule", rep.Failed, covered)
	}
}

func TestNotSandbox(t *testing.T) {
	if _, err := Run(context.Background(), Options{Target: flows.Target{Name: "prod"}}); err != ErrNotSandbox {
		t.Fatalf("err = %v, want ErrNotSandbox", err)
	}
}

func TestParseCardholder(t *testing.T) {
	if c, err := ParseCardholder("wrong-code"); err != nil || c != WrongCode {
		t.Fatalf("got %q, %v", c, err)
	}
	if _, err := ParseCardholder("approved"); err == nil || err.Error() != `"approved" is not a cardholder behaviour: use one of approve, reject, wrong-code, expire` {
		t.Fatalf("err = %v", err)
	}
}
