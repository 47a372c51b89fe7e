package emv

// Version is the protocol version of every message walletsim builds.
const Version = "2.2.0"

// MessageType names a message in its messageType field.
type MessageType string

// The messages of a browser authentication.
const (
	TypeAReq MessageType = "AReq" // Authentication Request: 3DS Server → DS → ACS
	TypeARes MessageType = "ARes" // Authentication Response: ACS → DS → 3DS Server
	TypeCReq MessageType = "CReq" // Challenge Request: browser → ACS
	TypeCRes MessageType = "CRes" // Challenge Response: ACS → browser → notificationURL
	TypeRReq MessageType = "RReq" // Results Request: ACS → DS → 3DS Server
	TypeRRes MessageType = "RRes" // Results Response: 3DS Server → DS → ACS
)

// MessageTypes lists them in the order an exchange meets them.
var MessageTypes = []MessageType{TypeAReq, TypeARes, TypeCReq, TypeCRes, TypeRReq, TypeRRes}

// TransStatus is the outcome of an authentication (transStatus).
type TransStatus string

// The values of transStatus.
const (
	Authenticated      TransStatus = "Y"
	NotAuthenticated   TransStatus = "N"
	Unavailable        TransStatus = "U"
	Attempted          TransStatus = "A"
	ChallengeRequired  TransStatus = "C"
	DecoupledConfirmed TransStatus = "D"
	Rejected           TransStatus = "R"
	Informational      TransStatus = "I"
)

// Final reports whether s ends an authentication (everything but C and D).
func (s TransStatus) Final() bool { return s != ChallengeRequired && s != DecoupledConfirmed }

// Reason is why an authentication was not authenticated (transStatusReason,
// with N, U and R).
type Reason string

// The values of transStatusReason in EMV 3DS 2.2.0.
const (
	ReasonCardAuthFailed        Reason = "01"
	ReasonUnknownDevice         Reason = "02"
	ReasonUnsupportedDevice     Reason = "03"
	ReasonFrequencyLimit        Reason = "04"
	ReasonExpiredCard           Reason = "05"
	ReasonInvalidCardNumber     Reason = "06"
	ReasonInvalidTransaction    Reason = "07"
	ReasonNoCardRecord          Reason = "08"
	ReasonSecurityFailure       Reason = "09"
	ReasonStolenCard            Reason = "10"
	ReasonSuspectedFraud        Reason = "11"
	ReasonNotPermitted          Reason = "12"
	ReasonNotEnrolled           Reason = "13"
	ReasonTimedOutAtACS         Reason = "14"
	ReasonLowConfidence         Reason = "15"
	ReasonMediumConfidence      Reason = "16"
	ReasonHighConfidence        Reason = "17"
	ReasonVeryHighConfidence    Reason = "18"
	ReasonMaxChallenges         Reason = "19"
	ReasonNonPaymentUnsupported Reason = "20"
	Reason3RIUnsupported        Reason = "21"
	ReasonACSTechnicalIssue     Reason = "22"
	ReasonDecoupledNotRequested Reason = "23"
	ReasonDecoupledMaxTime      Reason = "24"
	ReasonDecoupledTooShort     Reason = "25"
	ReasonNotPerformed          Reason = "26"
)

// AuthenticationType is how the ACS authenticates the cardholder.
type AuthenticationType string

// The values of authenticationType.
const (
	AuthStatic    AuthenticationType = "01" // a static password
	AuthDynamic   AuthenticationType = "02" // a one-time code
	AuthOOB       AuthenticationType = "03" // out of band, e.g. the banking app
	AuthDecoupled AuthenticationType = "04" // decoupled authentication
)

// AuthenticationMethod is, in the RReq, exactly how the cardholder was
// authenticated.
type AuthenticationMethod string

// The values of authenticationMethod walletsim uses (EMV defines 01–10).
const (
	MethodStaticPasscode AuthenticationMethod = "01"
	MethodSMSOTP         AuthenticationMethod = "02"
	MethodKeyFobOTP      AuthenticationMethod = "03"
	MethodAppOTP         AuthenticationMethod = "04"
	MethodOTPOther       AuthenticationMethod = "05" // e.g. a code by email
	MethodKBA            AuthenticationMethod = "06"
	MethodOOBBiometrics  AuthenticationMethod = "07" // the wallet's biometric approval
	MethodOOBLogin       AuthenticationMethod = "08"
	MethodOOBOther       AuthenticationMethod = "09"
	MethodOther          AuthenticationMethod = "10"
)

// ChallengeCancel says why a challenge or decoupled authentication ended
// without the cardholder completing it.
type ChallengeCancel string

// The values of challengeCancel in EMV 3DS 2.2.0 (02 is reserved).
const (
	CancelByCardholder     ChallengeCancel = "01"
	CancelDecoupledTimeout ChallengeCancel = "03"
	CancelACSTimeout       ChallengeCancel = "04"
	CancelNoFirstCReq      ChallengeCancel = "05"
	CancelTransactionError ChallengeCancel = "06"
	CancelUnknown          ChallengeCancel = "07"
	CancelSDKTimeout       ChallengeCancel = "08"
)

// TimedOut reports whether c is one of the timeouts (the cardholder never
// finished, so no CRes is sent to the browser).
func (c ChallengeCancel) TimedOut() bool {
	return c == CancelDecoupledTimeout || c == CancelACSTimeout || c == CancelNoFirstCReq || c == CancelSDKTimeout
}

// ChallengeInd is the 3DS Requestor's wish about a challenge
// (threeDSRequestorChallengeInd).
type ChallengeInd string

// The values seed 004's challenge_preference maps to.
const (
	ChallengeNoPreference ChallengeInd = "01"
	ChallengeNotRequested ChallengeInd = "02"
	ChallengePreferred    ChallengeInd = "03"
	ChallengeMandated     ChallengeInd = "04"
)

// ChallengeIndOf maps seed 004's challenge_preference to
// threeDSRequestorChallengeInd; an empty or unknown preference is the
// seed's default, no_preference.
func ChallengeIndOf(preference string) ChallengeInd {
	switch preference {
	case "no_challenge":
		return ChallengeNotRequested
	case "preferred":
		return ChallengePreferred
	case "mandated":
		return ChallengeMandated
	}
	return ChallengeNoPreference
}

// WindowSize is the size of the challenge window (challengeWindowSize).
type WindowSize string

// The values of challengeWindowSize.
const (
	Window250x400    WindowSize = "01"
	Window390x400    WindowSize = "02"
	Window500x600    WindowSize = "03"
	Window600x400    WindowSize = "04"
	WindowFullScreen WindowSize = "05"
)

// The values of the other coded fields walletsim sends.
const (
	DeviceChannelBrowser   = "02" // deviceChannel: a browser
	CategoryPayment        = "01" // messageCategory: a payment authentication
	AuthIndPayment         = "01" // threeDSRequestorAuthenticationInd: a payment
	CompIndUnavailable     = "U"  // threeDSCompInd: no 3DS Method URL for the card
	ResultsReceived        = "01" // resultsStatus: the RReq was received
	ChallengeCompletedInd  = "Y"  // challengeCompletionInd: the challenge is over
	DefaultDecMaxTimeInMin = 10   // threeDSRequestorDecMaxTime when none is given
)
