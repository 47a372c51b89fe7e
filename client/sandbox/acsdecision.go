package sandbox

import (
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// decision is what the ACS answers in the ARes.
type decision struct {
	transStatus string // Y A C D N R U
	mandated    bool   // the issuer, not the merchant, wants the challenge
	notEnrolled bool   // a challenge was needed but the card is not enrolled
}

// decide is the ACS's choice, from the card's forced outcome, the channel,
// the merchant's challenge preference and the card's 3DS enrollment.
//
//   - C and D cards always need the cardholder (acsChallengeMandated Y):
//     a C card is challenged on the browser, and decoupled on the decoupled
//     channel; a D card is always decoupled.
//   - A frictionless card is challenged when the merchant prefers or
//     mandates a challenge, and the card is enrolled.
//   - A card that needs a challenge but is not enrolled cannot be
//     challenged (the issuer has no destination for a code and no wallet
//     binding): attempts processing stands in, A with ECI 06/01, as the
//     schemes' attempts servers do for cardholders outside the program.
func decide(o testcards.Outcome, ch threeds.Channel, pref threeds.ChallengePreference, enrolled bool) decision {
	challenge := func(mandated, decoupledOnly bool) decision {
		if !enrolled {
			if !mandated && pref == threeds.Preferred {
				return decision{transStatus: "Y"}
			}
			return decision{transStatus: "A", mandated: mandated, notEnrolled: true}
		}
		if decoupledOnly || ch == threeds.Decoupled {
			return decision{transStatus: "D", mandated: mandated}
		}
		return decision{transStatus: "C", mandated: mandated}
	}
	switch o {
	case testcards.Attempted, testcards.NotAuth, testcards.Rejected, testcards.Unavailable:
		return decision{transStatus: string(o)}
	case testcards.Challenge:
		return challenge(true, false)
	case testcards.Decoupled:
		return challenge(true, true)
	}
	if pref == threeds.Preferred || pref == threeds.Mandated {
		return challenge(false, false)
	}
	return decision{transStatus: "Y"}
}

// frictionlessFailure explains the results that are not a success.
var frictionlessFailure = map[string]string{
	"N": "Cardholder not authenticated by the issuer.",
	"R": "Issuer rejected the authentication.",
	"U": "Issuer's ACS could not perform the authentication.",
}
