package emv

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Party is who sends or receives a message. The names are the ones the
// explainer's sequence diagrams use (flows.Party).
type Party string

// The parties of an EMV exchange. The Merchant is the 3DS Requestor: its
// checkout page opens the challenge and its notificationURL receives the
// CRes; the Cardholder's browser carries both.
const (
	Cardholder      Party = "Cardholder"
	Merchant        Party = "Merchant"
	ThreeDSServer   Party = "3DS Server"
	DirectoryServer Party = "Directory Server"
	ACS             Party = "Issuer ACS"
)

// Step is one message on its way from one party to another; Via is the
// party that carries it (the cardholder's browser for CReq and CRes).
type Step struct {
	From    Party
	To      Party
	Via     Party
	Message Message
	// Form is, for CReq and CRes, the base64url value the browser posts
	// (form field creq or cres).
	Form string
}

// Build is the whole exchange of an authentication, in order: the AReq
// from the 3DS Server to the DS and on to the ACS, the ARes back, and for
// a challenge or decoupled authentication that has ended, the CReq and
// CRes (browser challenge only) and the RReq and RRes. It is a pure
// function of its arguments: the same authentication always gives the
// same messages.
func Build(a Authentication, o Outcome) ([]Step, error) {
	steps, err := Start(a, o)
	if err != nil || o.Result == nil {
		return steps, err
	}
	rest, err := Finish(a, o)
	return append(steps, rest...), err
}

// Start is the first half of the exchange: AReq and ARes, each through the
// DS (four steps).
func Start(a Authentication, o Outcome) ([]Step, error) {
	if err := validate(a, o); err != nil {
		return nil, err
	}
	areq, err := NewAReq(a)
	if err != nil {
		return nil, err
	}
	ares := NewARes(a, o)
	return []Step{
		{From: ThreeDSServer, To: DirectoryServer, Message: areq},
		{From: DirectoryServer, To: ACS, Message: Forward(areq, a)},
		{From: ACS, To: DirectoryServer, Message: ares},
		{From: DirectoryServer, To: ThreeDSServer, Message: ares},
	}, nil
}

// Finish is the rest of a challenge or decoupled authentication once it
// has ended: the CReq (unless it never reached the ACS), the RReq and RRes
// through the DS, then the CRes to the merchant (a browser challenge the
// cardholder finished; after a timeout there is no browser to answer).
func Finish(a Authentication, o Outcome) ([]Step, error) {
	if err := validate(a, o); err != nil {
		return nil, err
	}
	if o.Result == nil {
		return nil, errors.New("emv: Finish needs the Result of the challenge or decoupled authentication")
	}
	var steps []Step
	challenge := o.Status == ChallengeRequired
	if challenge && o.Result.Cancel != CancelNoFirstCReq {
		creq := NewCReq(a)
		form, _ := Encode(creq)
		steps = append(steps, Step{From: Merchant, To: ACS, Via: Cardholder, Message: creq, Form: form})
	}
	rreq := NewRReq(a, o)
	rres := NewRRes(rreq)
	steps = append(steps,
		Step{From: ACS, To: DirectoryServer, Message: rreq},
		Step{From: DirectoryServer, To: ThreeDSServer, Message: rreq},
		Step{From: ThreeDSServer, To: DirectoryServer, Message: rres},
		Step{From: DirectoryServer, To: ACS, Message: rres},
	)
	if challenge && !o.Result.Cancel.TimedOut() {
		cres := NewCRes(a, o.Result.Status)
		form, _ := Encode(cres)
		steps = append(steps, Step{From: ACS, To: Merchant, Via: Cardholder, Message: cres, Form: form})
	}
	return steps, nil
}

// NewAReq is the AReq the 3DS Server sends the DS.
func NewAReq(a Authentication) (AReq, error) {
	cur, ok := LookupCurrency(a.Currency)
	if !ok {
		return AReq{}, fmt.Errorf("emv: currency %q is not an ISO 4217 currency", a.Currency)
	}
	merchantCountry, ok := CountryNumeric(a.Parties.MerchantCountry)
	if !ok {
		return AReq{}, fmt.Errorf("emv: merchant country %q is not an ISO 3166-1 country", a.Parties.MerchantCountry)
	}
	p := a.Parties
	r := AReq{
		MessageType: TypeAReq, MessageVersion: Version,
		MessageCategory: CategoryPayment, DeviceChannel: DeviceChannelBrowser,
		ThreeDSServerTransID: a.IDs.ThreeDSServer, ThreeDSServerRefNumber: p.ServerRefNumber, ThreeDSServerURL: p.ServerURL,
		RequestorID: p.RequestorID, RequestorName: p.RequestorName, RequestorURL: p.RequestorURL,
		RequestorAuthInd:   AuthIndPayment,
		RequestorChallenge: ChallengeIndOf(a.ChallengePreference),
		RequestorDecReqInd: "N",
		CompInd:            CompIndUnavailable,
		AcquirerBIN:        p.AcquirerBIN, AcquirerMerchantID: p.AcquirerMerchantID,
		MCC: p.MCC, MerchantCountryCode: merchantCountry, MerchantName: p.MerchantName,
		AcctNumber:       MaskPAN(a.Card.Number),
		CardExpiryDate:   fmt.Sprintf("%02d%02d", a.Card.Year%100, a.Card.Month),
		PurchaseAmount:   strconv.FormatInt(a.Amount, 10),
		PurchaseCurrency: cur.Numeric, PurchaseExponent: strconv.Itoa(cur.Exponent),
		PurchaseDate:    a.Time.UTC().Format("20060102150405"),
		NotificationURL: a.ReturnURL,
	}
	if a.Channel == ChannelDecoupled {
		r.RequestorDecReqInd = "Y"
		r.RequestorDecMaxTime = fmt.Sprintf("%05d", decMaxMinutes(a.DecMaxTime))
	}
	r.CardholderName = cardholderName(a)
	billCountry := ""
	if a.Customer != nil {
		r.Email = a.Customer.Email
		if a.Billing != nil {
			billCountry = a.Billing.Country
		}
		if a.Customer.Mobile != "" {
			r.MobilePhone, _ = PhoneOf(a.Customer.Mobile, billCountry)
		}
	}
	if b := a.Billing; b != nil {
		r.BillAddrCity, r.BillAddrLine1, r.BillAddrLine2, r.BillAddrPostCode = b.City, b.Line1, b.Line2, b.PostalCode
		r.BillAddrCountry, _ = CountryNumeric(b.Country)
		r.BillAddrState = subdivision(b.State)
	}
	if s := a.Shipping; s != nil {
		r.ShipAddrCity, r.ShipAddrLine1, r.ShipAddrLine2, r.ShipAddrPostCode = s.City, s.Line1, s.Line2, s.PostalCode
		r.ShipAddrCountry, _ = CountryNumeric(s.Country)
		r.ShipAddrState = subdivision(s.State)
	}
	setBrowser(&r, a.Device)
	return r, nil
}

// setBrowser fills the browser* fields from the device, with DefaultDevice
// for what it leaves out. Java is reported disabled: no current browser
// runs it, and seed 004 does not ask.
func setBrowser(r *AReq, d *Device) {
	dev := DefaultDevice
	if d != nil {
		dev = *d
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	r.BrowserAcceptHeader = or(dev.AcceptHeader, DefaultDevice.AcceptHeader)
	r.BrowserUserAgent = or(dev.UserAgent, DefaultDevice.UserAgent)
	r.BrowserLanguage = or(dev.Language, DefaultDevice.Language)
	r.BrowserIP = dev.IPAddress
	js := dev.JavascriptEnabled != nil && *dev.JavascriptEnabled
	r.BrowserJavascriptEnabled = &js
	if !js {
		return
	}
	java := false
	r.BrowserJavaEnabled = &java
	r.BrowserColorDepth, r.BrowserTZ = dev.ColorDepth, dev.Timezone
	if dev.ScreenHeight > 0 {
		r.BrowserScreenHeight = strconv.Itoa(dev.ScreenHeight)
	}
	if dev.ScreenWidth > 0 {
		r.BrowserScreenWidth = strconv.Itoa(dev.ScreenWidth)
	}
}

// cardholderName is the name on the card, or else the customer's, when it
// fits EMV's 2–45 characters.
func cardholderName(a Authentication) string {
	name := a.Card.Name
	if name == "" && a.Customer != nil {
		name = a.Customer.Name
	}
	if n := len([]rune(name)); n < 2 || n > 45 {
		return ""
	}
	return name
}

// subdivision keeps a state only when it can be an ISO 3166-2 subdivision
// code (EMV allows 1–3 characters); seed 004 takes free text ("Riyadh").
func subdivision(state string) string {
	if n := len(state); n < 1 || n > 3 {
		return ""
	}
	return state
}

// decMaxMinutes is the decoupled time in whole minutes, rounded up, within
// EMV's 1–10080 (seven days).
func decMaxMinutes(d time.Duration) int {
	if d <= 0 {
		return DefaultDecMaxTimeInMin
	}
	m := int((d + time.Minute - 1) / time.Minute)
	return min(max(m, 1), 10080)
}

// MaskPAN keeps a card number's first six and last four digits.
func MaskPAN(pan string) string {
	if len(pan) <= 10 {
		return strings.Repeat("*", max(len(pan)-4, 0)) + pan[max(len(pan)-4, 0):]
	}
	return pan[:6] + strings.Repeat("*", len(pan)-10) + pan[len(pan)-4:]
}

// Forward is the AReq as the DS passes it on to the ACS: the same message
// with the DS's transaction id, reference number and URL added.
func Forward(r AReq, a Authentication) AReq {
	r.DSTransID, r.DSReferenceNumber, r.DSURL = a.IDs.DS, a.Parties.DSReferenceNumber, a.Parties.DSURL
	return r
}

// NewARes is the ACS's answer. Each field is there only for the outcomes
// EMV gives it to (see Rules).
func NewARes(a Authentication, o Outcome) ARes {
	r := ARes{
		MessageType: TypeARes, MessageVersion: Version,
		ThreeDSServerTransID: a.IDs.ThreeDSServer, DSTransID: a.IDs.DS, ACSTransID: a.IDs.ACS,
		DSReferenceNumber: a.Parties.DSReferenceNumber, ACSReferenceNumber: a.Parties.ACSReferenceNumber,
		ACSOperatorID: a.Parties.ACSOperatorID,
		TransStatus:   o.Status, CardholderInfo: o.CardholderInfo,
	}
	switch o.Status {
	case Authenticated, Attempted:
		r.ECI, r.AuthenticationValue = ECI(a.Scheme, o.Status), o.CAVV
	case NotAuthenticated, Unavailable, Rejected:
		r.TransStatusReason = o.Reason
	case ChallengeRequired:
		r.AuthenticationType, r.ACSChallengeMandated, r.ACSURL = authType(o), yn(o.Mandated), o.ACSURL
	case DecoupledConfirmed:
		r.AuthenticationType, r.ACSChallengeMandated, r.ACSDecConInd = authType(o), yn(o.Mandated), "Y"
	}
	return r
}

func authType(o Outcome) AuthenticationType {
	switch {
	case o.AuthType != "":
		return o.AuthType
	case o.Status == DecoupledConfirmed:
		return AuthDecoupled
	}
	return AuthDynamic
}

// NewCReq is the CReq the merchant's page has the browser post to acsURL.
func NewCReq(a Authentication) CReq {
	w := a.Window
	if w == "" {
		w = WindowFullScreen
	}
	return CReq{
		MessageType: TypeCReq, MessageVersion: Version,
		ThreeDSServerTransID: a.IDs.ThreeDSServer, ACSTransID: a.IDs.ACS, ChallengeWindowSize: w,
	}
}

// NewCRes is the final CRes of a challenge the cardholder finished (Y or N).
func NewCRes(a Authentication, st TransStatus) CRes {
	return CRes{
		MessageType: TypeCRes, MessageVersion: Version,
		ThreeDSServerTransID: a.IDs.ThreeDSServer, ACSTransID: a.IDs.ACS,
		ChallengeCompletionInd: ChallengeCompletedInd, TransStatus: st,
	}
}

// NewRReq is the ACS's report of how a challenge or decoupled
// authentication ended; o.Result must be set.
func NewRReq(a Authentication, o Outcome) RReq {
	res := o.Result
	r := RReq{
		MessageType: TypeRReq, MessageVersion: Version, MessageCategory: CategoryPayment,
		ThreeDSServerTransID: a.IDs.ThreeDSServer, DSTransID: a.IDs.DS, ACSTransID: a.IDs.ACS,
		TransStatus: res.Status, AuthenticationType: authType(o), AuthenticationMethod: res.Method,
		InteractionCounter: fmt.Sprintf("%02d", res.Interactions), ChallengeCancel: res.Cancel,
	}
	switch res.Status {
	case Authenticated, Attempted:
		r.ECI, r.AuthenticationValue = ECI(a.Scheme, res.Status), res.CAVV
	default:
		r.TransStatusReason = res.Reason
	}
	return r
}

// NewRRes is the 3DS Server's acknowledgement of an RReq.
func NewRRes(r RReq) RRes {
	return RRes{
		MessageType: TypeRRes, MessageVersion: Version,
		ThreeDSServerTransID: r.ThreeDSServerTransID, DSTransID: r.DSTransID, ACSTransID: r.ACSTransID,
		ResultsStatus: ResultsReceived,
	}
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}
