package sandbox

import (
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// ECI is the Electronic Commerce Indicator for a result: only Y and A carry
// one. Mastercard uses 02/01, the others (Visa, mada, American Express)
// 05/06: emv.ECI, the one table of them.
func ECI(s testcards.Scheme, transStatus string) string {
	return emv.ECI(emv.Scheme(s), emv.TransStatus(transStatus))
}

// WebhookScheme is the cardScheme of a ThreeDSecureEvent. The seed's
// platform names VISA and MC; the sandbox's mada cards are co-badged with
// Visa, and its American Express cards are named AMEX (the platform's
// enum has no value for them, and calling them VISA would be false).
func WebhookScheme(s testcards.Scheme) string {
	switch s {
	case testcards.Mastercard:
		return "MC"
	case testcards.Amex:
		return "AMEX"
	}
	return "VISA"
}
