package scenario_test

import (
	"errors"
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
	if e := sc.Steps[2].Expect; e.Line != 12 || *e.ECI != "" || e.ErrorFields == nil || e.Fields.Status == nil || *e.Fields.Status != "FAILED" {
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
		{"purchase below 1", "name: x\nsteps:\n  - wallet: {decision: VERIFIED, purchase: -1}\n", []string{"steps[0].wallet.purchase: must be 1 or more"}},
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
		{"unknown fields key", "name: x\nsteps:\n  - view: {}\n    expect: {fields: {scheme: visa}}\n", []string{
			"bad.yaml:4: steps[0].expect.fields.scheme: unknown key (want one of: acsChallengeMandated, amount, challenge_url, destination, failure_reason, message, otp_delivery_method, status, statusReason)"}},
		{"not a mapping", "- view\n", []string{"bad.yaml:1: (file): must be a mapping of keys to values"}},
		{"step not a mapping", "name: x\nsteps: [view]\n", []string{"bad.yaml:2: steps[0]: must be a mapping of keys to values"}},
		{"null value", "name: x\nsteps:\n  - view:\n", []string{"bad.yaml:3: steps[0].view: must be a mapping of keys to values"}},
		{"bad device", "name: x\ncard: {number: '4'}\nsteps:\n  - authenticate: {customer_device: {screen_width: wide, javascript_enabled: maybe}}\n", []string{
			"bad.yaml:4: steps[0].authenticate.customer_device.screen_width: must be an integer",
			"bad.yaml:4: steps[0].authenticate.customer_device.javascript_enabled: must be true or false"}},
		{"error_fields not a list", "name: x\nsteps:\n  - view: {}\n    expect: {error_fields: number}\n", []string{"bad.yaml:4: steps[0].expect.error_fields: must be a list of field names"}},
		{"bad timeout", "name: x\nsteps:\n  - view: {}\n    timeout: -1s\n", []string{"bad.yaml:4: steps[0].timeout: must be a positive duration"}},
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

// TestParseOneProblemPerValue: a value that is not even of its type is
// reported once, not again by the rule on its value.
func TestParseOneProblemPerValue(t *testing.T) {
	_, err := scenario.Parse("bad.yaml", []byte("name: x\nsteps:\n  - view: {}\n    expect: {status: abc, trans_status: [Y]}\n"))
	var se *scenario.Error
	if !errors.As(err, &se) || len(se.Problems) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
	if p := se.Problems[0]; p.Field != "steps[0].expect.status" || p.Msg != "must be an integer" {
		t.Errorf("%+v", p)
	}
	if p := se.Problems[1]; p.Field != "steps[0].expect.trans_status" || p.Msg != "must be a string" {
		t.Errorf("%+v", p)
	}
}

// TestParseBooleans: YAML 1.2's spellings of true and false all count.
func TestParseBooleans(t *testing.T) {
	sc, err := scenario.Parse("ok.yaml", []byte("name: x\nsteps:\n  - view: {}\n    no_validate: True\n    expect: {ok: FALSE}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st := sc.Steps[0]; !st.NoValidate || st.Expect.OK == nil || *st.Expect.OK {
		t.Fatalf("%+v %+v", st, st.Expect)
	}
}

// TestLoadRefusesHugeFiles: a file over MaxFileSize is refused, not read.
func TestLoadRefusesHugeFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	data := []byte("name: x\nsteps: [{view: {}}]\ndescription: " + strings.Repeat("x", scenario.MaxFileSize) + "\n")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := scenario.Load(path); err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
		t.Fatalf("got %v", err)
	}
}
