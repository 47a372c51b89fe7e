// Package threeds is the client of the merchant's 3DS server (seed 004):
// start authentication of a card over the browser or decoupled channel.
//
// The seed lists the request's rules but not every field's name; where it
// omits one, the name is the one its response example gives the same value
// (customer_device → ip_address, user_agent, …).
package threeds

import "github.com/walletsim/walletsim/client"

// Channel is how the cardholder will be authenticated if challenged.
type Channel string

// The channels of seed 004.
const (
	Browser   Channel = "browser"
	Decoupled Channel = "decoupled"
)

// ChallengePreference is the merchant's wish about a challenge
// (EMV threeDSRequestorChallengeInd 01–04).
type ChallengePreference string

// The challenge preferences of seed 004.
const (
	NoPreference ChallengePreference = "no_preference"
	NoChallenge  ChallengePreference = "no_challenge"
	Preferred    ChallengePreference = "preferred"
	Mandated     ChallengePreference = "mandated"
)

// Channels and ChallengePreferences list the valid values in the seed's order.
var (
	Channels             = []Channel{Browser, Decoupled}
	ChallengePreferences = []ChallengePreference{NoPreference, NoChallenge, Preferred, Mandated}
)

// AuthenticateRequest is the body of Authenticate. Optional fields are
// omitted when empty.
type AuthenticateRequest struct {
	Number              string              `json:"number"`
	Month               int                 `json:"month,omitempty"`
	Year                int                 `json:"year,omitempty"`
	Channel             Channel             `json:"channel"`
	ReturnURL           string              `json:"return_url"`
	Name                string              `json:"name,omitempty"`
	ChallengePreference ChallengePreference `json:"challenge_preference"`
	Customer            *Customer           `json:"customer,omitempty"`
	BillingAddress      *Address            `json:"billing_address,omitempty"`
	ShippingAddress     *Address            `json:"shipping_address,omitempty"`
	CustomerDevice      *Device             `json:"customer_device,omitempty"`
}

// Customer is the cardholder's contact data.
type Customer struct {
	Name   string `json:"name,omitempty"`
	Email  string `json:"email,omitempty"`
	Mobile string `json:"mobile,omitempty"`
}

// Address is a billing or shipping address.
type Address struct {
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
	Line1      string `json:"line_1,omitempty"`
	Line2      string `json:"line_2,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	State      string `json:"state,omitempty"`
}

// Device is the cardholder's browser, as EMV 3DS browser data.
type Device struct {
	IPAddress         string `json:"ip_address,omitempty"`
	UserAgent         string `json:"user_agent,omitempty"`
	AcceptHeader      string `json:"accept_header,omitempty"`
	JavascriptEnabled *bool  `json:"javascript_enabled,omitempty"`
	Language          string `json:"language,omitempty"`
	ColorDepth        string `json:"color_depth,omitempty"`
	ScreenHeight      int    `json:"screen_height,omitempty"`
	ScreenWidth       int    `json:"screen_width,omitempty"`
	// Timezone is the browser's UTC offset in minutes, as JavaScript's
	// getTimezoneOffset gives it ("-180" for UTC+3).
	Timezone string `json:"timezone,omitempty"`
}

// Authentication is the 200 body: the authentication as the 3DS server holds
// it, with the ACS's answer (ARes) in Meta.ARes.
//
// It is decoded leniently (client.DecodeSuccess): a field of another type
// than the seed's example is left empty, a date in any format is kept as
// sent. What walletsim acts on — id, status, auth_status, challenge_url,
// eci, auth_value — is checked strictly (see checkAuthentication).
type Authentication struct {
	MerchantID          string              `json:"merchant_id"`
	Status              string              `json:"status"`
	ReturnURL           string              `json:"return_url"`
	ChallengePreference ChallengePreference `json:"challenge_preference"`
	Customer            *Customer           `json:"customer"`
	BillingAddress      *Address            `json:"billing_address"`
	ShippingAddress     *Address            `json:"shipping_address"`
	Device              *Device             `json:"device"`
	ID                  string              `json:"id"`
	Amount              int64               `json:"amount"`
	Currency            string              `json:"currency"`
	Fingerprint         string              `json:"fingerprint"`
	Year                int                 `json:"year"`
	Month               int                 `json:"month"`
	ChallengeURL        *string             `json:"challenge_url"`
	Message             string              `json:"message"`
	IsFrictionless      bool                `json:"is_frictionless"`
	AuthValue           *string             `json:"auth_value"`
	ECI                 *string             `json:"eci"`
	AuthStatus          string              `json:"auth_status"`
	Version             string              `json:"version"`
	PurchaseDate        client.Time         `json:"purchase_date"`
	TDSRef              string              `json:"tds_ref"`
	DSID                string              `json:"ds_id"`
	DSRef               string              `json:"ds_ref"`
	ACSID               string              `json:"acs_id"`
	ACSRef              string              `json:"acs_ref"`
	Meta                Meta                `json:"meta"`
	CreatedAt           client.Time         `json:"created_at"`
	UpdatedAt           client.Time         `json:"updated_at"`
	Scheme              string              `json:"scheme"`
	Channel             Channel             `json:"channel"`
	FailureReason       *string             `json:"failure_reason"`
}

// Meta carries the protocol versions and the ACS's authentication response.
type Meta struct {
	MerchantID              string `json:"merchant_id"`
	DSEndProtocolVersion    string `json:"dsEndProtocolVersion"`
	ACSEndProtocolVersion   string `json:"acsEndProtocolVersion"`
	DSStartProtocolVersion  string `json:"dsStartProtocolVersion"`
	ACSStartProtocolVersion string `json:"acsStartProtocolVersion"`
	StatementDescriptor     string `json:"statement_descriptor"`
	ARes                    ARes   `json:"ares"`
}

// ARes is the EMV 3DS Authentication Response the ACS returned.
type ARes struct {
	MessageVersion       string `json:"messageVersion"`
	MessageType          string `json:"messageType"`
	DSTransID            string `json:"dsTransID"`
	DSReferenceNumber    string `json:"dsReferenceNumber"`
	ThreeDSServerTransID string `json:"threeDSServerTransID"`
	ACSTransID           string `json:"acsTransID"`
	ACSReferenceNumber   string `json:"acsReferenceNumber"`
	ACSOperatorID        string `json:"acsOperatorID"`
	AuthenticationType   string `json:"authenticationType"`
	ACSChallengeMandated string `json:"acsChallengeMandated"`
	ACSURL               string `json:"acsURL"`
	TransStatus          string `json:"transStatus"`
	AuthenticationValue  string `json:"authenticationValue"`
	// The fields of an EMV ARes the seed's example (a C) does not show:
	// transStatusReason with N, U and R, eci with Y and A, acsDecConInd
	// with D.
	TransStatusReason string `json:"transStatusReason,omitempty"`
	ECI               string `json:"eci,omitempty"`
	ACSDecConInd      string `json:"acsDecConInd,omitempty"`
}
