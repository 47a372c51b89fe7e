package sandbox_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/sandbox"
)

// The sandbox answers in the seeds' order and shapes: seed 002 validates
// the body before it looks up the ids in the path, seed 004 reports an
// empty body as a 422 naming each missing field, and every 401 says what it
// expects, in any case of the scheme's name.

// TestVerifyValidatesBeforeLookingUp: the seed's own 400 example comes back
// with any ids, and a malformed body is a 400 too, never a 404.
func TestVerifyValidatesBeforeLookingUp(t *testing.T) {
	e := newEnv(t)
	h := http.Header{"Authorization": {"Bearer t"}, "Content-Type": {"application/json"}}
	const path = "/customers/any/prepaid/cards/ids/3ds-authentications/at-all"
	const seed400 = `{"error":{"code":"5068","message":"Field error(s)","details":["Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected."],"fieldErrors":[{"field":"verification.method","error":"must not be null"}]}}`
	if status, body := e.do("POST", path, h, `{"walletOperationId":"w","verification":{},"status":"VERIFIED"}`); status != 400 || body != seed400 {
		t.Errorf("seed example: %d %s", status, body)
	}
	if status, body := e.do("POST", path, h, `{"walletOperationId":`); status != 400 || !strings.Contains(body, `"code":"5068"`) {
		t.Errorf("malformed: %d %s", status, body)
	}
	if status, body := e.do("POST", path, h, `{"walletOperationId":"w","verification":{"method":"BIOMETRIC"},"status":"VERIFIED"}`); status != 404 || !strings.Contains(body, `"code":"5269"`) {
		t.Errorf("valid body, unknown ids: %d %s", status, body)
	}
}

// TestAuthenticateEmptyBody: nothing sent is each required field missing,
// as a 422 (the status seed 004 documents for validation), with or without
// a Content-Type.
func TestAuthenticateEmptyBody(t *testing.T) {
	e := newEnv(t)
	const want = `{"message":"Data validation failed","errors":{"month":["This field is missing."],"number":["This field is missing."],"return_url":["This field is missing."],"year":["This field is missing."]}}`
	withType := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
	without := http.Header{"Authorization": {basicAuth("sk_test_1")}}
	for _, tc := range []struct {
		h    http.Header
		body string
	}{{withType, ""}, {withType, " \n"}, {withType, "{}"}, {without, ""}, {without, " "}} {
		if status, got := e.do("POST", "/v1/3ds/empty/authenticate", tc.h, tc.body); status != 422 || got != want {
			t.Errorf("%q %v: %d %s", tc.body, tc.h, status, got)
		}
	}
}

// TestEvery401SaysWhatItExpects: WWW-Authenticate on every 401 — Basic on
// the 3DS server, Bearer on the wallet platform, and on the issuer the
// x-api-key (as "APIKey") and a bearer token when one is required or the
// one sent is refused; lower-case scheme names are accepted everywhere.
func TestEvery401SaysWhatItExpects(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.Require.IssuingToken = "the-token" })
	open := newEnv(t)
	issuing := func(edit func(http.Header)) http.Header {
		h := issuingHeader("r")
		edit(h)
		return h
	}
	for _, tc := range []struct {
		name         string
		env          *env
		method, path string
		h            http.Header
		challenge    []string
	}{
		{"3ds", e, "POST", "/v1/3ds/a/authenticate", http.Header{}, []string{`Basic realm="3DS server"`}},
		{"3ds extension", e, "GET", "/v1/3ds/a", http.Header{}, []string{`Basic realm="3DS server"`}},
		{"wallet", e, "POST", "/customers/c/prepaid/cards/k/3ds-authentications/a", http.Header{}, []string{`Bearer realm="wallet platform"`}},
		{"wallet extension", e, "GET", "/customers/c/prepaid/cards/k/3ds-authentications", http.Header{}, []string{`Bearer realm="wallet platform"`}},
		{"issuer, token required", e, "GET", enrollPath, issuing(func(h http.Header) { delete(h, "Authorization") }), []string{`Bearer realm="issuer"`}},
		{"issuer, no key, token required", e, "GET", enrollPath, issuing(func(h http.Header) { delete(h, "x-api-key") }), []string{`APIKey realm="issuer", header="x-api-key"`, `Bearer realm="issuer"`}},
		{"issuer, no key", open, "GET", enrollPath, issuing(func(h http.Header) { delete(h, "x-api-key"); delete(h, "Authorization") }), []string{`APIKey realm="issuer", header="x-api-key"`}},
		{"issuer, bad token sent", open, "GET", enrollPath, issuing(func(h http.Header) { h["Authorization"] = []string{"Token x"} }), []string{`Bearer realm="issuer"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.env.raw(tc.method, tc.path, tc.h, "")
			if got := resp.Header.Values("WWW-Authenticate"); resp.StatusCode != 401 || !slices.Equal(got, tc.challenge) {
				t.Errorf("%d, WWW-Authenticate %q, want %q", resp.StatusCode, got, tc.challenge)
			}
		})
	}
	lower := map[string]http.Header{
		"issuer": issuing(func(h http.Header) { h["Authorization"] = []string{"bearer the-token"} }),
		"3ds":    {"Authorization": {"basic " + basicAuth("sk_test_1")[len("Basic "):]}, "Content-Type": {"application/json"}},
		"wallet": {"Authorization": {"bearer t"}, "Content-Type": {"application/json"}},
	}
	paths := map[string][2]string{
		"issuer": {"GET", enrollPath},
		"3ds":    {"POST", "/v1/3ds/a/authenticate"},
		"wallet": {"POST", "/customers/c/prepaid/cards/k/3ds-authentications/a"},
	}
	for api, h := range lower {
		if resp := e.raw(paths[api][0], paths[api][1], h, "{}"); resp.StatusCode == 401 {
			t.Errorf("%s: a lower-case scheme is refused", api)
		}
	}
}
