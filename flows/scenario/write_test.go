package scenario_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
)

// TestMarshalRoundTrip: every shipped scenario, written back out and read
// again, is the same scenario.
func TestMarshalRoundTrip(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	scs, err := scenario.Load(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "scenarios"))
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmpopts.IgnoreFields(scenario.Step{}, "Line")
	ignoreExpect := cmpopts.IgnoreFields(scenario.Expect{}, "Line")
	for _, sc := range scs {
		t.Run(sc.Name, func(t *testing.T) {
			out, err := scenario.Marshal(sc)
			if err != nil {
				t.Fatal(err)
			}
			back, err := scenario.Parse(sc.File, out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if diff := cmp.Diff(sc, back, ignore, ignoreExpect); diff != "" {
				t.Errorf("round trip differs (-read +written):\n%s\n%s", diff, out)
			}
		})
	}
}

func TestRecorder(t *testing.T) {
	r := scenario.NewRecorder("sandbox")
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
