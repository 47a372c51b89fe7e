// Package scenario reads and writes walletsim's scenario files: a 3DS
// journey as a list of steps, each with its inputs and what must happen.
// The format is documented in the README ("Scenarios") and defined once, by
// the tagged types below: Parse reads them (reporting every problem with the
// file, the line and the field) and Marshal writes them.
package scenario

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// Scenario is one file: a journey on a target.
type Scenario struct {
	File        string `yaml:"-"`
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Target is "sandbox" (the default) or a profile's name.
	Target string `yaml:"target,omitempty"`
	Card   Card   `yaml:"card,flow,omitempty"`
	Steps  []Step `yaml:"steps"`
}

// Card is the card the journey uses. A sandbox test card's number fills in
// its ids; ids given here win.
type Card struct {
	Number       string `yaml:"number,omitempty"` // spaces are dropped
	Month        int    `yaml:"month,omitempty"`
	Year         int    `yaml:"year,omitempty"`
	Name         string `yaml:"name,omitempty"`
	CardholderID string `yaml:"cardholder_id,omitempty"`
	WalletID     string `yaml:"wallet_id,omitempty"`
	CardID       string `yaml:"card_id,omitempty"`
	CustomerID   string `yaml:"customer_id,omitempty"`
}

// The actions a step can take, as the file names them.
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
// Exactly one of the action fields is set; Action names it.
type Step struct {
	Line int `yaml:"-"`

	Enroll       *OTPInput       `yaml:"enroll,flow,omitempty"`
	View         *NoInput        `yaml:"view,flow,omitempty"`
	Change       *OTPInput       `yaml:"change,flow,omitempty"`
	Unenroll     *NoInput        `yaml:"unenroll,flow,omitempty"`
	Authenticate *AuthInput      `yaml:"authenticate,omitempty"`
	Challenge    *ChallengeInput `yaml:"challenge,flow,omitempty"`
	Wallet       *WalletInput    `yaml:"wallet,flow,omitempty"`
	Wait         time.Duration   `yaml:"wait,omitempty"`
	Result       *NoInput        `yaml:"result,flow,omitempty"`

	// Negative-test knobs.
	Credentials string        `yaml:"credentials,omitempty"` // "", "none", "publishable"
	NoValidate  bool          `yaml:"no_validate,omitempty"` // send invalid input as it is
	Fault       string        `yaml:"fault,omitempty"`       // x-walletsim-fault (sandbox)
	Timeout     time.Duration `yaml:"timeout,omitempty"`     // per-attempt client timeout

	Expect *Expect `yaml:"expect,flow,omitempty"`
}

// Action names the step's action ("" when it has none).
func (s *Step) Action() string {
	switch {
	case s.Enroll != nil:
		return Enroll
	case s.View != nil:
		return View
	case s.Change != nil:
		return Change
	case s.Unenroll != nil:
		return Unenroll
	case s.Authenticate != nil:
		return Authenticate
	case s.Challenge != nil:
		return Challenge
	case s.Wallet != nil:
		return Wallet
	case s.Wait != 0:
		return Wait
	case s.Result != nil:
		return Result
	}
	return ""
}

// NoInput is the input of an action that takes none: view, unenroll,
// result (written {}).
type NoInput struct{}

// OTPInput is how the issuer should send one-time codes (enroll, change).
type OTPInput struct {
	OTP issuing.OTPMethod `yaml:"otp"`
}

// AuthInput is the merchant's purchase.
type AuthInput struct {
	ID                  string                      `yaml:"id,omitempty"`
	Amount              int64                       `yaml:"amount"` // minor units, default 100
	Currency            string                      `yaml:"currency,omitempty"`
	Description         string                      `yaml:"description,omitempty"`
	Channel             threeds.Channel             `yaml:"channel,omitempty"`
	ChallengePreference threeds.ChallengePreference `yaml:"challenge_preference,omitempty"`
	ReturnURL           string                      `yaml:"return_url,omitempty"`
	Customer            *Customer                   `yaml:"customer,flow,omitempty"`
	BillingAddress      *Address                    `yaml:"billing_address,flow,omitempty"`
	ShippingAddress     *Address                    `yaml:"shipping_address,flow,omitempty"`
	CustomerDevice      *Device                     `yaml:"customer_device,flow,omitempty"`
}

// Customer, Address and Device are seed 004's threeds.Customer,
// threeds.Address and threeds.Device under the seed's names: the same
// fields, so that one converts to the other ((*threeds.Device)(d)).
type (
	Customer struct {
		Name   string `yaml:"name,omitempty"`
		Email  string `yaml:"email,omitempty"`
		Mobile string `yaml:"mobile,omitempty"`
	}
	Address struct {
		City       string `yaml:"city,omitempty"`
		Country    string `yaml:"country,omitempty"`
		Line1      string `yaml:"line_1,omitempty"`
		Line2      string `yaml:"line_2,omitempty"`
		PostalCode string `yaml:"postal_code,omitempty"`
		State      string `yaml:"state,omitempty"`
	}
	Device struct {
		IPAddress         string `yaml:"ip_address,omitempty"`
		UserAgent         string `yaml:"user_agent,omitempty"`
		AcceptHeader      string `yaml:"accept_header,omitempty"`
		JavascriptEnabled *bool  `yaml:"javascript_enabled,omitempty"`
		Language          string `yaml:"language,omitempty"`
		ColorDepth        string `yaml:"color_depth,omitempty"`
		ScreenHeight      int    `yaml:"screen_height,omitempty"`
		ScreenWidth       int    `yaml:"screen_width,omitempty"`
		Timezone          string `yaml:"timezone,omitempty"`
	}
)

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
	Code   string `yaml:"code,omitempty"` // CodeInbox, CodeWrong, CodeBrowser or the digits to type
	Cancel bool   `yaml:"cancel,omitempty"`
}

// WalletInput is what the wallet does.
type WalletInput struct {
	// Decision is VERIFIED, REJECTED or FAILED; empty only receives the
	// request.
	Decision   wallet.Status `yaml:"decision,omitempty"`
	Reason     string        `yaml:"reason,omitempty"`
	OmitMethod bool          `yaml:"omit_method,omitempty"`
	// Auth3dsID takes the request by hand instead of from the webhook.
	Auth3dsID string `yaml:"auth3ds_id,omitempty"`
	// Purchase is which purchase's request to answer: the Nth authenticate
	// step's, from 1 (default: the latest purchase).
	Purchase int `yaml:"purchase,omitempty"`
}

// Expect is what must hold after a step. Unset fields are not checked;
// with no expect block at all, the step must succeed.
type Expect struct {
	Line           int         `yaml:"-"`
	OK             *bool       `yaml:"ok,omitempty"`
	Status         int         `yaml:"status,omitempty"` // HTTP status of the step's answer
	TransportError *bool       `yaml:"transport_error,omitempty"`
	TransStatus    TransStatus `yaml:"trans_status,omitempty"`
	ECI            *string     `yaml:"eci,omitempty"`
	CAVV           string      `yaml:"cavv,omitempty"` // "present", "absent" or the exact value
	ErrorCode      string      `yaml:"error_code,omitempty"`
	ErrorFields    FieldNames  `yaml:"error_fields,omitempty"`
	AttemptsLeft   *int        `yaml:"attempts_left,omitempty"`
	Message        string      `yaml:"message,omitempty"` // contained in the step's summary
	Fields         Values      `yaml:"fields,omitempty"`
}

// TransStatus is an EMV 3DS transStatus letter: Y, A, C, D, N, R, U or I.
type TransStatus string

// MarshalYAML writes the letter plain (trans_status: Y): YAML 1.2, which
// the format is, reads Y and N as strings; yaml quotes them by default
// for the sake of YAML 1.1 readers.
func (t TransStatus) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: string(t)}, nil
}

// FieldNames are the fields an error must name, exactly. Empty but not nil
// expects none (written []).
type FieldNames []string

// IsZero leaves only a nil list out of a written file.
func (f FieldNames) IsZero() bool { return f == nil }

// Values are expectations on the values a step reports, under the names the
// step shows them by. Nil ones are not checked; "" expects none.
type Values struct {
	Status            *string `yaml:"status,omitempty"`
	StatusReason      *string `yaml:"statusReason,omitempty"`
	Message           *string `yaml:"message,omitempty"`
	FailureReason     *string `yaml:"failure_reason,omitempty"`
	ChallengeMandated *string `yaml:"acsChallengeMandated,omitempty"`
	ChallengeURL      *string `yaml:"challenge_url,omitempty"`
	Amount            *string `yaml:"amount,omitempty"`
	OTPMethod         *string `yaml:"otp_delivery_method,omitempty"`
	Destination       *string `yaml:"destination,omitempty"`
}
