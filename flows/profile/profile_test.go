package profile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/flows/profile"
)

func write(t *testing.T, text string) string {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadAndResolve(t *testing.T) {
	t.Setenv("STAGING_API_KEY", "the-key")
	path := write(t, `profiles:
  staging:
    issuing_url: https://issuing.example.com
    threeds_url: https://3ds.example.com
    wallet_url: https://wallet.example.com
    product_id: P-1
    cardholder_id: CH-1
    card_id: CARD-1
    webhook_listen: 127.0.0.1:8787
    return_listen: 127.0.0.1:8788
    request_expiry: 10m
    webhook_tolerance: 90s
    secrets:
      api_key: STAGING_API_KEY
      wallet_token: STAGING_WALLET_TOKEN
      hmac_key: STAGING_HMAC_KEY
`)
	set, err := profile.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(set.Names(), ","); got != "sandbox,staging" {
		t.Fatal(got)
	}
	tg, err := set.Target("staging")
	if err != nil || tg.APIKey != "the-key" || tg.WalletToken != "" || tg.RequestExpiry != 10*time.Minute || tg.Sandbox || tg.CardID != "CARD-1" || tg.ReturnListen != "127.0.0.1:8788" ||
		tg.WebhookTolerance != 90*time.Second || tg.HMACKeyVar != "STAGING_HMAC_KEY" {
		t.Fatalf("%+v %v", tg, err)
	}
	status := strings.Join(set.Profiles["staging"].SecretStatus(), "; ")
	if !strings.Contains(status, "api_key: $STAGING_API_KEY (set)") || !strings.Contains(status, "wallet_token: $STAGING_WALLET_TOKEN (not set)") || strings.Contains(status, "the-key") {
		t.Fatal(status)
	}
	if sb, _ := set.Target("sandbox"); !sb.Sandbox {
		t.Fatal("sandbox is not built in")
	}
	if _, err := set.Target("prod"); err == nil || !strings.Contains(err.Error(), `no profile "prod" (have: sandbox, staging`) {
		t.Fatal(err)
	}
}

func TestMissingFileIsEmpty(t *testing.T) {
	set, err := profile.Load(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil || len(set.Profiles) != 0 {
		t.Fatal(set, err)
	}
}

func TestBadProfiles(t *testing.T) {
	for name, tc := range map[string]struct{ text, want string }{
		"unknown key":                  {"profiles:\n  x:\n    issuing_urll: https://a\n", "field issuing_urll not found"},
		"missing urls":                 {"profiles:\n  x:\n    product_id: p\n", "profile x: issuing_url: required"},
		"bad url":                      {"profiles:\n  x:\n    issuing_url: ftp://a\n    threeds_url: https://b\n    wallet_url: https://c\n", "profile x: issuing_url: must be an http(s) URL"},
		"secret inline":                {"profiles:\n  x:\n    issuing_url: https://a\n    threeds_url: https://b\n    wallet_url: https://c\n    secrets: {api_key: \"sk live 123\"}\n", "secrets.api_key: must be the name of an environment variable"},
		"sandbox name":                 {"profiles:\n  sandbox:\n    issuing_url: https://a\n    threeds_url: https://b\n    wallet_url: https://c\n", "the name is built in"},
		"bad listen":                   {"profiles:\n  x:\n    issuing_url: https://a\n    threeds_url: https://b\n    wallet_url: https://c\n    webhook_listen: 8787\n", "webhook_listen: must be host:port"},
		"workspace without extensions": {"profiles:\n  x:\n    issuing_url: https://a\n    threeds_url: https://b\n    wallet_url: https://c\n    workspace: ws_1\n", "profile x: workspace: needs sandbox_extensions: true"},
		"bad tolerance":                {"profiles:\n  x:\n    issuing_url: https://a\n    threeds_url: https://b\n    wallet_url: https://c\n    webhook_tolerance: -1m\n", "webhook_tolerance: must be positive"},
		"bad return":                   {"profiles:\n  x:\n    issuing_url: https://a\n    threeds_url: https://b\n    wallet_url: https://c\n    return_listen: here\n", "return_listen: must be host:port"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := profile.Load(write(t, tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}
