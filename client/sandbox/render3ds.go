package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/threeds"
)

// Coarse statuses of an authentication (the seed shows "in_progress").
const (
	statusInitiated   = "initiated"
	statusInProgress  = "in_progress"
	statusAuthentic   = "authenticated"
	statusAttempted   = "attempted"
	statusFailed      = "failed"
	statusRejected    = "rejected"
	statusUnavailable = "unavailable"
)

// renderJSON is render, encoded. The caller holds s.mu.
func (s *space) renderJSON(a *authn) ([]byte, error) {
	return s.appendRenderJSON(make([]byte, 0, 2560), a)
}

// appendRenderJSON appends render's encoding to dst. The caller holds s.mu.
// The rendered value (about 850 bytes) comes from renders: encoding takes
// it as an interface, so a local one would be moved to the heap on every
// answer.
func (s *space) appendRenderJSON(dst []byte, a *authn) ([]byte, error) {
	out := renders.Get().(*threeds.Authentication)
	*out = s.render(a)
	dst, err := appendJSON(dst, out)
	*out = threeds.Authentication{} // holds no authentication's strings while pooled
	renders.Put(out)
	return dst, err
}

var renders = sync.Pool{New: func() any { return new(threeds.Authentication) }}

// render is the authentication in seed 004's response shape. The caller
// holds s.mu.
func (s *space) render(a *authn) threeds.Authentication {
	ares, req := a.ares(), a.request()
	out := threeds.Authentication{
		MerchantID: a.merchID, ID: a.id, Amount: a.amount, Currency: a.currency,
		Status: statusOf(a), Message: messageOf(a),
		ReturnURL: req.ReturnURL, ChallengePreference: req.ChallengePreference,
		Customer: req.Customer, BillingAddress: req.BillingAddress, ShippingAddress: req.ShippingAddress,
		Device: req.CustomerDevice, Year: req.Year, Month: req.Month,
		IsFrictionless: a.answeredAtOnce(),
		AuthStatus:     a.transStatus, Version: ares.MessageVersion,
		PurchaseDate: client.At(a.created), CreatedAt: client.At(a.created), UpdatedAt: client.At(a.updated),
		Scheme: string(a.scheme), Channel: req.Channel,
		TDSRef: "walletsim", DSID: ares.DSTransID, DSRef: ares.DSReferenceNumber,
		ACSID: ares.ACSTransID, ACSRef: ares.ACSReferenceNumber,
		Meta: threeds.Meta{
			MerchantID: "WalletsimTestMerchant", StatementDescriptor: s.cfg.MerchantName,
			DSStartProtocolVersion: "2.1.0", ACSStartProtocolVersion: "2.1.0",
			DSEndProtocolVersion: "2.2.0", ACSEndProtocolVersion: "2.2.0",
			ARes: ares,
		},
	}
	if a.started {
		out.Fingerprint = s.fingerprintOf(req.Number)
	}
	if a.acsURL != "" {
		out.ChallengeURL = &a.acsURL
	}
	// The ECI depends on nothing else (and is empty until a Y or A result).
	if e := ECI(a.scheme, a.transStatus); e != "" {
		eci := e
		out.ECI, out.AuthValue = &eci, &a.cavv
	}
	if a.failure != "" {
		out.FailureReason = &a.failure
	}
	return out
}

func statusOf(a *authn) string {
	switch {
	case !a.started && a.final:
		return "expired"
	case !a.started:
		return statusInitiated
	}
	if !a.final {
		return statusInProgress
	}
	switch a.transStatus {
	case "Y":
		return statusAuthentic
	case "A":
		return statusAttempted
	case "N":
		return statusFailed
	case "R":
		return statusRejected
	case "U":
		return statusUnavailable
	}
	return ""
}

func messageOf(a *authn) string {
	if !a.started {
		return "Awaiting authentication"
	}
	switch a.transStatus {
	case "Y":
		return "Authenticated"
	case "A":
		if a.notEnroll {
			return "Authentication attempted: card not enrolled in 3DS"
		}
		return "Authentication attempted"
	case "C":
		return "Challenge required" // the seed's words
	case "D":
		return "Decoupled authentication required"
	case "N":
		return "Not authenticated"
	case "R":
		return "Authentication rejected"
	}
	return "Authentication could not be performed"
}

// fingerprintOf is cardFingerprint, remembered for the last card (test
// traffic repeats its card). The caller holds s.mu.
func (s *space) fingerprintOf(pan string) string {
	if s.last.pan != pan || s.last.fingerprint == "" {
		s.last.pan, s.last.fingerprint = pan, cardFingerprint(pan)
	}
	return s.last.fingerprint
}

// cardFingerprint identifies a card without revealing it: SHA-256 of the PAN.
func cardFingerprint(pan string) string {
	sum := sha256.Sum256([]byte("walletsim:" + pan))
	return hex.EncodeToString(sum[:])
}

// merchantID is a stable UUID-shaped id for a merchant key.
func merchantID(key string) string {
	sum := sha256.Sum256([]byte("merchant:" + key))
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	// 8-4-4-4-12 hex digits, the version digit forced to 4 and the variant to 8.
	b := make([]byte, 0, 36)
	b = append(b, h[0:8]...)
	b = append(b, '-')
	b = append(b, h[8:12]...)
	b = append(b, '-', '4')
	b = append(b, h[13:16]...)
	b = append(b, '-', '8')
	b = append(b, h[17:20]...)
	b = append(b, '-')
	b = append(b, h[20:32]...)
	return string(b)
}
