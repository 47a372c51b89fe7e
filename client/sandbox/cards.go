package sandbox

import "github.com/walletsim/walletsim/client/sandbox/testcards"

// ECI is the Electronic Commerce Indicator for a result: only Y and A carry
// one. Mastercard uses 02/01, the others (Visa, mada) 05/06.
func ECI(s testcards.Scheme, transStatus string) string {
	mc := s == testcards.Mastercard
	switch {
	case transStatus == "Y" && mc:
		return "02"
	case transStatus == "Y":
		return "05"
	case transStatus == "A" && mc:
		return "01"
	case transStatus == "A":
		return "06"
	}
	return ""
}

// WebhookScheme is the cardScheme of a ThreeDSecureEvent (VISA | MC); the
// sandbox's mada cards are co-badged with Visa.
func WebhookScheme(s testcards.Scheme) string {
	if s == testcards.Mastercard {
		return "MC"
	}
	return "VISA"
}
