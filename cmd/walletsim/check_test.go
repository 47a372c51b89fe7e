package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/strictfake"
)

// profileFile writes a profiles file with a profile "strict" on fake,
// secrets in the environment.
func profileFile(t *testing.T, fake *strictfake.Server) string {
	t.Setenv("STRICT_API_KEY", "k-SECRET")
	t.Setenv("STRICT_3DS_KEY", "sk_live_SECRET")
	t.Setenv("STRICT_WALLET_TOKEN", "t-SECRET")
	path := filepath.Join(t.TempDir(), "config.yaml")
	text := "profiles:\n  strict:\n" +
		"    issuing_url: " + fake.URL + "\n    threeds_url: " + fake.URL + "\n    wallet_url: " + fake.URL + "\n" +
		"    product_id: P-1\n    cardholder_id: " + strictfake.CardholderID + "\n    wallet_id: " + strictfake.WalletID + "\n" +
		"    card_id: " + strictfake.CardFor("Y").CardID + "\n    customer_id: \"" + strictfake.CustomerID + "\"\n" +
		"    secrets: {api_key: STRICT_API_KEY, threeds_key: STRICT_3DS_KEY, wallet_token: STRICT_WALLET_TOKEN}\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheck(t *testing.T) {
	t.Setenv("WALLETSIM_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	out, code := runCLI(t, "check")
	if code != 0 || !strings.Contains(out, "20 rules on sandbox: 17 passed, 0 failed, 3 skipped, 0 without an answer") {
		t.Errorf("sandbox: exit %d\n%s", code, out)
	}

	fake := strictfake.New(strictfake.Config{Deviations: []strictfake.Deviation{strictfake.PurchaseDateNumber}})
	defer fake.Close()
	config := profileFile(t, fake)
	junit := filepath.Join(t.TempDir(), "check.xml")
	out, code = runCLI(t, "check", "--profile", "strict", "--config", config, "--junit", junit)
	want := "✗ 004-authenticate-200        authenticate a card (browser, no_challenge): 200 in the seed's shape, an EMV transStatus\n" +
		"    purchase_date: expected a string, got a number\n"
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, "20 rules on strict: 16 passed, 1 failed, 3 skipped") {
		t.Errorf("deviating: exit %d\n%s", code, out)
	}
	xml, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(xml), `<failure message="purchase_date: expected a string, got a number">`) {
		t.Errorf("junit: %v\n%s", err, xml)
	}

	out, code = runCLI(t, "check", "--profile", "strict", "--config", config, "--json")
	var rep struct {
		Target         string
		Failed, Passed int
	}
	jsonStart := strings.Index(out, "\n{\n") + 1 // after the progress lines (stderr, here in the same buffer)
	if code != 1 || jsonStart < 1 || json.Unmarshal([]byte(out[jsonStart:]), &rep) != nil || rep.Failed != 1 || rep.Target != "strict" {
		t.Errorf("json: exit %d %+v\n%s", code, rep, out)
	}
	if strings.Contains(out+string(xml), "SECRET") {
		t.Error("a secret is in the output")
	}

	if _, code := runCLI(t, "check", "--profile", "nope", "--config", config); code != 2 {
		t.Errorf("unknown profile: exit %d", code)
	}
	fake.Close()
	if out, code := runCLI(t, "check", "--profile", "strict", "--config", config, "--timeout", "2s"); code != 3 || !strings.Contains(out, "without an answer") {
		t.Errorf("no answer: exit %d\n%s", code, out)
	}
}
