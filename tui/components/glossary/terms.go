package glossary

// term is one entry: its name, one to three plain sentences, and an
// optional table of codes and what they mean.
type term struct {
	Name string
	Text string
	List [][2]string
}

// group is a heading and its terms, in the order a newcomer meets them.
type group struct {
	Title string
	Terms []term
}

// groups is the glossary. The facts follow EMV 3-D Secure 2.2 and the
// domain reference walletsim is built on.
var groups = []group{
	{"The basics", []term{
		{Name: "3-D Secure (3DS)", Text: "A protocol by EMVCo that lets the bank that issued a card confirm, during an " +
			"online purchase, that the buyer really is the cardholder. Its three domains are the issuer's, the merchant's " +
			"(the acquirer's) and, linking them, the card schemes'. walletsim follows EMV 3DS 2.2."},
		{Name: "Enrollment", Text: "Registering a card in the issuer's 3DS program, with a way to reach the cardholder " +
			"for one-time codes (EMAIL or SMS). The issuer's ACS can only challenge an enrolled card; for a card outside " +
			"the program the result is an attempt (A)."},
		{Name: "Liability shift", Text: "When a purchase is authenticated (Y), and usually when authentication was " +
			"attempted (A), the cost of a fraud chargeback moves from the merchant to the issuer. Without 3DS, or after " +
			"U, the merchant bears it; each card scheme sets the exact rules."},
	}},
	{"Who takes part", []term{
		{Name: "Issuer", Text: "The bank that issued the card. Its ACS authenticates the cardholder during checkout; " +
			"afterwards the issuer itself approves or declines the payment."},
		{Name: "ACS (Access Control Server)", Text: "The issuer's part of 3DS, run by the issuer or its processor (not to " +
			"be confused with the merchant's 3DS Server). It receives the AReq, weighs the risk and " +
			"decides: let the purchase through (frictionless), challenge the cardholder, or ask them out of band " +
			"(decoupled). It vouches for the result with a CAVV."},
		{Name: "3DS Server", Text: "The merchant's side of 3DS, run by the merchant or its payment provider. It builds " +
			"the AReq from the purchase, the card and the cardholder's device, sends it to the Directory Server, and " +
			"receives the ARes and, later, the RReq."},
		{Name: "Directory Server (DS)", Text: "Run by each card scheme (Visa, Mastercard, …). It knows which ACS serves " +
			"which cards and passes AReq/ARes and RReq/RRes between the 3DS Server and the ACS; when the issuer cannot " +
			"authenticate, its attempts service may answer A."},
	}},
	{"The messages", []term{
		{Name: "AReq / ARes", Text: "Authentication Request and Response. The 3DS Server's AReq carries the purchase, " +
			"card and device data to the ACS through the DS; the ACS's ARes answers with a transStatus: final (Y, A, N, " +
			"R, U), or C or D when the cardholder must take part."},
		{Name: "CReq / CRes", Text: "Challenge Request and Response, exchanged between the cardholder's browser (or " +
			"app) and the ACS during a challenge: the CReq carries what the cardholder entered, the CRes the next screen " +
			"or the end of the challenge. They do not pass through the 3DS Server, so the merchant never sees the code."},
		{Name: "RReq / RRes", Text: "Results Request and Response. After a challenge or a decoupled authentication, the " +
			"ACS sends the final transStatus (with ECI and CAVV) to the 3DS Server in an RReq, through the DS; the 3DS " +
			"Server acknowledges it with an RRes."},
	}},
	{"The result", []term{
		{Name: "transStatus", Text: "The outcome, one letter, in the ARes and again in the RReq:", List: [][2]string{
			{"Y", "authenticated"},
			{"A", "attempted: not authenticated, but the attempt is proven"},
			{"C", "challenge required: the cardholder must take part"},
			{"D", "decoupled: the issuer authenticates the cardholder out of band"},
			{"N", "not authenticated; the transaction is denied"},
			{"R", "rejected: the issuer asks the merchant not to authorise"},
			{"U", "could not be performed (a technical problem, or no answer in time)"},
			{"I", "informational only: the merchant's challenge preference was acknowledged"},
		}},
		{Name: "ECI (Electronic Commerce Indicator)", Text: "Two digits the merchant sends with the payment " +
			"authorisation to say how the cardholder was authenticated. walletsim gives one with Y and A only.", List: [][2]string{
			{"Visa, mada", "05 authenticated, 06 attempted, 07 not authenticated"},
			{"Mastercard", "02 authenticated, 01 attempted, 00 not authenticated"},
		}},
		{Name: "CAVV / AAV", Text: "The Cardholder Authentication Verification Value (Mastercard's AAV), 28 base64 " +
			"characters such as AAIBBRQxMAAAAAPoaCAjdQAAAAA=. It is the issuer's cryptographic proof of the " +
			"authentication, checked when the payment is authorised; it comes with Y and A only."},
		{Name: "Attempts (A)", Text: "The cardholder could not be authenticated, but the attempt is proven: the card is " +
			"not enrolled, or the issuer's ACS is not available, so the scheme's attempts service answers. It carries " +
			"ECI 06 / 01 and a CAVV, and liability usually still shifts to the issuer."},
	}},
	{"How the cardholder is checked", []term{
		{Name: "Frictionless", Text: "The ACS is satisfied by the AReq's data alone (device, amount, history) and " +
			"answers Y at once, without asking the cardholder anything. Most EMV 3DS 2 purchases go this way."},
		{Name: "Challenge", Text: "The ACS answers C: the cardholder must prove who they are on the issuer's challenge " +
			"page (challenge_url), shown in the browser at checkout, typically by entering a one-time code. The final " +
			"result comes in the RReq."},
		{Name: "One-time code (OTP)", Text: "A short code the ACS sends to the destination the cardholder enrolled, by " +
			"SMS or email, good for one purchase only. In walletsim it has six digits, and three wrong codes end the " +
			"challenge with N."},
		{Name: "Decoupled authentication", Text: "The ACS answers D and authenticates the cardholder outside the " +
			"checkout, for example with a notification in their wallet app approved with a fingerprint; the merchant " +
			"waits for the RReq. New in EMV 3DS 2.2."},
		{Name: "Challenge indicator", Text: "What the merchant would like, sent in the AReq as " +
			"threeDSRequestorChallengeInd (challenge_preference in the 3DS API). The ACS decides in the end, and may " +
			"challenge anyway.", List: [][2]string{
			{"01 no_preference", "no preference"},
			{"02 no_challenge", "no challenge requested"},
			{"03 preferred", "challenge requested: the merchant's preference"},
			{"04 mandated", "challenge requested: mandate (a rule requires it)"},
		}},
	}},
	{"The wallet", []term{
		{Name: "Webhook, ThreeDSecureEvent", Text: "An HTTP POST from the wallet platform to the wallet's backend when a " +
			"decoupled authentication waits for the cardholder: a ThreeDSecureEvent with the merchant, the amount, the " +
			"card's last four digits, auth3dsId and walletOperationId. Failed deliveries are retried; the wallet answers " +
			"with its decision: VERIFIED, REJECTED or FAILED."},
		{Name: "Signature (HMAC)", Text: "The header that proves a webhook is genuine: base64 of HMAC-SHA256 of the raw " +
			"body, keyed with a secret only the platform and the wallet know. The receiver recomputes it and refuses an " +
			"event whose signature does not match."},
	}},
}
