package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/flows/scenario"
)

func TestParseValid(t *testing.T) {
	sc, err := scenario.Parse("ok.yaml", []byte(`
name: ok
card: {number: "4000 0000 0000 0036", month: 12, year: 2030}
steps:
  - enroll: {otp: SMS}
  - authenticate:
      amount: 4999
      channel: decoupled
      customer_device: {javascript_enabled: true, color_depth: "24", screen_height: 300, screen_width: 600, timezone: "-180"}
    fault: latency=10ms
  - wallet: {decision: FAILED, reason: biometric sensor error}
    expect: {status: 201, eci: "", cavv: absent, error_fields: [], fields: {status: FAILED}}
  - wait: 6m
`))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Target != "sandbox" || sc.Card.Number != "4000000000000036" || len(sc.Steps) != 4 {
		t.Fatalf("%+v", sc)
	}
	a := sc.Steps[1].Authenticate
	if a.Amount != 4999 || a.Currency != "SAR" || a.Channel != "decoupled" || *a.CustomerDevice.JavascriptEnabled != true || sc.Steps[1].Fault != "latency=10ms" {
		t.Fatalf("%+v", a)
	}
	if e := sc.Steps[2].Expect; e.Line != 12 || *e.ECI != "" || e.ErrorFields == nil || e.Fields["status"] != "FAILED" {
		t.Fatalf("%+v", e)
	}
	if sc.Steps[3].Wait != 6*time.Minute {
		t.Fatal(sc.Steps[3].Wait)
	}
}

// TestParseErrors: every bad key or value is reported with file, line and
// field, all of them at once.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"not yaml", "name: [", []string{"bad.yaml:1: (file): not valid YAML"}},
		{"empty", "", []string{"bad.yaml:1: (file): empty scenario"}},
		{"no name, no steps", "card: {number: '1'}\n", []string{"bad.yaml:1: name: required", "bad.yaml:1: steps: at least one step is required"}},
		{"unknown top key", "name: x\ncolour: red\nsteps: [{view: {}}]\n", []string{`bad.yaml:2: colour: unknown key (want one of: card, description, name, steps, target)`}},
		{"unknown step key", "name: x\nsteps:\n  - view: {}\n    expct: {ok: true}\n", []string{"bad.yaml:4: steps[0].expct: unknown key"}},
		{"two actions", "name: x\nsteps:\n  - view: {}\n    unenroll: {}\n", []string{"bad.yaml:4: steps[0].unenroll: a step has one action; this one already has view"}},
		{"no action", "name: x\nsteps:\n  - expect: {ok: true}\n", []string{"bad.yaml:3: steps[0]: no action"}},
		{"bad otp", "name: x\nsteps:\n  - enroll: {otp: PIGEON}\n", []string{`bad.yaml:3: steps[0].enroll.otp: "PIGEON" is not one of: EMAIL, SMS`}},
		{"missing otp", "name: x\nsteps:\n  - enroll: {}\n", []string{"bad.yaml:3: steps[0].enroll.otp: required (EMAIL or SMS)"}},
		{"bad channel", "name: x\ncard: {number: '4000000000000010'}\nsteps:\n  - authenticate:\n      channel: app\n", []string{`bad.yaml:5: steps[0].authenticate.channel: "app" is not one of: browser, decoupled`}},
		{"amount a string", "name: x\ncard: {number: '4'}\nsteps:\n  - authenticate: {amount: ten}\n", []string{"bad.yaml:4: steps[0].authenticate.amount: must be an integer"}},
		{"authenticate without card", "name: x\nsteps:\n  - authenticate: {}\n", []string{"bad.yaml:1: card.number: required: step at line 3 authenticates a card"}},
		{"bad decision", "name: x\nsteps:\n  - wallet: {decision: MAYBE}\n", []string{`bad.yaml:3: steps[0].wallet.decision: "MAYBE" is not one of: VERIFIED, REJECTED, FAILED`}},
		{"reason too long", "name: x\nsteps:\n  - wallet: {decision: FAILED, reason: " + strings.Repeat("x", 101) + "}\n", []string{"steps[0].wallet.reason: at most 100 characters"}},
		{"bad code", "name: x\nsteps:\n  - challenge: {code: abc}\n", []string{`bad.yaml:3: steps[0].challenge.code: must be "inbox", "wrong", "browser" or the digits to type`}},
		{"code and cancel", "name: x\nsteps:\n  - challenge: {code: inbox, cancel: true}\n", []string{"steps[0].challenge: give either code or cancel: true"}},
		{"bad wait", "name: x\nsteps:\n  - wait: soon\n", []string{"bad.yaml:3: steps[0].wait: must be a positive duration"}},
		{"bad fault", "name: x\nsteps:\n  - view: {}\n    fault: status=418\n", []string{"bad.yaml:4: steps[0].fault: fault status: must be 500 or 503"}},
		{"bad credentials", "name: x\nsteps:\n  - view: {}\n    credentials: stolen\n", []string{`bad.yaml:4: steps[0].credentials: "stolen" is not one of: none, publishable`}},
		{"bad expectations", "name: x\nsteps:\n  - view: {}\n    expect:\n      status: 42\n      trans_status: Q\n      eci: 5\n      cavv: maybe\n      ok: yes please\n", []string{
			"bad.yaml:5: steps[0].expect.status: must be an HTTP status",
			`bad.yaml:6: steps[0].expect.trans_status: "Q" is not one of: Y, A, C, D, N, R, U, I`,
			`bad.yaml:7: steps[0].expect.eci: must be two digits`,
			`bad.yaml:8: steps[0].expect.cavv: must be "present", "absent"`,
			"bad.yaml:9: steps[0].expect.ok: must be true or false"}},
		{"steps not a list", "name: x\nsteps: {view: {}}\n", []string{"bad.yaml:2: steps: must be a list of steps"}},
		{"repeated key", "name: x\nname: y\nsteps: [{view: {}}]\n", []string{"bad.yaml:2: name: given twice"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("bad.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("name: b\nsteps: [{view: {}}]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.yml"), []byte("name: a\nsteps: [{view: {}}]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("name: c\nsteps: [{bogus: {}}]\n"), 0o644)
	scs, err := scenario.Load(dir)
	if err == nil || !strings.Contains(err.Error(), "c.yaml:2: steps[0].bogus: unknown key") {
		t.Fatalf("want c.yaml's error, got %v", err)
	}
	if len(scs) != 2 || scs[0].Name != "a" || scs[1].Name != "b" {
		t.Fatalf("%+v", scs)
	}
	if _, err := scenario.Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Fatal("a missing file was accepted")
	}
}
