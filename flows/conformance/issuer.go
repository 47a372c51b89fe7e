package conformance

import (
	"context"
	"net/http"
	"strconv"

	"github.com/walletsim/walletsim/client"
)

// Seed 000's documented strings.
const (
	msgEnrolled   = "3DS enrollment successful."
	msgFetched    = "Enroll 3DS details fetched successfully."
	msgUpdated    = "3DS enrollment details updated successfully."
	msgUnenrolled = "3DS unenrollment completed successfully."
)

var (
	ruleHeaders     = rule{"000-headers-400", "000", "a request without a required header (x-product-id) is refused: 400 in the error shape"}
	ruleCredentials = rule{"000-credentials", "000", "a request without x-api-key is refused: 400 (the seed's only error) or 401, in the error shape"}
	ruleGet400      = rule{"000-get-400", "000", "read a card that is not enrolled: 400 in the error shape, status \"error\""}
	ruleBody400     = rule{"000-enroll-body-400", "000", "enroll with otp_delivery_method \"FAX\": 400 in the error shape"}
	ruleEnroll      = rule{"000-enroll-200", "000", "enroll (EMAIL): 200 {status, message, code, data}, \"" + msgEnrolled + "\""}
	ruleGet200      = rule{"000-get-200", "000", "read the enrollment: 200, data[0] {otp_delivery_method, destination, status}, \"" + msgFetched + "\""}
	ruleEnroll400   = rule{"000-enroll-again-400", "000", "enroll a card already enrolled: 400 in the error shape"}
	ruleUpdate      = rule{"000-update-200", "000", "update the OTP method: 200, \"" + msgUpdated + "\""}
	ruleUnenroll    = rule{"000-unenroll-200", "000", "unenroll: 200, \"" + msgUnenrolled + "\""}
	ruleUnenroll400 = rule{"000-unenroll-again-400", "000", "unenroll a card not enrolled: 400 in the error shape"}
	ruleCleanup     = rule{"000-cleanup", "000", "the card is left as it was found"}
)

// issuer checks seed 000 on the target's card: the documented errors, then
// the enrollment's lifecycle when the card is not enrolled (and undone), or
// a read and a no-change update when it is.
func (s *suite) issuer(ctx context.Context) {
	lifecycle := []rule{ruleHeaders, ruleCredentials, ruleGet400, ruleBody400, ruleEnroll, ruleGet200, ruleEnroll400, ruleUpdate, ruleUnenroll, ruleUnenroll400}
	if s.opts.CardID == "" || s.t.CardholderID == "" || s.t.WalletID == "" {
		for _, r := range lifecycle {
			s.skip(r, "the profile names no card (card_id, cardholder_id and wallet_id are needed)")
		}
		return
	}
	s.issuingError(ctx, ruleHeaders, http.MethodGet, nil, "x-product-id", http.StatusBadRequest)
	s.issuingError(ctx, ruleCredentials, http.MethodGet, nil, "x-api-key", http.StatusBadRequest, http.StatusUnauthorized)

	probe := s.issuingCall(ctx, http.MethodGet, nil, "")
	if probe.err == nil && probe.status == http.StatusOK {
		s.enrolledAlready(ctx, probe)
		return
	}
	s.judgeIssuingError(ruleGet400, probe, http.StatusBadRequest)
	enrolled := false // by this check: undone at the end
	defer func() {
		if enrolled { // a step failed half-way: unenroll what was enrolled
			a := s.issuingCall(ctx, http.MethodDelete, nil, "")
			c := checks{a: a}
			c.status(http.StatusOK)
			s.judge(ruleCleanup, a, "unenrolled what the check enrolled", c.problems)
		}
	}()

	a := s.issuingCall(ctx, http.MethodPost, map[string]string{"otp_delivery_method": "FAX"}, "")
	if a.status == http.StatusOK {
		enrolled = true // refused nothing: undo it
	}
	s.judgeIssuingError(ruleBody400, a, http.StatusBadRequest)
	if enrolled {
		for _, r := range []rule{ruleEnroll, ruleGet200, ruleEnroll400, ruleUpdate, ruleUnenroll, ruleUnenroll400} {
			s.skip(r, "the card was enrolled by the refused request above; it is unenrolled instead")
		}
		return
	}

	a = s.issuingCall(ctx, http.MethodPost, map[string]string{"otp_delivery_method": "EMAIL"}, "")
	enrolled = a.err == nil && a.status == http.StatusOK
	if s.judgeSuccess(ruleEnroll, a, issuingEnvelope, msgEnrolled).Status == Errored || !enrolled {
		for _, r := range []rule{ruleGet200, ruleEnroll400, ruleUpdate, ruleUnenroll, ruleUnenroll400} {
			s.skip(r, "needs the enrollment "+ruleEnroll.id+" did not make")
		}
		return
	}
	s.judgeGet(ctx, ruleGet200, "EMAIL")
	s.judgeIssuingError(ruleEnroll400, s.issuingCall(ctx, http.MethodPost, map[string]string{"otp_delivery_method": "EMAIL"}, ""), http.StatusBadRequest)
	s.judgeUpdate(ctx, "SMS")
	a = s.issuingCall(ctx, http.MethodDelete, nil, "")
	if a.err == nil && a.status == http.StatusOK {
		enrolled = false
	}
	s.judgeSuccess(ruleUnenroll, a, issuingEnvelope, msgUnenrolled)
	s.judgeIssuingError(ruleUnenroll400, s.issuingCall(ctx, http.MethodDelete, nil, ""), http.StatusBadRequest)
}

// enrolledAlready checks what is safe on a card someone else enrolled: the
// read, and an update to the method it already has.
func (s *suite) enrolledAlready(ctx context.Context, probe answer) {
	const why = "the card is already enrolled, and the check does not unenroll a card it did not enroll; name an unenrolled card_id to run it"
	s.skip(ruleGet400, why)
	s.skip(ruleBody400, why)
	s.skip(ruleEnroll, why)
	current, _ := firstEnrollment(probe)["otp_delivery_method"].(string)
	s.judgeSuccessWith(ruleGet200, probe, issuingGet, msgFetched, nil)
	s.skip(ruleEnroll400, why)
	if current != "EMAIL" && current != "SMS" {
		s.skip(ruleUpdate, "the enrollment's method is not EMAIL or SMS, so the check cannot set it back")
	} else {
		s.judgeUpdate(ctx, current)
	}
	s.skip(ruleUnenroll, why)
	s.skip(ruleUnenroll400, why)
}

// issuingCall sends one seed 000 request with the seed's headers, leaving
// out the one named by omit.
func (s *suite) issuingCall(ctx context.Context, method string, body any, omit string) answer {
	t := s.t
	headers := [][2]string{
		{"x-api-key", t.APIKey}, {"x-product-id", t.ProductID}, {"x-cardholder-id", t.CardholderID},
		{"x-wallet-id", t.WalletID}, {"x-card-id", s.opts.CardID}, {"x-request-id", s.opts.NewID()},
	}
	if t.ClientID != "" {
		headers = append(headers, [2]string{"x-client-id", t.ClientID})
	}
	if t.IssuingToken != "" && omit != "x-api-key" {
		headers = append(headers, [2]string{"Authorization", "Bearer " + t.IssuingToken})
	}
	kept := headers[:0]
	for _, h := range headers {
		if h[0] != omit {
			kept = append(kept, h)
		}
	}
	op := map[string]string{http.MethodPost: "Enroll", http.MethodGet: "Get", http.MethodPatch: "Update", http.MethodDelete: "Unenroll"}[method]
	return s.send(ctx, s.issuing, client.Call{Op: "check.issuing." + op, Method: method, Path: "/issuing/api/v1/card/3DS", Header: kept, Body: body})
}

func (s *suite) issuingError(ctx context.Context, r rule, method string, body any, omit string, status ...int) {
	s.judgeIssuingError(r, s.issuingCall(ctx, method, body, omit), status...)
}

// judgeIssuingError expects seed 000's error {code, message, status:
// "error"}.
func (s *suite) judgeIssuingError(r rule, a answer, status ...int) Result {
	c := checks{a: a}
	if c.status(status...) && c.shape(issuingError) {
		c.is("status", "error")
	}
	return s.judge(r, a, seenStatus(a)+", {code, message, status: \"error\"}", c.problems)
}

func (s *suite) judgeSuccess(r rule, a answer, sh shape, msg string) Result {
	return s.judgeSuccessWith(r, a, sh, msg, nil)
}

// judgeSuccessWith expects seed 000's 200 envelope with message msg, and
// whatever more checks.
func (s *suite) judgeSuccessWith(r rule, a answer, sh shape, msg string, more func(*checks)) Result {
	c := checks{a: a}
	if c.status(http.StatusOK) && c.shape(sh) {
		c.is("status", "Success")
		c.is("message", msg)
		c.is("code", 200)
		if more != nil {
			more(&c)
		}
	}
	return s.judge(r, a, seenStatus(a)+", "+quote(msg), c.problems)
}

// judgeGet reads the enrollment and expects method.
func (s *suite) judgeGet(ctx context.Context, r rule, method string) {
	a := s.issuingCall(ctx, http.MethodGet, nil, "")
	s.judgeSuccessWith(r, a, issuingGet, msgFetched, func(c *checks) {
		if got := firstEnrollment(a)["otp_delivery_method"]; got != method {
			c.fail("data[0].otp_delivery_method: expected %q, got %s", method, quote(got))
		}
	})
}

// firstEnrollment is data[0] of a seed 000 answer (nil when there is none).
func firstEnrollment(a answer) map[string]any {
	data, _ := at(a.body, "data")
	if list, ok := data.([]any); ok && len(list) > 0 {
		first, _ := list[0].(map[string]any)
		return first
	}
	return nil
}

// judgeUpdate sets the method to m and reads it back.
func (s *suite) judgeUpdate(ctx context.Context, m string) {
	a := s.issuingCall(ctx, http.MethodPatch, map[string]string{"otp_delivery_method": m}, "")
	read := s.issuingCall(ctx, http.MethodGet, nil, "")
	s.judgeSuccessWith(ruleUpdate, a, issuingEnvelope, msgUpdated, func(c *checks) {
		// The read's own shape is the read rule's: only a method read
		// back, and different, is this rule's problem.
		if got, read := firstEnrollment(read)["otp_delivery_method"]; read && got != m {
			c.fail("read back, data[0].otp_delivery_method is %s, expected %q", quote(got), m)
		}
	})
}

func seenStatus(a answer) string {
	if a.status == 0 {
		return "no answer"
	}
	return "HTTP " + strconv.Itoa(a.status)
}
