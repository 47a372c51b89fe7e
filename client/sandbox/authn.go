package sandbox

import (
	"time"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// authn is one 3DS authentication, from purchase to final result.
//
// MaxFinished of these are kept, so it holds only what cannot be derived
// (360 bytes, down from 736): the ARes' constant fields, the ECI (a
// function of scheme and transStatus), the cardholder (the sandbox's, for
// a test card) and the first answer (see firstAnswer) are not stored, and
// the request is shared with the previous one when equal (shareWithLast).
type authn struct {
	id          string
	amount      int64
	currency    string
	description string
	created     time.Time
	updated     time.Time
	expires     time.Time // while a challenge or decoupled step waits

	req     *threeds.AuthenticateRequest // nil until authenticate; see request
	fp      [32]byte
	merchID string
	scheme  testcards.Scheme

	// The ACS's answer (ARes), as ares renders it.
	dsTransID, serverTransID, acsTransID string
	acsURL                               string // a challenge's page
	aresStatus                           string // Y A C D N R U

	transStatus string // ARes status, then the final one
	cavv        string
	failure     string

	challenge *challengeState
	dec       *decoupledState

	// How it ended, for the EMV messages (see exchange): the
	// transStatusReason with N, U and R, the challengeCancel of a
	// challenge or decoupled authentication that did not complete, and
	// how many times the cardholder answered (interactionCounter). Two
	// digits each, kept as bytes beside the flags: as strings they took
	// an allocation size class more per authentication.
	reason, cancel code2
	interactions   uint8

	started   bool // authenticate was called
	final     bool
	testCard  bool // the PAN is a test card's, so the sandbox cardholder's
	notEnroll bool // a challenge was needed but the card is not enrolled
	mandated  bool // the ACS, not the merchant, wanted the cardholder

	kept int64 // bytes counted against the sandbox's budget (accounting.go)
}

// code2 is a two-digit EMV code (transStatusReason, challengeCancel);
// zero when there is none.
type code2 [2]byte

func codeOf[S ~string](s S) code2 {
	var c code2
	copy(c[:], s)
	return c
}

func (c code2) String() string {
	if c == (code2{}) {
		return ""
	}
	return string(c[:])
}

// noRequest is the request of an authentication not started yet.
var noRequest threeds.AuthenticateRequest

// request is the authenticate request, empty before authenticate.
func (a *authn) request() *threeds.AuthenticateRequest {
	if a.req == nil {
		return &noRequest
	}
	return a.req
}

// cardholder is the card's holder on the issuer: the sandbox cardholder's
// for a test card, nobody's otherwise.
func (a *authn) cardholder() string {
	if a.testCard {
		return testcards.CardholderID
	}
	return ""
}

// ares is the ACS's authentication response as meta.ares shows it: empty
// until authenticate is called, then the very ARes of the EMV exchange
// (GET /v1/3ds/{id}/messages), field for field.
func (a *authn) ares() threeds.ARes {
	if !a.started {
		return threeds.ARes{}
	}
	ids := emv.IDs{ThreeDSServer: a.serverTransID, DS: a.dsTransID, ACS: a.acsTransID}
	r := emv.NewARes(emv.Authentication{IDs: ids, Scheme: emv.Scheme(a.scheme), Parties: emv.SandboxParties}, a.emvOutcome())
	return threeds.ARes{
		MessageVersion: r.MessageVersion, MessageType: string(r.MessageType),
		DSTransID: r.DSTransID, DSReferenceNumber: r.DSReferenceNumber,
		ThreeDSServerTransID: r.ThreeDSServerTransID, ACSTransID: r.ACSTransID,
		ACSReferenceNumber: r.ACSReferenceNumber, ACSOperatorID: r.ACSOperatorID,
		AuthenticationType: string(r.AuthenticationType), ACSChallengeMandated: r.ACSChallengeMandated,
		ACSURL: r.ACSURL, TransStatus: string(r.TransStatus), AuthenticationValue: r.AuthenticationValue,
		TransStatusReason: string(r.TransStatusReason), ECI: r.ECI, ACSDecConInd: r.ACSDecConInd,
	}
}

// firstAnswer is the authenticate answer to a challenge or decoupled start,
// replayed on a repeat. An authentication the ACS answered at once keeps
// none (answeredAtOnce): it never changes again, so its rendering is its
// first answer.
func (a *authn) firstAnswer() []byte {
	switch {
	case a.challenge != nil:
		return a.challenge.first
	case a.dec != nil:
		return a.dec.first
	}
	return nil
}

// lastRequest is the previous authentication's request and merchant id,
// which the next one shares its equal values with.
type lastRequest struct {
	req              *threeds.AuthenticateRequest
	user, merchID    string
	pan, fingerprint string // the last card rendered
}

// shareWithLast returns req to keep, made of the previous authentication's
// strings and customer, addresses and device wherever they are equal (the
// previous request itself when all are), and computes the merchant id
// only for a new key. Test traffic repeats its fixtures (the same
// customer, addresses and device on every purchase), and stored requests
// are never modified, so equal values can be one copy: the MaxFinished
// authentications kept then take half the memory. The caller holds s.mu.
func (s *space) shareWithLast(req threeds.AuthenticateRequest, user string) *threeds.AuthenticateRequest {
	l := &s.last
	if l.merchID == "" || l.user != user {
		l.user, l.merchID = user, merchantID(user)
	}
	if p := l.req; p != nil {
		shareParts(&req, p)
		if req == *p { // equal pointers now mean equal values
			return p
		}
	}
	l.req = &req
	return l.req
}

// shareParts points req's strings, customer, addresses and device at p's
// wherever they are equal.
func shareParts(req, p *threeds.AuthenticateRequest) {
	shareString(&req.Number, p.Number)
	shareString(&req.Channel, p.Channel)
	shareString(&req.ReturnURL, p.ReturnURL)
	shareString(&req.Name, p.Name)
	shareString(&req.ChallengePreference, p.ChallengePreference)
	share(&req.Customer, p.Customer, equal)
	share(&req.BillingAddress, p.BillingAddress, equal)
	share(&req.ShippingAddress, p.ShippingAddress, equal)
	if req.ShippingAddress != p.ShippingAddress {
		share(&req.ShippingAddress, req.BillingAddress, equal) // often the same address twice
	}
	share(&req.CustomerDevice, p.CustomerDevice, sameDevice)
}

func shareString[S ~string](dst *S, prev S) {
	if *dst == prev {
		*dst = prev
	}
}

// share points *dst at prev when both are set and same says they are equal.
func share[T any](dst **T, prev *T, same func(a, b *T) bool) {
	if *dst != nil && prev != nil && same(*dst, prev) {
		*dst = prev
	}
}

func equal[T comparable](a, b *T) bool { return *a == *b }

func sameDevice(a, b *threeds.Device) bool {
	x, y := *a, *b
	x.JavascriptEnabled, y.JavascriptEnabled = nil, nil
	ja, jb := a.JavascriptEnabled, b.JavascriptEnabled
	return x == y && (ja == nil) == (jb == nil) && (ja == nil || *ja == *jb)
}

// answeredAtOnce reports whether the ACS's answer was final (no challenge,
// no decoupled step): nothing changes such an authentication afterwards.
func (a *authn) answeredAtOnce() bool {
	return a.started && a.aresStatus != "C" && a.aresStatus != "D"
}
