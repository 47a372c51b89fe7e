package emv

// Scheme is a card network, as seed 004 names it in "scheme".
type Scheme string

// The schemes walletsim knows. mada cards are co-badged and authenticate on
// the Visa rails in the sandbox; American Express's 3DS program is SafeKey.
const (
	Visa       Scheme = "visa"
	Mastercard Scheme = "mastercard"
	Mada       Scheme = "mada"
	Amex       Scheme = "amex"
)

// Schemes lists them in the order tables show them.
var Schemes = []Scheme{Visa, Mastercard, Mada, Amex}

// Program is the name the scheme gives its 3DS program.
func (s Scheme) Program() string {
	switch s {
	case Visa:
		return "Visa Secure"
	case Mastercard:
		return "Mastercard Identity Check"
	case Mada:
		return "mada Secure (on the Visa or Mastercard rails)"
	case Amex:
		return "American Express SafeKey"
	}
	return "3-D Secure"
}

// The ECI values. Mastercard has its own; Visa, mada, American Express (and
// JCB, Discover, UnionPay) share the others.
const (
	ECIVisaAuthenticated = "05"
	ECIVisaAttempted     = "06"
	ECIVisaNotAuth       = "07"
	ECIMCAuthenticated   = "02"
	ECIMCAttempted       = "01"
	ECIMCNotAuth         = "00"
)

// ECI is the Electronic Commerce Indicator of a result: only Y and A carry
// one in a message. Every scheme but Mastercard uses 05/06.
func ECI(s Scheme, st TransStatus) string {
	mc := s == Mastercard
	switch {
	case st == Authenticated && mc:
		return ECIMCAuthenticated
	case st == Authenticated:
		return ECIVisaAuthenticated
	case st == Attempted && mc:
		return ECIMCAttempted
	case st == Attempted:
		return ECIVisaAttempted
	}
	return ""
}

// ECINotAuthenticated is the ECI a merchant sends with an authorisation that
// was not authenticated (07, or 00 for Mastercard); no message carries it.
func ECINotAuthenticated(s Scheme) string {
	if s == Mastercard {
		return ECIMCNotAuth
	}
	return ECIVisaNotAuth
}

// ReasonOutcome is a transStatusReason and the transStatus an ACS answers
// with it at once, in the ARes.
type ReasonOutcome struct {
	Reason Reason
	Status TransStatus
}

// ReasonOutcomes are the reasons the sandbox's reason cards force, with the
// transStatus each comes with: N when the cardholder is not authenticated,
// R when the issuer asks the merchant not to authorise at all (an expired,
// suspect or barred card), U when authentication could not be performed.
var ReasonOutcomes = []ReasonOutcome{
	{ReasonCardAuthFailed, NotAuthenticated},
	{ReasonExpiredCard, Rejected},
	{ReasonNoCardRecord, NotAuthenticated},
	{ReasonSuspectedFraud, Rejected},
	{ReasonNotPermitted, Rejected},
	{ReasonNotEnrolled, Unavailable},
	{ReasonTimedOutAtACS, Unavailable},
	{ReasonMaxChallenges, NotAuthenticated},
	{ReasonACSTechnicalIssue, Unavailable},
	{ReasonNotPerformed, NotAuthenticated},
}
