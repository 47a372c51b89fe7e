package conformance

import (
	"context"
	"net/http"
	"net/url"

	"github.com/walletsim/walletsim/client"
)

// Seed 002's documented strings.
const (
	codeFieldErrors   = "5068"
	msgFieldErrors    = "Field error(s)"
	fieldErrorsDetail = "Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected."
	codeCredentials   = "5279"
	msgCredentials    = "Invalid credentials"
	credentialsDetail = "The authentication credentials are invalid."
)

var (
	ruleVerify400       = rule{"002-verify-400", "002", "the seed's 400 example: verification.method \"must not be null\", code " + codeFieldErrors + ", with any ids"}
	ruleVerifyMalformed = rule{"002-verify-400-malformed", "002", "verify with a body that is not JSON: 400 in the error shape"}
	ruleVerify401       = rule{"002-verify-401", "002", "the seed's 401 example: no credentials, code " + codeCredentials}
	ruleVerify201       = rule{"002-verify-201", "002", "verify a pending authentication: 201 in the seed's shape"}
	ruleVerify5xx       = rule{"002-verify-5xx", "002", "500 and 503 in the seed's shape"}
)

// walletPlatform checks seed 002 on ids that name no authentication: every
// request is one the platform must refuse.
func (s *suite) walletPlatform(ctx context.Context) {
	customer := s.t.CustomerID
	if customer == "" {
		customer = "5435323362" // the seed's example
	}
	path := "/customers/" + url.PathEscape(customer) + "/prepaid/cards/" + url.PathEscape(s.opts.NewID()) +
		"/3ds-authentications/" + url.PathEscape(s.opts.NewID())
	verify := func(body any, raw []byte, credentials bool) answer {
		var headers [][2]string
		if credentials && s.t.WalletToken != "" {
			headers = append(headers, [2]string{"Authorization", "Bearer " + s.t.WalletToken})
		}
		return s.send(ctx, s.walletAP, client.Call{Op: "check.wallet.Verify", Method: http.MethodPost, Path: path,
			Header: headers, Body: body, RawBody: raw})
	}

	a := verify(map[string]any{"walletOperationId": s.opts.NewID(), "verification": map[string]any{}, "status": "VERIFIED"}, nil, true)
	c := checks{a: a}
	if c.status(http.StatusBadRequest) && c.shape(walletError) {
		c.is("error.code", codeFieldErrors)
		c.is("error.message", msgFieldErrors)
		c.has("error.details", fieldErrorsDetail)
		fieldErrorIs(&c, "verification.method", "must not be null")
	}
	s.judge(ruleVerify400, a, seenStatus(a)+", the seed's example", c.problems)

	a = verify(nil, []byte(`{"walletOperationId":`), true)
	c = checks{a: a}
	if c.status(http.StatusBadRequest) {
		c.shape(walletError)
	}
	s.judge(ruleVerifyMalformed, a, seenStatus(a)+", {error: {code, message, details}}", c.problems)

	a = verify(map[string]any{"walletOperationId": s.opts.NewID(), "verification": map[string]any{"method": "BIOMETRIC"}, "status": "VERIFIED"}, nil, false)
	c = checks{a: a}
	if c.status(http.StatusUnauthorized) && c.shape(walletError) {
		c.is("error.code", codeCredentials)
		c.is("error.message", msgCredentials)
		c.has("error.details", credentialsDetail)
	}
	s.judge(ruleVerify401, a, seenStatus(a)+", the seed's example", c.problems)

	s.skip(ruleVerify201, "needs a pending decoupled authentication, whose ids only the platform's webhook gives: run a decoupled scenario (walletsim run) for it")
	s.skip(ruleVerify5xx, "a server error cannot be provoked safely")
}

// fieldErrorIs expects error.fieldErrors to hold {field, error}.
func fieldErrorIs(c *checks, field, msg string) {
	list, _ := at(c.a.body, "error.fieldErrors")
	items, _ := list.([]any)
	for _, item := range items {
		if fe, ok := item.(map[string]any); ok && fe["field"] == field && fe["error"] == msg {
			return
		}
	}
	if list == nil {
		c.fail("error.fieldErrors: missing (expected %s %q)", field, msg)
		return
	}
	c.fail("error.fieldErrors: expected {field: %q, error: %q}, got %s", field, msg, compact(list))
}
