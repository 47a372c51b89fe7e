package emv

// Meaning is a one-line meaning of a field any of the messages can carry
// ("" for a field that is not one of them). A field with codes has them in
// Codes.
func Meaning(field string) string { return fieldMeanings[field] }

// Code is one value of a coded field and what it means.
type Code struct {
	Value, Meaning string
}

// Codes are the values of a coded field with their meanings, in order (nil
// for a field without codes).
func Codes(field string) []Code { return codeTables[field] }

// CodeMeaning is what value means in field ("" when it is not one of its
// codes).
func CodeMeaning(field, value string) string {
	for _, c := range codeTables[field] {
		if c.Value == value {
			return c.Meaning
		}
	}
	return ""
}

func knownCode(field, value string) bool { return CodeMeaning(field, value) != "" }

// fieldMeanings: one line each, short enough to follow the field's name on
// an 80-column screen.
var fieldMeanings = map[string]string{
	"messageType":     "Which message this is: AReq, ARes, CReq, CRes, RReq or RRes",
	"messageVersion":  "The EMV 3DS protocol version both sides speak (2.2.0)",
	"messageCategory": "Whether a payment or a non-payment is being authenticated",
	"deviceChannel":   "Where the cardholder is: an app, a browser, or nowhere (3RI)",

	"threeDSServerTransID":   "The 3DS Server's id for this authentication (a UUID)",
	"threeDSServerRefNumber": "The 3DS Server's product reference, assigned by EMVCo",
	"threeDSServerURL":       "Where the DS sends the 3DS Server the RReq",
	"dsTransID":              "The Directory Server's id for this authentication (a UUID)",
	"dsReferenceNumber":      "The Directory Server's product reference, assigned by EMVCo",
	"dsURL":                  "Where the ACS sends the DS the RReq",
	"acsTransID":             "The issuer ACS's id for this authentication (a UUID)",
	"acsReferenceNumber":     "The ACS product's reference, assigned by EMVCo",
	"acsOperatorID":          "Who operates the ACS, as the DS knows them",

	"threeDSRequestorID":                "The merchant's id at the card scheme's Directory Server",
	"threeDSRequestorName":              "The merchant's name at the card scheme's Directory Server",
	"threeDSRequestorURL":               "The merchant's website",
	"threeDSRequestorAuthenticationInd": "Why the merchant authenticates: a payment, an added card, …",
	"threeDSRequestorChallengeInd":      "The merchant's wish about a challenge (seed's challenge_preference)",
	"threeDSRequestorDecReqInd":         "Whether the merchant accepts decoupled authentication (Y/N)",
	"threeDSRequestorDecMaxTime":        "Minutes the merchant gives the ACS for decoupled authentication",
	"threeDSCompInd":                    "Whether the 3DS Method (device fingerprinting) ran first",

	"acquirerBIN":         "The merchant's bank (acquirer), as the card scheme numbers it",
	"acquirerMerchantID":  "The merchant's id at its acquirer",
	"mcc":                 "Merchant category code: what kind of business sells",
	"merchantCountryCode": "The merchant's country, ISO 3166-1 numeric (682 Saudi Arabia)",
	"merchantName":        "The merchant's name as the cardholder will see it",

	"acctNumber":     "The card number (walletsim shows only its first 6 and last 4)",
	"cardExpiryDate": "The card's expiry date, YYMM",
	"cardholderName": "The name on the card",
	"email":          "The cardholder's email address",
	"mobilePhone":    "The cardholder's mobile: country code (cc) and subscriber",

	"billAddrCity":     "Billing address: city",
	"billAddrCountry":  "Billing address: country, ISO 3166-1 numeric",
	"billAddrLine1":    "Billing address: first line",
	"billAddrLine2":    "Billing address: second line",
	"billAddrPostCode": "Billing address: postal code",
	"billAddrState":    "Billing address: state, as an ISO 3166-2 subdivision code",
	"shipAddrCity":     "Shipping address: city",
	"shipAddrCountry":  "Shipping address: country, ISO 3166-1 numeric",
	"shipAddrLine1":    "Shipping address: first line",
	"shipAddrLine2":    "Shipping address: second line",
	"shipAddrPostCode": "Shipping address: postal code",
	"shipAddrState":    "Shipping address: state, as an ISO 3166-2 subdivision code",

	"purchaseAmount":   "The amount in minor units, no decimal point (100 = 1.00)",
	"purchaseCurrency": "The currency, ISO 4217 numeric (682 SAR, 840 USD, 978 EUR)",
	"purchaseExponent": "How many of the amount's digits are decimals (2 for SAR)",
	"purchaseDate":     "When the purchase was made, UTC, YYYYMMDDHHMMSS",
	"notificationURL":  "The merchant's page that receives the CRes after a challenge",

	"browserAcceptHeader":      "The browser's HTTP Accept header",
	"browserIP":                "The browser's IP address",
	"browserJavaEnabled":       "Whether the browser runs Java applets",
	"browserJavascriptEnabled": "Whether the browser runs JavaScript",
	"browserLanguage":          "The browser's language (BCP 47, e.g. ar-SA)",
	"browserColorDepth":        "The screen's colour depth in bits per pixel",
	"browserScreenHeight":      "The screen's height in pixels",
	"browserScreenWidth":       "The screen's width in pixels",
	"browserTZ":                "Minutes between UTC and the browser's time (-180 = UTC+3)",
	"browserUserAgent":         "The browser's User-Agent header",

	"transStatus":          "The outcome: Y, A, N, R, U final; C challenge; D decoupled",
	"transStatusReason":    "Why the outcome is N, U or R",
	"eci":                  "Electronic Commerce Indicator the merchant sends with the payment",
	"authenticationValue":  "The CAVV/AAV: the issuer's cryptographic proof of the result",
	"authenticationType":   "How the ACS authenticates the cardholder: code, app, decoupled",
	"authenticationMethod": "Exactly how the cardholder was authenticated (SMS code, …)",
	"acsChallengeMandated": "Y: the issuer requires the cardholder to take part (e.g. by law)",
	"acsURL":               "The ACS's challenge page, where the browser posts the CReq",
	"acsDecConInd":         "Y: the ACS confirms it will authenticate decoupled",
	"cardholderInfo":       "Text from the issuer for the merchant to show the cardholder",

	"challengeWindowSize":    "The size of the window the challenge page is shown in",
	"challengeCancel":        "Why a challenge ended without the cardholder finishing it",
	"challengeCompletionInd": "Y: the challenge is over (the CRes then carries transStatus)",
	"interactionCounter":     "How many times the cardholder was asked (codes entered, …)",
	"resultsStatus":          "The 3DS Server's acknowledgement of the RReq",
	"cc":                     "Country calling code (966 Saudi Arabia)",
	"subscriber":             "Subscriber number, without the country code",
}

// codeTables hold the values of the coded fields.
var codeTables = map[string][]Code{
	"messageType": {
		{"AReq", "Authentication Request: 3DS Server → DS → ACS"},
		{"ARes", "Authentication Response: ACS → DS → 3DS Server"},
		{"CReq", "Challenge Request: browser → ACS"},
		{"CRes", "Challenge Response: ACS → browser → merchant"},
		{"RReq", "Results Request: ACS → DS → 3DS Server"},
		{"RRes", "Results Response: 3DS Server → DS → ACS"},
	},
	"transStatus": {
		{"Y", "authenticated"},
		{"A", "attempts processing: not authenticated, the attempt is proven"},
		{"N", "not authenticated: the transaction is denied"},
		{"U", "authentication could not be performed (a technical problem)"},
		{"R", "rejected: the issuer asks the merchant not to authorise"},
		{"C", "challenge required: the cardholder must take part in the browser"},
		{"D", "decoupled: the issuer authenticates the cardholder out of band"},
		{"I", "informational only: the merchant's preference was acknowledged"},
	},
	"transStatusReason": {
		{"01", "card authentication failed"},
		{"02", "unknown device"},
		{"03", "unsupported device"},
		{"04", "exceeds authentication frequency limit"},
		{"05", "expired card"},
		{"06", "invalid card number"},
		{"07", "invalid transaction"},
		{"08", "no card record"},
		{"09", "security failure"},
		{"10", "stolen card"},
		{"11", "suspected fraud"},
		{"12", "transaction not permitted to cardholder"},
		{"13", "cardholder not enrolled in service"},
		{"14", "transaction timed out at the ACS"},
		{"15", "low confidence"},
		{"16", "medium confidence"},
		{"17", "high confidence"},
		{"18", "very high confidence"},
		{"19", "exceeds ACS maximum challenges"},
		{"20", "non-payment transaction not supported"},
		{"21", "3RI transaction not supported"},
		{"22", "ACS technical issue"},
		{"23", "decoupled authentication required by ACS but not requested"},
		{"24", "3DS Requestor decoupled max expiry time exceeded"},
		{"25", "decoupled authentication given insufficient time"},
		{"26", "authentication attempted but not performed by the cardholder"},
	},
	"authenticationType": {
		{"01", "static: a password the cardholder knows"},
		{"02", "dynamic: a one-time code"},
		{"03", "out of band: e.g. the issuer's banking app"},
		{"04", "decoupled: outside the purchase, e.g. in the wallet"},
	},
	"authenticationMethod": {
		{"01", "static passcode"},
		{"02", "one-time code by SMS"},
		{"03", "one-time code from a key fob or EMV card reader"},
		{"04", "one-time code from an app"},
		{"05", "one-time code, other (e.g. by email)"},
		{"06", "knowledge-based questions"},
		{"07", "out of band, biometrics"},
		{"08", "out of band, login"},
		{"09", "out of band, other"},
		{"10", "other"},
	},
	"challengeCancel": {
		{"01", "the cardholder selected Cancel"},
		{"03", "timed out: decoupled authentication"},
		{"04", "timed out at the ACS: other timeouts"},
		{"05", "timed out at the ACS: the first CReq never arrived"},
		{"06", "transaction error"},
		{"07", "unknown"},
		{"08", "timed out at the SDK (app)"},
	},
	"deviceChannel": {
		{"01", "app-based: the merchant's app with the 3DS SDK"},
		{"02", "browser-based"},
		{"03", "3DS Requestor Initiated (3RI): the cardholder is not present"},
	},
	"messageCategory": {
		{"01", "payment authentication"},
		{"02", "non-payment authentication (e.g. adding a card)"},
	},
	"challengeWindowSize": {
		{"01", "250 × 400 pixels"},
		{"02", "390 × 400 pixels"},
		{"03", "500 × 600 pixels"},
		{"04", "600 × 400 pixels"},
		{"05", "full screen"},
	},
	"threeDSRequestorChallengeInd": {
		{"01", "no preference"},
		{"02", "no challenge requested"},
		{"03", "challenge requested: the merchant's preference"},
		{"04", "challenge requested: mandate"},
		{"05", "no challenge: transaction risk analysis already done"},
		{"06", "no challenge: data share only"},
		{"07", "no challenge: strong authentication already done"},
		{"08", "no challenge: use a whitelist exemption"},
		{"09", "challenge requested: whitelist prompt"},
	},
	"threeDSRequestorAuthenticationInd": {
		{"01", "payment transaction"},
		{"02", "recurring transaction"},
		{"03", "instalment transaction"},
		{"04", "add card"},
		{"05", "maintain card"},
		{"06", "cardholder verification for an EMV token"},
	},
	"threeDSCompInd": {
		{"Y", "the 3DS Method completed"},
		{"N", "the 3DS Method did not complete"},
		{"U", "no 3DS Method for this card"},
	},
	"threeDSRequestorDecReqInd": {
		{"Y", "decoupled authentication is wanted if the ACS needs the cardholder"},
		{"N", "decoupled authentication is not wanted"},
	},
	"acsChallengeMandated": {
		{"Y", "the challenge is mandated (e.g. by regulation)"},
		{"N", "the challenge is not mandated"},
	},
	"acsDecConInd": {
		{"Y", "the ACS will authenticate the cardholder decoupled"},
		{"N", "the ACS will not"},
	},
	"challengeCompletionInd": {
		{"Y", "the challenge is complete"},
		{"N", "the challenge is not complete"},
	},
	"resultsStatus": {
		{"01", "results received"},
		{"02", "the CReq was not sent to the ACS by the merchant"},
		{"03", "the challenge data did not reach the merchant"},
	},
	"eci": {
		{"05", "authenticated (Visa, mada, American Express)"},
		{"06", "attempted (Visa, mada, American Express)"},
		{"07", "not authenticated (Visa, mada, American Express)"},
		{"02", "authenticated (Mastercard)"},
		{"01", "attempted (Mastercard)"},
		{"00", "not authenticated (Mastercard)"},
	},
}
