// Package scenario reads walletsim's scenario files: a 3DS journey as a list
// of steps, each with its inputs and what must happen. The format is
// documented in the README ("Scenarios"); every problem is reported with
// the file, the line and the field.
package scenario

import (
	"time"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// Scenario is one file: a journey on a target.
type Scenario struct {
	File        string
	Name        string
	Description string
	// Target is "sandbox" (the default) or a profile's name.
	Target string
	Card   Card
	Steps  []Step
}

// Card is the card the journey uses. A sandbox test card's number fills in
// its ids; ids given here win.
type Card struct {
	Number                                     string
	Month, Year                                int
	Name                                       string
	CardholderID, WalletID, CardID, CustomerID string
}

// The actions a step can take.
const (
	Enroll       = "enroll"
	View         = "view"
	Change       = "change"
	Unenroll     = "unenroll"
	Authenticate = "authenticate"
	Challenge    = "challenge"
	Wallet       = "wallet"
	Wait         = "wait"
	Result       = "result"
)

// Actions lists them in the order the README documents them.
var Actions = []string{Enroll, View, Change, Unenroll, Authenticate, Challenge, Wallet, Wait, Result}

// Step is one action with its inputs, its expectations and how to bend it.
type Step struct {
	Line   int
	Action string

	OTP          issuing.OTPMethod // enroll, change
	Authenticate *AuthInput
	Challenge    *ChallengeInput
	Wallet       *WalletInput
	Wait         time.Duration

	Expect *Expect

	// Negative-test knobs.
	Credentials string        // "", "none", "publishable"
	NoValidate  bool          // send invalid input as it is
	Fault       string        // x-walletsim-fault (sandbox)
	Timeout     time.Duration // per-attempt client timeout
}

// AuthInput is the merchant's purchase.
type AuthInput struct {
	ID                  string
	Amount              int64
	Currency            string
	Description         string
	Channel             threeds.Channel
	ChallengePreference threeds.ChallengePreference
	ReturnURL           string
	Customer            *threeds.Customer
	BillingAddress      *threeds.Address
	ShippingAddress     *threeds.Address
	CustomerDevice      *threeds.Device
}

// Codes a challenge step can type besides a literal one.
const (
	CodeInbox = "inbox" // the code the cardholder received
	CodeWrong = "wrong" // any code but that one
	// CodeBrowser: the cardholder answers the challenge in a real browser;
	// the step waits for the ACS to send them back to return_url (on a
	// target without sandbox extensions).
	CodeBrowser = "browser"
)

// ChallengeInput is what the cardholder does on the challenge page.
type ChallengeInput struct {
	Code   string // CodeInbox, CodeWrong, CodeBrowser or the digits to type
	Cancel bool
}

// WalletInput is what the wallet does.
type WalletInput struct {
	// Decision is VERIFIED, REJECTED or FAILED; empty only receives the
	// request.
	Decision   wallet.Status
	Reason     string
	OmitMethod bool
	// Auth3dsID takes the request by hand instead of from the webhook.
	Auth3dsID string
}

// Expect is what must hold after a step. Unset fields are not checked;
// with no expect block at all, the step must succeed.
type Expect struct {
	Line           int
	OK             *bool
	Status         int // HTTP status of the step's answer
	TransStatus    string
	ECI            *string
	CAVV           string // "present", "absent" or the exact value
	Message        string // contained in the step's summary
	ErrorCode      string
	ErrorFields    []string
	AttemptsLeft   *int
	TransportError *bool // the step got no HTTP answer (timeout, dropped)
	Fields         map[string]string
}
