package emv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Message is one of AReq, ARes, CReq, CRes, RReq and RRes.
type Message interface {
	Type() MessageType
}

// AReq is the Authentication Request: the 3DS Server describes the purchase,
// the card, the cardholder and their browser to the ACS, through the DS
// (which adds its own transaction id, reference number and URL).
type AReq struct {
	MessageType     MessageType `json:"messageType"`
	MessageVersion  string      `json:"messageVersion"`
	MessageCategory string      `json:"messageCategory"`
	DeviceChannel   string      `json:"deviceChannel"`

	ThreeDSServerTransID   string `json:"threeDSServerTransID"`
	ThreeDSServerRefNumber string `json:"threeDSServerRefNumber"`
	ThreeDSServerURL       string `json:"threeDSServerURL"`
	DSTransID              string `json:"dsTransID,omitempty"`
	DSReferenceNumber      string `json:"dsReferenceNumber,omitempty"`
	DSURL                  string `json:"dsURL,omitempty"`

	RequestorID         string       `json:"threeDSRequestorID"`
	RequestorName       string       `json:"threeDSRequestorName"`
	RequestorURL        string       `json:"threeDSRequestorURL"`
	RequestorAuthInd    string       `json:"threeDSRequestorAuthenticationInd"`
	RequestorChallenge  ChallengeInd `json:"threeDSRequestorChallengeInd,omitempty"`
	RequestorDecReqInd  string       `json:"threeDSRequestorDecReqInd,omitempty"`
	RequestorDecMaxTime string       `json:"threeDSRequestorDecMaxTime,omitempty"`
	CompInd             string       `json:"threeDSCompInd"`

	AcquirerBIN         string `json:"acquirerBIN"`
	AcquirerMerchantID  string `json:"acquirerMerchantID"`
	MCC                 string `json:"mcc"`
	MerchantCountryCode string `json:"merchantCountryCode"`
	MerchantName        string `json:"merchantName"`

	AcctNumber     string `json:"acctNumber"`
	CardExpiryDate string `json:"cardExpiryDate"`
	CardholderName string `json:"cardholderName,omitempty"`
	Email          string `json:"email,omitempty"`
	MobilePhone    *Phone `json:"mobilePhone,omitempty"`

	BillAddrCity     string `json:"billAddrCity,omitempty"`
	BillAddrCountry  string `json:"billAddrCountry,omitempty"`
	BillAddrLine1    string `json:"billAddrLine1,omitempty"`
	BillAddrLine2    string `json:"billAddrLine2,omitempty"`
	BillAddrPostCode string `json:"billAddrPostCode,omitempty"`
	BillAddrState    string `json:"billAddrState,omitempty"`
	ShipAddrCity     string `json:"shipAddrCity,omitempty"`
	ShipAddrCountry  string `json:"shipAddrCountry,omitempty"`
	ShipAddrLine1    string `json:"shipAddrLine1,omitempty"`
	ShipAddrLine2    string `json:"shipAddrLine2,omitempty"`
	ShipAddrPostCode string `json:"shipAddrPostCode,omitempty"`
	ShipAddrState    string `json:"shipAddrState,omitempty"`

	PurchaseAmount   string `json:"purchaseAmount"`
	PurchaseCurrency string `json:"purchaseCurrency"`
	PurchaseExponent string `json:"purchaseExponent"`
	PurchaseDate     string `json:"purchaseDate"`
	NotificationURL  string `json:"notificationURL"`

	BrowserAcceptHeader      string `json:"browserAcceptHeader"`
	BrowserIP                string `json:"browserIP,omitempty"`
	BrowserJavaEnabled       *bool  `json:"browserJavaEnabled,omitempty"`
	BrowserJavascriptEnabled *bool  `json:"browserJavascriptEnabled"`
	BrowserLanguage          string `json:"browserLanguage"`
	BrowserColorDepth        string `json:"browserColorDepth,omitempty"`
	BrowserScreenHeight      string `json:"browserScreenHeight,omitempty"`
	BrowserScreenWidth       string `json:"browserScreenWidth,omitempty"`
	BrowserTZ                string `json:"browserTZ,omitempty"`
	BrowserUserAgent         string `json:"browserUserAgent"`
}

// Phone is a telephone number as EMV carries it: country calling code and
// subscriber number, digits only.
type Phone struct {
	CC         string `json:"cc"`
	Subscriber string `json:"subscriber"`
}

// ARes is the Authentication Response: the ACS's answer, back through the DS.
type ARes struct {
	MessageType          MessageType `json:"messageType"`
	MessageVersion       string      `json:"messageVersion"`
	ThreeDSServerTransID string      `json:"threeDSServerTransID"`
	DSTransID            string      `json:"dsTransID"`
	ACSTransID           string      `json:"acsTransID"`
	DSReferenceNumber    string      `json:"dsReferenceNumber"`
	ACSReferenceNumber   string      `json:"acsReferenceNumber"`
	ACSOperatorID        string      `json:"acsOperatorID,omitempty"`

	TransStatus          TransStatus        `json:"transStatus"`
	TransStatusReason    Reason             `json:"transStatusReason,omitempty"`
	ECI                  string             `json:"eci,omitempty"`
	AuthenticationValue  string             `json:"authenticationValue,omitempty"`
	AuthenticationType   AuthenticationType `json:"authenticationType,omitempty"`
	ACSChallengeMandated string             `json:"acsChallengeMandated,omitempty"`
	ACSURL               string             `json:"acsURL,omitempty"`
	ACSDecConInd         string             `json:"acsDecConInd,omitempty"`
	CardholderInfo       string             `json:"cardholderInfo,omitempty"`
}

// CReq is the Challenge Request the cardholder's browser posts to acsURL
// (base64url, as the form field creq) to open the challenge.
type CReq struct {
	MessageType          MessageType     `json:"messageType"`
	MessageVersion       string          `json:"messageVersion"`
	ThreeDSServerTransID string          `json:"threeDSServerTransID"`
	ACSTransID           string          `json:"acsTransID"`
	ChallengeWindowSize  WindowSize      `json:"challengeWindowSize"`
	ChallengeCancel      ChallengeCancel `json:"challengeCancel,omitempty"`
}

// CRes is the final Challenge Response, which the ACS has the browser post
// to the 3DS Requestor's notificationURL (base64url, as the form field cres).
type CRes struct {
	MessageType            MessageType `json:"messageType"`
	MessageVersion         string      `json:"messageVersion"`
	ThreeDSServerTransID   string      `json:"threeDSServerTransID"`
	ACSTransID             string      `json:"acsTransID"`
	ChallengeCompletionInd string      `json:"challengeCompletionInd"`
	TransStatus            TransStatus `json:"transStatus"`
}

// RReq is the Results Request: the ACS tells the 3DS Server, through the DS,
// how a challenge or decoupled authentication ended.
type RReq struct {
	MessageType          MessageType `json:"messageType"`
	MessageVersion       string      `json:"messageVersion"`
	MessageCategory      string      `json:"messageCategory"`
	ThreeDSServerTransID string      `json:"threeDSServerTransID"`
	DSTransID            string      `json:"dsTransID"`
	ACSTransID           string      `json:"acsTransID"`

	TransStatus          TransStatus          `json:"transStatus"`
	TransStatusReason    Reason               `json:"transStatusReason,omitempty"`
	ECI                  string               `json:"eci,omitempty"`
	AuthenticationValue  string               `json:"authenticationValue,omitempty"`
	AuthenticationType   AuthenticationType   `json:"authenticationType"`
	AuthenticationMethod AuthenticationMethod `json:"authenticationMethod,omitempty"`
	InteractionCounter   string               `json:"interactionCounter"`
	ChallengeCancel      ChallengeCancel      `json:"challengeCancel,omitempty"`
}

// RRes is the Results Response: the 3DS Server acknowledges the RReq.
type RRes struct {
	MessageType          MessageType `json:"messageType"`
	MessageVersion       string      `json:"messageVersion"`
	ThreeDSServerTransID string      `json:"threeDSServerTransID"`
	DSTransID            string      `json:"dsTransID"`
	ACSTransID           string      `json:"acsTransID"`
	ResultsStatus        string      `json:"resultsStatus"`
}

// Type is the message's messageType.
func (AReq) Type() MessageType { return TypeAReq }

// Type is the message's messageType.
func (ARes) Type() MessageType { return TypeARes }

// Type is the message's messageType.
func (CReq) Type() MessageType { return TypeCReq }

// Type is the message's messageType.
func (CRes) Type() MessageType { return TypeCRes }

// Type is the message's messageType.
func (RReq) Type() MessageType { return TypeRReq }

// Type is the message's messageType.
func (RRes) Type() MessageType { return TypeRRes }

// MaxMessageBytes bounds one encoded message: EMV's longest fields (the
// browser's user agent and accept header) are 2,048 characters each, and a
// whole AReq stays far below this.
const MaxMessageBytes = 64 << 10

// ErrTooLarge is a message over MaxMessageBytes.
var ErrTooLarge = errors.New("emv: message too large")

// Decode reads one message of any type from its JSON, chosen by its
// messageType. Unknown fields are ignored (they are reported by Check, not
// by the decoder: a message from another implementation may carry
// extensions).
func Decode(data []byte) (Message, error) {
	if len(data) > MaxMessageBytes {
		return nil, ErrTooLarge
	}
	var head struct {
		MessageType MessageType `json:"messageType"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("emv: not a message: %w", err)
	}
	m := newMessage(head.MessageType)
	if m == nil {
		return nil, fmt.Errorf("emv: unknown messageType %q", head.MessageType)
	}
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("emv: %s: %w", head.MessageType, err)
	}
	return derefMessage(m), nil
}

// newMessage is a pointer to an empty message of type t, or nil.
func newMessage(t MessageType) any {
	switch t {
	case TypeAReq:
		return &AReq{}
	case TypeARes:
		return &ARes{}
	case TypeCReq:
		return &CReq{}
	case TypeCRes:
		return &CRes{}
	case TypeRReq:
		return &RReq{}
	case TypeRRes:
		return &RRes{}
	}
	return nil
}

func derefMessage(p any) Message {
	switch m := p.(type) {
	case *AReq:
		return *m
	case *ARes:
		return *m
	case *CReq:
		return *m
	case *CRes:
		return *m
	case *RReq:
		return *m
	case *RRes:
		return *m
	}
	return nil
}

// compactJSON encodes m without HTML escaping (URLs keep their & and <).
func compactJSON(m any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
