package sandbox_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox"
)

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    sandbox.Config
		fields []string // the fields named, in order; none: valid
	}{
		{"zero is the defaults", sandbox.Config{}, nil},
		{"a full valid one", sandbox.Config{Expiry: time.Minute, WebhookURL: "https://wallet.example/hook", HMACKey: []byte("k"),
			PublicURL: "http://10.0.0.5:8080", MerchantName: "Shop ☕",
			Require: sandbox.Credentials{IssuingAPIKey: "k", IssuingToken: "t", ThreeDSKey: "sk_live_1", WalletToken: "w"}}, nil},
		{"negative expiry", sandbox.Config{Expiry: -time.Second}, []string{"Expiry"}},
		{"negative decoupled max time", sandbox.Config{DecoupledMaxTime: -time.Minute}, []string{"DecoupledMaxTime"}},
		{"webhook not http", sandbox.Config{WebhookURL: "ftp://x/h", HMACKey: []byte("k")}, []string{"WebhookURL"}},
		{"webhook without host", sandbox.Config{WebhookURL: "http://", HMACKey: []byte("k")}, []string{"WebhookURL"}},
		{"webhook not a URL", sandbox.Config{WebhookURL: "http://exa mple.com", HMACKey: []byte("k")}, []string{"WebhookURL"}},
		{"webhook unsigned", sandbox.Config{WebhookURL: "http://x/h"}, []string{"HMACKey"}},
		{"public URL relative", sandbox.Config{PublicURL: "example.com"}, []string{"PublicURL"}},
		{"blank merchant", sandbox.Config{MerchantName: "  "}, []string{"MerchantName"}},
		{"long merchant", sandbox.Config{MerchantName: strings.Repeat("é", 101)}, []string{"MerchantName"}},
		{"merchant with a newline", sandbox.Config{MerchantName: "a\nb"}, []string{"MerchantName"}},
		{"publishable 3DS key", sandbox.Config{Require: sandbox.Credentials{ThreeDSKey: "pk_test_1"}}, []string{"Require.ThreeDSKey"}},
		{"3DS key with a colon", sandbox.Config{Require: sandbox.Credentials{ThreeDSKey: "sk:1"}}, []string{"Require.ThreeDSKey"}},
		{"padded API key", sandbox.Config{Require: sandbox.Credentials{IssuingAPIKey: " k"}}, []string{"Require.IssuingAPIKey"}},
		{"token with a tab", sandbox.Config{Require: sandbox.Credentials{WalletToken: "a\tb"}}, []string{"Require.WalletToken"}},
		{"server limits", sandbox.Config{ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: time.Minute,
			IdleTimeout: time.Second, MaxHeaderBytes: 4096, MaxConns: 1, MaxStoredBytes: -1}, nil},
		{"negative timeouts", sandbox.Config{ReadHeaderTimeout: -1, ReadTimeout: -1, WriteTimeout: -1, IdleTimeout: -1},
			[]string{"ReadHeaderTimeout", "ReadTimeout", "WriteTimeout", "IdleTimeout"}},
		{"header timeout beyond the read timeout", sandbox.Config{ReadHeaderTimeout: time.Minute, ReadTimeout: time.Second}, []string{"ReadHeaderTimeout"}},
		{"header bytes too few", sandbox.Config{MaxHeaderBytes: 4095}, []string{"MaxHeaderBytes"}},
		{"header bytes too many", sandbox.Config{MaxHeaderBytes: 1<<20 + 1}, []string{"MaxHeaderBytes"}},
		{"negative connections", sandbox.Config{MaxConns: -1}, []string{"MaxConns"}},
		{"several at once", sandbox.Config{Expiry: -1, MerchantName: " ", Require: sandbox.Credentials{IssuingToken: "é"}},
			[]string{"Expiry", "MerchantName", "Require.IssuingToken"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			var got []string
			for _, e := range unjoin(err) {
				var ce *sandbox.ConfigError
				if !errors.As(e, &ce) {
					t.Fatalf("%v is not a *ConfigError", e)
				}
				got = append(got, ce.Field)
				for _, secret := range []string{tc.cfg.Require.ThreeDSKey, tc.cfg.Require.IssuingAPIKey, tc.cfg.Require.IssuingToken, tc.cfg.Require.WalletToken} {
					if len(secret) > 1 && strings.Contains(ce.Error(), secret) {
						t.Errorf("%v quotes a secret", ce)
					}
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("Validate named %v, want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
