package recorder

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
)

func TestRecorder(t *testing.T) {
	r := New("sandbox", nil)
	r.UseCard(scenario.Card{Number: "4000000000000036", Month: 12, Year: 2030})
	r.Add(scenario.Step{Enroll: &scenario.OTPInput{OTP: "SMS"}}, flows.Result{OK: true, HTTPStatus: 200})
	r.Add(scenario.Step{Result: &scenario.NoInput{}}, flows.Result{OK: true, HTTPStatus: 200, TransStatus: "Y", ECI: "05", CAVV: "x"})
	r.Add(scenario.Step{View: &scenario.NoInput{}}, flows.Result{Cancelled: true})
	sc := r.Scenario("mine", "")
	if len(sc.Steps) != 2 || sc.Steps[1].Expect.TransStatus != "Y" || *sc.Steps[1].Expect.ECI != "05" || sc.Steps[1].Expect.CAVV != "present" {
		t.Fatalf("%+v", sc.Steps)
	}
	out, err := scenario.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	want := `name: mine
target: sandbox
card: {number: "4000000000000036", month: 12, year: 2030}
steps:
    - enroll: {otp: SMS}
      expect: {ok: true, status: 200}
    - result: {}
      expect: {ok: true, status: 200, trans_status: Y, eci: "05", cavv: present}
`
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !r.UseCard(scenario.Card{Number: "5200000000000015"}) || r.Len() != 0 {
		t.Fatal("a new card must start a new recording")
	}
}

func actions(sc scenario.Scenario) []string {
	var out []string
	for _, st := range sc.Steps {
		a := st.Action()
		if st.Wait != 0 {
			a += " " + st.Wait.String()
		}
		out = append(out, a)
	}
	return out
}

var decoupled = flows.Result{OK: true, HTTPStatus: 200, TransStatus: "D"}

// TestDecisionBeforeItsEffect: the wallet's decision is saved where it was
// taken, before the merchant's result it caused, even when that result is
// recorded before the decision's own answer arrives.
func TestDecisionBeforeItsEffect(t *testing.T) {
	r := New("sandbox", nil)
	r.Add(scenario.Step{Authenticate: &scenario.AuthInput{}}, decoupled)
	step := r.Begin(scenario.Step{Wallet: &scenario.WalletInput{Decision: "REJECTED"}})
	if got := actions(r.Scenario("", "")); len(got) != 1 {
		t.Fatalf("a step in flight is saved: %v", got)
	}
	r.Add(scenario.Step{Result: &scenario.NoInput{}}, flows.Result{HTTPStatus: 200, TransStatus: "N"})
	step.End(flows.Result{OK: true, HTTPStatus: 201})
	sc := r.Scenario("", "")
	if diff := cmp.Diff([]string{"authenticate", "wallet", "result"}, actions(sc)); diff != "" {
		t.Fatal(diff)
	}
	if sc.Steps[1].Expect == nil || sc.Steps[1].Expect.Status != 201 {
		t.Fatalf("%+v", sc.Steps[1].Expect)
	}
}

// TestExpiryAndShifts: time that passed is saved as waits where it
// mattered; an expired request as received, then waited out.
func TestExpiryAndShifts(t *testing.T) {
	clock := flows.NewManualClock(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
	expired := flows.Result{HTTPStatus: 200, TransStatus: "U", FailureReason: flows.ExpiredReason}
	for name, tc := range map[string]struct {
		shifts []time.Duration
		real   time.Duration // time that passes besides the shifts
		want   []string
	}{
		"left to expire": {nil, 5*time.Minute + 300*time.Millisecond,
			[]string{"authenticate", "wallet", "wait 5m2s", "result"}},
		"test clock": {[]time.Duration{4*time.Minute + 50*time.Second, 11 * time.Second}, 0,
			[]string{"authenticate", "wallet", "wait 4m50s", "wait 11s", "result"}},
	} {
		t.Run(name, func(t *testing.T) {
			r := New("sandbox", clock.Now)
			r.Add(scenario.Step{Authenticate: &scenario.AuthInput{}}, decoupled)
			for _, d := range tc.shifts {
				clock.Advance(d)
				r.Shifted()
			}
			clock.Advance(tc.real)
			r.Add(scenario.Step{Result: &scenario.NoInput{}}, expired)
			if diff := cmp.Diff(tc.want, actions(r.Scenario("", ""))); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

// TestPurchaseTimeFromItsStart: the time of a purchase runs from when it
// was sent, even when its answer is recorded after time has passed (under
// load, the clock moved on before the answer's message was handled).
func TestPurchaseTimeFromItsStart(t *testing.T) {
	clock := flows.NewManualClock(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
	r := New("sandbox", clock.Now)
	sent := clock.Now()
	clock.Advance(5*time.Minute + time.Second)
	r.AddStarted(scenario.Step{Authenticate: &scenario.AuthInput{}}, decoupled, sent)
	r.Add(scenario.Step{Result: &scenario.NoInput{}}, flows.Result{HTTPStatus: 200, TransStatus: "U", FailureReason: flows.ExpiredReason})
	if diff := cmp.Diff([]string{"authenticate", "wallet", "wait 5m2s", "result"}, actions(r.Scenario("", ""))); diff != "" {
		t.Fatal(diff)
	}
}
