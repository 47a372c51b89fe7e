package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs walletsim with args and returns its output and exit status.
func runCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	var ee *exitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String() + err.Error(), ee.code
	}
	return out.String() + err.Error(), 2
}

func scenarioFile(t *testing.T, text string) string {
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunExitCodes(t *testing.T) {
	t.Setenv("WALLETSIM_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	pass := scenarioFile(t, "name: pass\ncard: {number: \"4000000000000010\", month: 1, year: 2031}\nsteps:\n  - authenticate: {}\n")
	fail := scenarioFile(t, "name: fail\ncard: {number: \"4000000000000010\", month: 1, year: 2031}\nsteps:\n  - authenticate: {}\n    expect: {trans_status: N}\n")
	bad := scenarioFile(t, "name: bad\nsteps:\n  - authenticate: {channel: app}\n")
	cant := scenarioFile(t, "name: cant\nsteps:\n  - result: {}\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"pass", []string{"run", pass}, 0, "✓ 1 authenticate — Authenticated (Y). ECI 05."},
		{"fail", []string{"run", fail}, 1, `line 5: trans_status: expected N, got "Y"`},
		{"bad file", []string{"run", bad}, 2, "s.yaml:3: steps[0].authenticate.channel: \"app\" is not one of: browser, decoupled"},
		{"cannot run", []string{"run", cant}, 3, "step 1 (result, line 3): result: no purchase was authenticated before"},
		{"unknown profile", []string{"run", "--profile", "prod", pass}, 2, `no profile "prod"`},
		{"bad parallel", []string{"run", "--parallel", "0", pass}, 2, "--parallel must be at least 1"},
		{"no files", []string{"run"}, 2, "requires at least 1 arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Fatalf("exit %d (want %d), output:\n%s\nwant it to contain %q", code, tc.code, out, tc.want)
			}
		})
	}
}

func TestRunReports(t *testing.T) {
	t.Setenv("WALLETSIM_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	dir := t.TempDir()
	junit, transcript := filepath.Join(dir, "r.xml"), filepath.Join(dir, "t.jsonl")
	out, code := runCLI(t, "run", "--json", "--junit", junit, "--transcript", transcript, "--parallel", "4",
		filepath.Join("..", "..", "testdata", "scenarios", "cards"))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	var rep struct{ Passed, Failed, Errors int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Passed < 10 || rep.Failed+rep.Errors != 0 {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, f := range []string{junit, transcript} {
		b, err := os.ReadFile(f)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		if bytes.Contains(b, []byte("sk_test_sandbox")) || bytes.Contains(b, []byte("sandbox-api-key")) {
			t.Fatalf("%s contains a secret", f)
		}
	}
}

func TestProfilesList(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(cfg, []byte("profiles:\n  staging:\n    issuing_url: https://i.example\n    threeds_url: https://t.example\n    wallet_url: https://w.example\n    secrets: {api_key: STAGING_KEY}\n"), 0o600)
	t.Setenv("STAGING_KEY", "very-secret")
	out, code := runCLI(t, "profiles", "--config", cfg)
	if code != 0 || !strings.Contains(out, "sandbox") || !strings.Contains(out, "staging") ||
		!strings.Contains(out, "api_key: $STAGING_KEY (set)") || strings.Contains(out, "very-secret") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestProfilesRedactURLPasswords: a password in a profile's URL is shown
// as *** and a webhook_listen open beyond this machine is warned about.
func TestProfilesRedactURLPasswords(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(cfg, []byte("profiles:\n  staging:\n    issuing_url: https://qa:PASS1@i.example\n    threeds_url: https://qa:PASS2@t.example/v1\n    wallet_url: https://qa:PASS3@w.example\n    webhook_listen: \":8787\"\n"), 0o600)
	out, code := runCLI(t, "profiles", "--config", cfg)
	if code != 0 || strings.Contains(out, "PASS") || !strings.Contains(out, "https://qa:***@t.example/v1") || !strings.Contains(out, "beyond this machine") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestRunWarnsOfAnOpenListener: walletsim run warns of a webhook_listen
// beyond this machine, and refuses to start it without an HMAC key,
// naming the profile and the variable.
func TestRunWarnsOfAnOpenListener(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(cfg, []byte("profiles:\n  staging:\n    issuing_url: https://i.example\n    threeds_url: https://t.example\n    wallet_url: https://w.example\n    webhook_listen: \"0.0.0.0:0\"\n    secrets: {hmac_key: STAGING_HMAC}\n"), 0o600)
	t.Setenv("STAGING_HMAC", "")
	sc := scenarioFile(t, "name: x\ncard: {number: \"4000 0000 0000 0002\", month: 12, year: 2030}\nsteps:\n  - enroll: {otp: SMS}\n")
	out, code := runCLI(t, "run", "--config", cfg, "--profile", "staging", sc)
	if code != exitCantRun || !strings.Contains(out, "warning: profile staging") || !strings.Contains(out, "$STAGING_HMAC") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestNoTTY: without a terminal, walletsim explains how to run headlessly
// instead of failing obscurely.
func TestNoTTY(t *testing.T) {
	out, code := runCLI(t)
	if code != exitUsage || !strings.Contains(out, "needs an interactive terminal") || !strings.Contains(out, "walletsim run testdata/scenarios") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
