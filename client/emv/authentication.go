package emv

import "time"

// Authentication is one authentication as the 3DS Server knows it: the seed
// 004 request, the purchase it belongs to, and the ids and parties of the
// exchange. It is neutral: the sandbox fills it from its own records, and
// any other 3DS Server API could.
type Authentication struct {
	IDs    IDs
	Time   time.Time // when the AReq was sent: purchaseDate (in UTC)
	Scheme Scheme    // the card's network: picks the ECI values

	Card     Card
	Amount   int64  // minor units
	Currency string // ISO 4217 alpha code, e.g. SAR

	Channel             Channel
	ChallengePreference string // seed 004's challenge_preference
	// DecMaxTime is how long the merchant lets the ACS take for a
	// decoupled authentication (threeDSRequestorDecMaxTime, in whole
	// minutes, rounded up); zero means DefaultDecMaxTimeInMin.
	DecMaxTime time.Duration
	ReturnURL  string // where the CRes is posted: notificationURL

	Customer *Customer
	Billing  *Address
	Shipping *Address
	// Device is the cardholder's browser (seed 004's customer_device). A
	// field it leaves out is the one in DefaultDevice: a hosted 3DS Server
	// observes the browser itself when the merchant does not describe it.
	Device *Device

	// Window is the challenge window the merchant's page opens (the CReq's
	// challengeWindowSize); empty means full screen.
	Window WindowSize

	Parties Parties
}

// IDs are the three transaction ids of one authentication.
type IDs struct {
	ThreeDSServer string // threeDSServerTransID, the 3DS Server's
	DS            string // dsTransID, the Directory Server's
	ACS           string // acsTransID, the ACS's
}

// Channel is seed 004's channel: how the cardholder is to be reached.
type Channel string

// The channels of seed 004.
const (
	ChannelBrowser   Channel = "browser"
	ChannelDecoupled Channel = "decoupled"
)

// Card is the card as seed 004 sends it.
type Card struct {
	Number string
	Month  int
	Year   int
	Name   string // the name on the card
}

// Customer is seed 004's customer.
type Customer struct {
	Name, Email, Mobile string
}

// Address is seed 004's billing or shipping address (country is ISO 3166-1
// alpha-2).
type Address struct {
	City, Country, Line1, Line2, PostalCode, State string
}

// Device is seed 004's customer_device.
type Device struct {
	IPAddress         string
	UserAgent         string
	AcceptHeader      string
	JavascriptEnabled *bool
	Language          string
	ColorDepth        string
	ScreenHeight      int
	ScreenWidth       int
	Timezone          string // minutes, as JavaScript's getTimezoneOffset
}

// DefaultDevice is the browser the 3DS Server uses for what a request's
// customer_device leaves out.
var DefaultDevice = Device{
	AcceptHeader: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	UserAgent:    "Mozilla/5.0 (X11; Linux x86_64) walletsim",
	Language:     "en-US",
}

// Parties identify the 3DS Requestor, the acquirer, the 3DS Server, the
// Directory Server and the ACS: what EMV requires and seed 004 does not
// carry.
type Parties struct {
	RequestorID        string // threeDSRequestorID, assigned by the DS
	RequestorName      string // threeDSRequestorName
	RequestorURL       string // threeDSRequestorURL
	ServerRefNumber    string // threeDSServerRefNumber, assigned by EMVCo
	ServerURL          string // threeDSServerURL, where the DS sends the RReq
	AcquirerBIN        string // acquirerBIN
	AcquirerMerchantID string // acquirerMerchantID
	MCC                string // mcc, the merchant category code
	MerchantCountry    string // ISO 3166-1 alpha-2: merchantCountryCode
	MerchantName       string // merchantName
	DSReferenceNumber  string // dsReferenceNumber, assigned by EMVCo
	DSURL              string // dsURL, where the ACS sends the RReq
	ACSReferenceNumber string // acsReferenceNumber, assigned by EMVCo
	ACSOperatorID      string // acsOperatorID, assigned by the DS
}

// SandboxParties are the walletsim sandbox's identities (its DS and ACS
// reference numbers and operator id are the ones its ARes has always
// carried).
var SandboxParties = Parties{
	RequestorID:        "WALLETSIM_REQUESTOR_0001",
	RequestorName:      "Walletsim Shop",
	RequestorURL:       "https://shop.example",
	ServerRefNumber:    "3DS_LOA_SER_WALLETSIM_0001",
	ServerURL:          "https://3ds.walletsim.example/results",
	AcquirerBIN:        "400000",
	AcquirerMerchantID: "WALLETSIM-MERCHANT-1",
	MCC:                "5999",
	MerchantCountry:    "SA",
	MerchantName:       "Walletsim Shop",
	DSReferenceNumber:  "DS_WALLETSIM_0000001",
	DSURL:              "https://ds.walletsim.example/results",
	ACSReferenceNumber: "3DS_WALLETSIM_ACS_000000_00001",
	ACSOperatorID:      "WALLETSIM_ACS_OPERATOR",
}

// Outcome is what the ACS answered in the ARes and, for a challenge or a
// decoupled authentication that has ended, how it ended (the RReq).
type Outcome struct {
	Status TransStatus // the ARes's transStatus: Y A N R U C D
	Reason Reason      // with N, U and R
	CAVV   string      // with Y and A: the authenticationValue
	// Mandated is acsChallengeMandated (with C and D): the issuer, not
	// only the merchant, requires the cardholder to take part.
	Mandated bool
	AuthType AuthenticationType // with C and D; empty: 02 for C, 04 for D
	ACSURL   string             // with C: the challenge page
	// CardholderInfo is text the merchant shows the cardholder, e.g. to
	// approve the purchase in their banking app (optional).
	CardholderInfo string
	// Result is how a challenge or decoupled authentication ended; nil
	// until it has (and always nil for the other statuses).
	Result *Result
}

// Result is the end of a challenge or decoupled authentication: the RReq.
type Result struct {
	Status       TransStatus // Y A N R U
	Reason       Reason      // with N, U and R
	CAVV         string      // with Y and A
	Interactions int         // interactionCounter: codes entered, prompts answered
	Cancel       ChallengeCancel
	Method       AuthenticationMethod // how the cardholder was asked (optional)
}
