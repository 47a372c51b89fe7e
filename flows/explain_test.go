package flows

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/issuing"
)

// TestOutcomeSaysWhatHappened: a refused or failed step is explained as
// it happened — the request as far as it went and the answer that came
// back — and a wrong code as the CRes that asks again, never as the
// success the step set out to be (issue 8, defect 4).
func TestOutcomeSaysWhatHappened(t *testing.T) {
	asked := explainEnroll(issuing.Email)
	request := asked.Arrows[0]
	for name, tc := range map[string]struct {
		step   string
		asked  *Explanation
		r      Result
		title  string
		arrows []Arrow
	}{
		"refused": {"enroll", asked, failure(&issuing.Error{HTTPStatus: 400, Code: 400, Message: "Card is already enrolled in 3DS."}),
			"Refused (HTTP 400)", []Arrow{request, {Issuer, Cardholder, "HTTP 400"}}},
		"failed": {"enroll", asked, Result{HTTPStatus: 503, Err: errors.New("unavailable"), ErrorCode: "DW-SERVICE-UNAVAILABLE"},
			"Failed (HTTP 503)", []Arrow{request, {Issuer, Cardholder, "HTTP 503 DW-SERVICE-UNAVAILABLE"}}},
		"no answer": {"enroll", asked, Result{Err: &client.TransportError{Err: errors.New("timeout")}},
			"No answer", []Arrow{request}},
		"not sent": {"enroll", asked, failure(&client.ValidationError{}), "Not sent", []Arrow{}},
		"the decision refused": {"decide", explainDecide(Decision{Status: "VERIFIED"}),
			Result{HTTPStatus: 409, Err: errors.New("already")}, "Refused (HTTP 409)",
			[]Arrow{{Cardholder, Wallet, "biometric check"}, {Wallet, WalletPlatform, "verify: VERIFIED"}, {WalletPlatform, Wallet, "HTTP 409"}}},
		"a wrong code": {"submit", explainSubmit, Result{OK: true, TransStatus: "C"}, "Wrong code: the challenge goes on (C)",
			[]Arrow{{Cardholder, ACS, "CReq: the code"}, {ACS, Cardholder, "CRes: wrong code, try again"}}},
	} {
		e := outcomeExplanation(tc.step, tc.asked, tc.r)
		if e == nil || e.Title != tc.title || !e.Failed {
			t.Errorf("%s: %+v", name, e)
			continue
		}
		if diff := cmp.Diff(tc.arrows, e.Arrows); diff != "" {
			t.Errorf("%s: arrows (-want +got):\n%s", name, diff)
		}
	}
	if e := outcomeExplanation("enroll", asked, Result{OK: true, HTTPStatus: 200}); e != nil && e.Arrows != nil {
		t.Errorf("a success redraws its arrows: %+v", e)
	}
}
