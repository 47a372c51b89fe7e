package sandbox

import (
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// decision is what the ACS answers in the ARes.
type decision struct {
	transStatus string     // Y A C D N R U
	reason      emv.Reason // with N, R and U
	mandated    bool       // the issuer, not the merchant, wants the challenge
	notEnrolled bool       // a challenge was needed but the card is not enrolled
}

// decide is the ACS's choice, from the card's forced outcome (and the
// reason that comes with N, R and U), the channel, the merchant's
// challenge preference and the card's 3DS enrollment, which it asks for
// only when the answer depends on it: on a shared store that is a query,
// made under the workspace's lock.
//
//   - C and D cards always need the cardholder (acsChallengeMandated Y):
//     a C card is challenged on the browser, and decoupled on the decoupled
//     channel. A D card is decoupled when the request asked for it; on the
//     browser channel it may not be (EMV: D only when the AReq's
//     threeDSRequestorDecReqInd is Y), so the ACS challenges it instead,
//     or, when the card is not enrolled and it cannot, answers N with
//     transStatusReason 23 (decoupled required but not requested).
//   - A frictionless card is challenged when the merchant prefers or
//     mandates a challenge, and the card is enrolled.
//   - A card that needs a challenge but is not enrolled cannot be
//     challenged (the issuer has no destination for a code and no wallet
//     binding): attempts processing stands in, A with ECI 06/01, as the
//     schemes' attempts servers do for cardholders outside the program.
func decide(card testcards.Card, ch threeds.Channel, pref threeds.ChallengePreference, enrolled func() bool) decision {
	challenge := func(mandated bool) decision {
		if !enrolled() {
			if !mandated && pref == threeds.Preferred {
				return decision{transStatus: "Y"}
			}
			return decision{transStatus: "A", mandated: mandated, notEnrolled: true}
		}
		if ch == threeds.Decoupled {
			return decision{transStatus: "D", mandated: mandated}
		}
		return decision{transStatus: "C", mandated: mandated}
	}
	switch card.Outcome {
	case testcards.Attempted:
		return decision{transStatus: "A"}
	case testcards.NotAuth, testcards.Rejected, testcards.Unavailable:
		return decision{transStatus: string(card.Outcome), reason: card.Reason}
	case testcards.Challenge:
		return challenge(true)
	case testcards.Decoupled:
		if ch == threeds.Decoupled {
			return challenge(true)
		}
		if !enrolled() {
			return decision{transStatus: "N", reason: emv.ReasonDecoupledNotRequested}
		}
		return decision{transStatus: "C", mandated: true}
	}
	if pref == threeds.Preferred || pref == threeds.Mandated {
		return challenge(false)
	}
	return decision{transStatus: "Y"}
}

// frictionlessFailure explains the results that are not a success.
var frictionlessFailure = map[string]string{ // by transStatus
	"N": "Cardholder not authenticated by the issuer.",
	"R": "Issuer rejected the authentication.",
	"U": "Issuer's ACS could not perform the authentication.",
}

// failureText is a result's failure_reason: the status's explanation, with
// the reason's meaning when there is one.
func failureText(status string, reason emv.Reason) string {
	text := frictionlessFailure[status]
	if reason != "" {
		text += " Reason " + string(reason) + ": " + testcards.ReasonText(reason) + "."
	}
	return text
}
