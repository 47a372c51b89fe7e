package flows

import (
	"fmt"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// Target is where a session sends its requests: the embedded sandbox, or a
// profile's real endpoints with its credentials and ids.
type Target struct {
	Name string // "sandbox" or the profile's name
	// Sandbox: the embedded sandbox plays all three APIs. flows/embedded
	// starts it and fills in the URLs; flows itself only needs the URLs.
	Sandbox bool
	// Extensions: the endpoints are a walletsim sandbox (embedded or
	// standalone), so its extensions work: purchase amounts, the
	// cardholder's inbox, looking up a wallet request by id.
	Extensions bool

	IssuingURL, ThreeDSURL, WalletURL string
	// Workspace is the standalone sandbox's workspace the credentials
	// belong to: the profile's, or one the session made (see
	// workspace.go). Empty elsewhere.
	Workspace string

	// Credentials (secrets: never shown, never written).
	APIKey, IssuingToken, ThreeDSKey, WalletToken string
	HMACKey                                       string
	// HMACKeyVar is the environment variable a profile reads HMACKey from,
	// for an error that says what to set.
	HMACKeyVar string

	// Ids the flows use by default.
	ProductID, ClientID                        string
	CardholderID, WalletID, CardID, CustomerID string
	WebhookListen                              string // address of the wallet's webhook listener
	// WebhookTolerance is how far an event's timestamp may be from the
	// session's clock (default wallet.DefaultTolerance).
	WebhookTolerance time.Duration
	// ReturnListen is where the merchant's return_url is served on a
	// target without extensions (default 127.0.0.1:0): the ACS sends the
	// cardholder's browser back there when a challenge is over.
	ReturnListen  string
	RequestExpiry time.Duration
}

// SandboxTarget is the built-in "sandbox" profile: the embedded sandbox,
// its test cardholder, and made-up credentials that it accepts.
func SandboxTarget() Target {
	return Target{
		Name: "sandbox", Sandbox: true, Extensions: true,
		APIKey: "sandbox-api-key", IssuingToken: "sandbox-token", ThreeDSKey: "sk_test_sandbox",
		WalletToken: "sandbox-wallet-token", HMACKey: "sandbox-hmac-key",
		ProductID: "PRODUCT-SANDBOX", CardholderID: testcards.CardholderID, WalletID: testcards.WalletID,
		CustomerID: testcards.CustomerID, WebhookListen: "127.0.0.1:0", RequestExpiry: 5 * time.Minute,
	}
}

// ListenerConfig is the configuration of t's webhook listener on clock c,
// reporting to report.
func (t Target) ListenerConfig(c Clock, report func(client.Exchange, string)) ListenerConfig {
	return ListenerConfig{HMACKey: []byte(t.HMACKey), Tolerance: t.WebhookTolerance, Clock: c, Report: report}
}

// CheckWebhook refuses a target whose webhook listener would start without
// an HMAC key, naming the profile and the variable to set.
func (t Target) CheckWebhook() error {
	if t.WebhookListen == "" || t.HMACKey != "" {
		return nil
	}
	switch t.HMACKeyVar {
	case "":
		return fmt.Errorf("profile %s: webhook_listen is set but secrets.hmac_key names no environment variable: %w", t.Name, ErrNoHMACKey)
	default:
		return fmt.Errorf("profile %s: webhook_listen is set but $%s (secrets.hmac_key) is empty or unset: %w", t.Name, t.HMACKeyVar, ErrNoHMACKey)
	}
}
