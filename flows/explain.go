package flows

import (
	"errors"
	"fmt"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// The explanations say, for someone new to 3-D Secure, what each step does
// and which parties talk. They are shown in the TUI's explainer pane and its
// sequence diagram.

func explainEnroll(m issuing.OTPMethod) *Explanation {
	return &Explanation{
		Title: "Enroll the card in 3-D Secure",
		Text: fmt.Sprintf("The cardholder asks their issuer to protect online payments with 3-D Secure. From now on, "+
			"when a purchase needs proof that it is really them, the issuer's Access Control Server (ACS) will send a "+
			"one-time code by %s to the address it has on file.", m),
		Arrows: []Arrow{{Cardholder, Issuer, "enroll: OTP by " + string(m)}, {Issuer, Cardholder, "enrolled"}},
	}
}

var explainView = &Explanation{
	Title:  "View the enrollment",
	Text:   "The issuer shows how one-time codes reach the cardholder, with the destination masked so it can be shown safely.",
	Arrows: []Arrow{{Cardholder, Issuer, "get enrollment"}, {Issuer, Cardholder, "method, masked destination"}},
}

func explainChange(m issuing.OTPMethod) *Explanation {
	return &Explanation{
		Title:  "Change how codes are sent",
		Text:   fmt.Sprintf("The cardholder switches their one-time codes to %s. The next challenge will use it.", m),
		Arrows: []Arrow{{Cardholder, Issuer, "update: OTP by " + string(m)}, {Issuer, Cardholder, "updated"}},
	}
}

var explainUnenroll = &Explanation{
	Title: "Unenroll the card",
	Text: "The card leaves the issuer's 3DS program. The ACS can no longer challenge the cardholder: a purchase that " +
		"would need a challenge gets an attempts result (A) instead, with no proof that the cardholder was there.",
	Arrows: []Arrow{{Cardholder, Issuer, "unenroll"}, {Issuer, Cardholder, "unenrolled"}},
}

// authArrows are the authentication request's way to the ACS and back.
var authArrows = []Arrow{
	{Merchant, ThreeDSServer, "authenticate: card, amount, device"},
	{ThreeDSServer, DirectoryServer, "AReq"},
	{DirectoryServer, ACS, "AReq"},
	{ACS, DirectoryServer, "ARes (transStatus)"},
	{DirectoryServer, ThreeDSServer, "ARes"},
	{ThreeDSServer, Merchant, "result"},
}

func explainAuthenticate(ch threeds.Channel) *Explanation {
	how := "the browser"
	if ch == threeds.Decoupled {
		how = "the decoupled channel (the cardholder's wallet, away from the checkout)"
	}
	return &Explanation{
		Title: "The merchant starts 3-D Secure",
		Text: "At checkout, the merchant's 3DS Server sends an Authentication Request (AReq) with the card, the amount and " +
			"the cardholder's device to the card scheme's Directory Server, which routes it to the issuer's ACS. The ACS " +
			"weighs the risk and answers with an Authentication Response (ARes) whose transStatus decides what happens " +
			"next. If it needs the cardholder, it will ask them through " + how + ".",
		Arrows: authArrows,
	}
}

var explainChallengePage = &Explanation{
	Sent:  1,
	Title: "The challenge page",
	Text: "The ACS answered C: the cardholder must prove who they are. The merchant shows the issuer's challenge page " +
		"(challenge_url) in the cardholder's browser; the browser and the ACS exchange CReq/CRes messages directly — the " +
		"merchant never sees the code.",
	Arrows: []Arrow{{Merchant, Cardholder, "show challenge_url"}, {Cardholder, ACS, "CReq"}, {ACS, Cardholder, "CRes: enter the code"}},
}

var explainInbox = &Explanation{
	Title:  "The one-time code arrives",
	Text:   "The ACS sent a one-time code to the destination the cardholder enrolled: a text message or an email.",
	Arrows: []Arrow{{ACS, Cardholder, "one-time code by SMS or email"}},
}

var explainSubmit = &Explanation{
	Title: "The cardholder types the code",
	Text: "The code goes from the browser to the ACS (CReq). A right code authenticates the cardholder (Y); after three " +
		"wrong ones the ACS gives up (N). The ACS then tells the 3DS Server the result in a Results Request (RReq).",
	Arrows: []Arrow{{Cardholder, ACS, "CReq: the code"}, {ACS, DirectoryServer, "RReq (transStatus)"},
		{DirectoryServer, ThreeDSServer, "RReq"}, {ACS, Cardholder, "CRes: done"}},
}

var explainCancel = &Explanation{
	Title:  "The cardholder cancels",
	Text:   "Abandoning the challenge page ends the authentication: the ACS reports N (not authenticated) in its RReq.",
	Arrows: []Arrow{{Cardholder, ACS, "CReq: cancel"}, {ACS, DirectoryServer, "RReq (N)"}, {DirectoryServer, ThreeDSServer, "RReq"}},
}

var explainResult = &Explanation{
	Title: "The merchant reads the result",
	Text: "After a challenge or a decoupled step the 3DS Server holds the final result from the ACS's RReq. The merchant " +
		"reads it and, if authenticated, sends the ECI and the CAVV with the payment authorisation.",
	Arrows: []Arrow{{Merchant, ThreeDSServer, "get result"}, {ThreeDSServer, Merchant, "transStatus, ECI, CAVV"}},
}

var explainReturn = &Explanation{
	Title: "The cardholder comes back",
	Text: "The cardholder answered the challenge in their own browser, on the issuer's page. When it is over the ACS " +
		"sends the browser back to the merchant's return_url with the authentication's id. That is all the merchant " +
		"sees: the outcome itself goes from the ACS to the 3DS Server in a Results Request (RReq).",
	Arrows: []Arrow{{ACS, Cardholder, "redirect to return_url?id=…"}, {Cardholder, Merchant, "back at the shop"}},
}

var explainAwait = &Explanation{
	Sent:  1,
	Title: "The merchant waits for the wallet",
	Text: "The ACS answered D: it asked the cardholder's wallet out of band (decoupled authentication). The checkout " +
		"waits while the cardholder approves or rejects on their phone; the merchant checks the result until it is final.",
	Arrows: []Arrow{{ACS, WalletPlatform, "decoupled request"}, {Merchant, ThreeDSServer, "get result (polling)"}},
}

var explainReceive = &Explanation{
	Title: "The wallet receives a 3DS request",
	Text: "The wallet platform POSTs a signed ThreeDSecureEvent webhook to the wallet's backend: merchant, amount, the " +
		"card's last four digits. The backend checks the HMAC Signature header — a forged event would be refused — and " +
		"the wallet shows the cardholder a notification.",
	Arrows: []Arrow{{ACS, WalletPlatform, "decoupled request"}, {WalletPlatform, Wallet, "ThreeDSecureEvent (signed)"}, {Wallet, Cardholder, "notification"}},
}

var explainLookup = &Explanation{
	Title:  "The wallet looks up a 3DS request",
	Text:   "Given the auth3dsId by hand, the wallet reads the pending request instead of waiting for a webhook.",
	Arrows: []Arrow{{Wallet, WalletPlatform, "get pending request"}, {WalletPlatform, Wallet, "the request"}},
}

func explainDecide(d Decision) *Explanation {
	var text string
	switch d.Status {
	case wallet.Verified:
		text = "The cardholder passed the biometric check and approved: the wallet reports VERIFIED. The issuer's ACS " +
			"will answer Y with an ECI and a CAVV."
	case wallet.Rejected:
		text = "The cardholder did not recognise the purchase and rejected it: the wallet reports REJECTED, and the ACS " +
			"answers N."
	default:
		text = "The check did not complete (" + d.Reason + "): the wallet reports FAILED with that reason, and the " +
			"authentication could not be performed (U)."
	}
	return &Explanation{
		Title: "The wallet reports the decision",
		Text:  text,
		Sent:  1,
		Arrows: []Arrow{{Cardholder, Wallet, "biometric check"}, {Wallet, WalletPlatform, "verify: " + string(d.Status)},
			{WalletPlatform, ACS, "decision"}, {ACS, DirectoryServer, "RReq"}, {DirectoryServer, ThreeDSServer, "RReq"}},
	}
}

// outcomeExplanation says what a finished step's result means, and, when
// it did not go as asked, what actually happened.
func outcomeExplanation(step string, asked *Explanation, r Result) *Explanation {
	switch {
	case r.Cancelled:
		return nil
	case r.Err != nil:
		return refused(asked, r)
	case step == "submit" && r.TransStatus == "C":
		return &Explanation{
			Title: "Wrong code: the challenge goes on (C)", Failed: true,
			Text: "The ACS did not accept the code. No RReq goes to the 3DS Server: the ACS answers the browser " +
				"with its page again, one attempt fewer.",
			Arrows: []Arrow{{Cardholder, ACS, "CReq: the code"}, {ACS, Cardholder, "CRes: wrong code, try again"}},
		}
	case r.TransStatus == "":
		return nil
	}
	e := &Explanation{Title: TransStatusText(r.TransStatus)}
	switch r.TransStatus {
	case "Y":
		if r.ECI == "" {
			e.Text = "The cardholder is authenticated. The ACS reports it to the 3DS Server in its RReq; the merchant " +
				"reads the final result there, with the ECI and the CAVV to send with the payment."
			break
		}
		e.Text = "The cardholder is authenticated. ECI " + r.ECI + " (Electronic Commerce Indicator) tells the card " +
			"network so when the merchant asks for authorisation; the CAVV (Cardholder Authentication Verification " +
			"Value) is the issuer's cryptographic proof of it. With both, liability for fraud shifts to the issuer."
	case "A":
		e.Text = "The issuer could not authenticate the cardholder, but the attempt is proven: ECI " + r.ECI + " and a " +
			"CAVV from the attempts service. Liability usually still shifts to the issuer."
	case "C":
		e.Text = "The ACS wants to challenge the cardholder in the browser with a one-time code."
	case "D":
		e.Text = "The ACS will ask the cardholder's wallet, out of band. The merchant waits for the final result."
	case "N":
		e.Text = "The cardholder was not authenticated: the merchant should not proceed. No ECI or CAVV."
	case "R":
		e.Text = "The issuer rejects the authentication and asks the merchant not to even request authorisation."
	case "U":
		e.Text = "Authentication could not be performed (a technical problem, or nobody answered in time). The " +
			"merchant may proceed without 3DS, but bears the fraud liability."
	}
	return e
}

// refused explains a step that went wrong: the request as far as it went,
// and the answer that came back (none when nobody answered; no arrows at
// all when walletsim did not send it).
func refused(asked *Explanation, r Result) *Explanation {
	var ve *client.ValidationError
	if errors.As(r.Err, &ve) {
		return &Explanation{Title: "Not sent", Failed: true, Arrows: []Arrow{},
			Text: "walletsim checks a request against the API's rules before sending it; this one broke them, so nothing was sent."}
	}
	var sent []Arrow
	if asked != nil && asked.Sent < len(asked.Arrows) {
		sent = append(sent, asked.Arrows[:asked.Sent+1]...)
	}
	e := &Explanation{Failed: true, Arrows: sent}
	switch {
	case r.HTTPStatus == 0:
		e.Title = "No answer"
		e.Text = "Nobody answered in time; whether the request took effect is unknown."
		return e
	case r.HTTPStatus >= 500:
		e.Title = fmt.Sprintf("Failed (HTTP %d)", r.HTTPStatus)
		e.Text = "The server failed to handle the request; the step did not happen."
	default:
		e.Title = fmt.Sprintf("Refused (HTTP %d)", r.HTTPStatus)
		e.Text = "The request was refused: nothing changed."
	}
	if n := len(sent); n > 0 {
		reply := fmt.Sprintf("HTTP %d", r.HTTPStatus)
		if r.ErrorCode != "" && r.ErrorCode != fmt.Sprint(r.HTTPStatus) {
			reply += " " + r.ErrorCode
		}
		e.Arrows = append(e.Arrows, Arrow{sent[n-1].To, sent[n-1].From, reply})
	}
	return e
}
