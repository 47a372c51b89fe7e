package sandbox

import (
	"errors"
	"net/http"

	"github.com/walletsim/walletsim/client/emv"
)

// The browser challenge the EMV way: the merchant's page has the
// cardholder's browser POST the form field creq (a base64url CReq) to
// acsURL; the ACS answers with its challenge page; when the challenge
// ends, the ACS has the browser POST the form field cres (a base64url
// CRes) to the 3DS Requestor's notificationURL — seed 004's return_url,
// with the authentication's id added as the sandbox always has. A page
// opened the walletsim way (GET acsURL) still works, and offers the cres
// on a button rather than posting it by itself.

// errCReqMismatch is a CReq for another transaction than the challenge
// it was posted to.
var errCReqMismatch = errors.New("its acsTransID and threeDSServerTransID are not this challenge's")

// openWithCReq checks a posted creq against the challenge and records
// that the browser came the EMV way. A CReq that cancels the challenge
// (challengeCancel 01) ends it. The caller holds s.mu; a is pending.
func (s *space) openWithCReq(a *authn, form string) (emv.CReq, error) {
	creq, err := emv.DecodeCReq(form)
	if err != nil {
		return creq, err
	}
	if creq.ACSTransID != a.acsTransID || creq.ThreeDSServerTransID != a.serverTransID {
		return creq, &emv.FormError{Field: "creq", Err: errCReqMismatch}
	}
	switch creq.ChallengeCancel {
	case "":
	case emv.CancelByCardholder:
	default:
		return creq, &emv.FormError{Field: "creq", Err: errors.New("challengeCancel " + string(creq.ChallengeCancel) +
			" is not the cardholder's: a browser's CReq may only cancel with 01")}
	}
	c := a.challenge
	c.viaCReq, c.window = true, creq.ChallengeWindowSize
	return creq, nil
}

// cres is the final CRes of a challenge the cardholder finished (Y or N),
// as the form value the browser posts to the merchant; "" while it waits
// or after a timeout (there is no browser to answer then). The caller
// holds s.mu.
func (s *space) cres(a *authn) string {
	if !a.final || a.challenge == nil || emv.ChallengeCancel(a.cancel.String()).TimedOut() || (a.transStatus != "Y" && a.transStatus != "N") {
		return ""
	}
	form, err := emv.Encode(emv.NewCRes(s.emvAuthentication(a), emv.TransStatus(a.transStatus)))
	if err != nil {
		return ""
	}
	return form
}

// badCReq answers a creq the ACS cannot use: 400, naming what is wrong,
// as a page for a browser or in seed 004's validation shape for JSON.
func (s *space) badCReq(w http.ResponseWriter, r *http.Request, err error) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusBadRequest, threeDSError{Message: "Invalid challenge request", Errors: map[string][]string{"creq": {err.Error()}}})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	challengeHTML().Execute(w, pageData{BadRequest: err.Error()})
}
