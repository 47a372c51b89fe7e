// Package flows is what happens in a 3-D Secure journey, in what order,
// free of any UI: enrollment, the merchant's purchase authentication (with a
// browser challenge or a decoupled step) and the wallet's approval. Each
// flow is a small state machine over the client layer; every step reports
// events (started, each HTTP exchange, state changes, its result) with a
// plain-language explanation of what happened and who talked to whom. The
// TUI and the headless runner drive the same flows.
package flows

import (
	"time"

	"github.com/walletsim/walletsim/client"
)

// Kind says what an Event reports.
type Kind int

// The kinds of events a step emits, in order.
const (
	StepStarted  Kind = iota // a step begins: Explain says what it will do
	Exchanged                // one HTTP exchange of the step (each attempt)
	Received                 // something arrived from outside: a webhook, an SMS
	StateChanged             // the flow moved to State
	Finished                 // the step ended: Result says how
)

func (k Kind) String() string {
	return [...]string{"step", "exchange", "received", "state", "result"}[k]
}

// The flows.
const (
	FlowEnrollment = "enrollment"
	FlowPurchase   = "purchase"
	FlowWallet     = "wallet"
)

// Event is one thing a flow reports.
type Event struct {
	Time     time.Time
	Flow     string
	Step     string
	Kind     Kind
	State    string           // StateChanged
	Exchange *client.Exchange // Exchanged, and Received for a webhook
	Note     string           // Received: what arrived, in words
	Explain  *Explanation     // StepStarted, Finished
	Result   *Result          // Finished
}

// Party is a participant in a 3DS journey.
type Party string

// The parties, as the explanations and the sequence diagram name them.
const (
	Cardholder      Party = "Cardholder"
	Merchant        Party = "Merchant"
	ThreeDSServer   Party = "3DS Server"
	DirectoryServer Party = "Directory Server"
	ACS             Party = "Issuer ACS"
	Issuer          Party = "Issuer"
	WalletPlatform  Party = "Wallet platform"
	Wallet          Party = "Wallet app"
)

// Parties lists them left to right, as a sequence diagram draws them.
var Parties = []Party{Cardholder, Merchant, ThreeDSServer, DirectoryServer, ACS, Issuer, WalletPlatform, Wallet}

// Arrow is one message between two parties.
type Arrow struct {
	From, To Party
	Label    string
}

// Explanation says, for someone learning 3DS, what a step does or did.
type Explanation struct {
	Title  string
	Text   string
	Arrows []Arrow
	// Sent is the index in Arrows of the request walletsim sends over
	// HTTP (the arrows before it happen first, those after it only when
	// it is accepted).
	Sent int
	// Failed marks a finished step that did not do what it set out to:
	// refused, failed, or a wrong code (in an outcome's explanation,
	// whose Arrows, when set, are what actually happened).
	Failed bool
}

// Sink receives events. It is called from the flow's goroutine (and, for
// webhooks, the listener's) and must not block for long.
type Sink func(Event)
