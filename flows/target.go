package flows

import (
	"time"

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

	// Ids the flows use by default.
	ProductID, ClientID                        string
	CardholderID, WalletID, CardID, CustomerID string
	WebhookListen                              string // address of the wallet's webhook listener
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
