package sandbox_test

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// issuingHeader is a complete, valid set of seed 000 headers.
func issuingHeader(requestID string) http.Header {
	return http.Header{
		"x-api-key": {"k"}, "x-product-id": {"p"}, "x-cardholder-id": {testcards.CardholderID},
		"x-wallet-id": {testcards.WalletID}, "x-card-id": {"card-1"}, "x-request-id": {requestID},
		"Content-Type": {"application/json"}, "Authorization": {"Bearer t"},
	}
}

const enrollPath = "/issuing/api/v1/card/3DS"

// TestIssuingRules: one row per header and body rule of seed 000, each
// answered in the seed's {code, message, status} shape.
func TestIssuingRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		path   string
		edit   func(http.Header)
		body   string
		status int
		msg    string
	}{
		{"no api key", "POST", enrollPath, func(h http.Header) { delete(h, "x-api-key") }, `{"otp_delivery_method":"SMS"}`, 401, "Invalid or missing x-api-key."},
		{"bad bearer", "GET", enrollPath, func(h http.Header) { h["Authorization"] = []string{"Basic x"} }, "", 401, "Invalid or missing bearer token."},
		{"empty bearer", "GET", enrollPath, func(h http.Header) { h["Authorization"] = []string{"Bearer "} }, "", 401, "Invalid or missing bearer token."},
		{"no card id", "GET", enrollPath, func(h http.Header) { delete(h, "x-card-id") }, "", 400, "Missing required header(s): x-card-id."},
		{"no ids", "GET", enrollPath, func(h http.Header) {
			delete(h, "x-product-id")
			delete(h, "x-wallet-id")
			delete(h, "x-request-id")
		}, "", 400, "Missing required header(s): x-product-id, x-wallet-id, x-request-id."},
		{"version v2", "GET", "/issuing/api/v2/card/3DS", nil, "", 400, "Unsupported API version 'v2'; use v1."},
		{"method PUT", "PUT", enrollPath, nil, "", 405, "Method PUT is not allowed; use POST, GET, PATCH or DELETE."},
		{"not JSON", "POST", enrollPath, func(h http.Header) { h["Content-Type"] = []string{"text/plain"} }, `{"otp_delivery_method":"SMS"}`, 400, "Content-Type must be application/json."},
		{"malformed body", "POST", enrollPath, nil, `{"otp_delivery_method":`, 400, "Request body must be a JSON object."},
		{"array body", "PATCH", enrollPath, nil, `["SMS"]`, 400, "Request body must be a JSON object."},
		{"method missing", "POST", enrollPath, nil, `{}`, 400, "otp_delivery_method is required."},
		{"method null", "PATCH", enrollPath, nil, `{"otp_delivery_method":null}`, 400, "otp_delivery_method is required."},
		{"method unknown", "POST", enrollPath, nil, `{"otp_delivery_method":"PIGEON"}`, 400, "otp_delivery_method must be one of EMAIL, SMS."},
		{"method lower case", "POST", enrollPath, nil, `{"otp_delivery_method":"sms"}`, 400, "otp_delivery_method must be one of EMAIL, SMS."},
		{"method a number", "POST", enrollPath, nil, `{"otp_delivery_method":1}`, 400, "otp_delivery_method must be one of EMAIL, SMS."},
		{"body too large", "POST", enrollPath, nil, `{"x":"` + strings.Repeat("a", 70000) + `"}`, 413, "The request body is too large: 70008 bytes, at most 65536."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			h := issuingHeader("r-" + tc.name)
			if tc.edit != nil {
				tc.edit(h)
			}
			status, body := e.do(tc.method, tc.path, h, tc.body)
			want := `{"code":` + strconv.Itoa(tc.status) + `,"message":"` + tc.msg + `","status":"error"}`
			if status != tc.status || body != want {
				t.Fatalf("got %d %s\nwant %d %s", status, body, tc.status, want)
			}
		})
	}
}

// TestIssuingLifecycle: the seed's messages in order, and the destination
// masked by method.
func TestIssuingLifecycle(t *testing.T) {
	e := newEnv(t)
	steps := []struct {
		method, body string
		status       int
		want         string
	}{
		{"GET", "", 400, `"message":"Card is not enrolled in 3DS."`},
		{"POST", `{"otp_delivery_method":"EMAIL"}`, 200, `{"status":"Success","message":"3DS enrollment successful.","code":200,"data":[]}`},
		{"GET", "", 200, `{"status":"Success","message":"Enroll 3DS details fetched successfully.","code":200,"data":[{"otp_delivery_method":"EMAIL","destination":"l***@example.com","status":"ACTIVE"}]}`},
		{"PATCH", `{"otp_delivery_method":"SMS"}`, 200, `{"status":"Success","message":"3DS enrollment details updated successfully.","code":200,"data":[]}`},
		{"GET", "", 200, `"destination":"+966******001"`},
		{"POST", `{"otp_delivery_method":"SMS"}`, 400, `"message":"Card is already enrolled in 3DS."`},
		{"DELETE", "", 200, `{"status":"Success","message":"3DS unenrollment completed successfully.","code":200,"data":[]}`},
		{"DELETE", "", 400, `"message":"Card is not enrolled in 3DS."`},
	}
	for i, s := range steps {
		status, body := e.do(s.method, enrollPath, issuingHeader("life-"+strconv.Itoa(i)), s.body)
		if status != s.status || !strings.Contains(body, s.want) {
			t.Fatalf("step %d %s: got %d %s, want %d …%s…", i, s.method, status, body, s.status, s.want)
		}
	}
}

// TestIssuingIdempotency: the same x-request-id replays the first answer
// with no second effect; with a different request it is refused.
func TestIssuingIdempotency(t *testing.T) {
	e := newEnv(t)
	h := issuingHeader("same-id")
	s1, b1 := e.do("POST", enrollPath, h, `{"otp_delivery_method":"EMAIL"}`)
	s2, b2 := e.do("POST", enrollPath, h, `{"otp_delivery_method":"EMAIL"}`)
	if s1 != 200 || s2 != 200 || b1 != b2 {
		t.Fatalf("replay: %d %s / %d %s", s1, b1, s2, b2)
	}
	s3, b3 := e.do("POST", enrollPath, h, `{"otp_delivery_method":"SMS"}`)
	if s3 != 400 || !strings.Contains(b3, "x-request-id 'same-id' was already used for a different request.") {
		t.Fatalf("conflict: %d %s", s3, b3)
	}
	// A fresh id is a new request: enrolling again is now an error.
	if s, b := e.do("POST", enrollPath, issuingHeader("other-id"), `{"otp_delivery_method":"EMAIL"}`); s != 400 || !strings.Contains(b, "already enrolled") {
		t.Fatalf("fresh id: %d %s", s, b)
	}
}

func basicAuth(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// TestAuthenticateRules: seed 004's rules over HTTP, including what only a
// server sees (wrong JSON types), in its 422 shape.
func TestAuthenticateRules(t *testing.T) {
	const valid = `"number":"4000000000000010","month":6,"year":2030,"return_url":"https://x.example"`
	for _, tc := range []struct {
		name, body, want string
	}{
		{"seed example", `{"number":"4111111111111112"}`, `{"message":"Data validation failed","errors":{"month":["This field is missing."],"number":["The value must be a proper credit/debit card number."],"return_url":["This field is missing."],"year":["This field is missing."]}}`},
		{"month a string", `{` + valid + `,"month":"six"}`, `{"message":"Data validation failed","errors":{"month":["The value must be an integer."]}}`},
		{"month 0", `{` + valid + `,"month":0}`, `{"message":"Data validation failed","errors":{"month":["The value must be at least 1."]}}`},
		{"month 6.5", `{` + valid + `,"month":6.5}`, `{"message":"Data validation failed","errors":{"month":["The value must be an integer."]}}`},
		{"year 1999", `{` + valid + `,"year":1999}`, `{"message":"Data validation failed","errors":{"year":["The value must be at least 2000."]}}`},
		{"number a number", `{` + valid + `,"number":4000000000000010}`, `{"message":"Data validation failed","errors":{"number":["The value must be a string."]}}`},
		{"channel", `{` + valid + `,"channel":"app"}`, `{"message":"Data validation failed","errors":{"channel":["The value must be one of: browser, decoupled."]}}`},
		{"preference", `{` + valid + `,"challenge_preference":"always"}`, `{"message":"Data validation failed","errors":{"challenge_preference":["The value must be one of: no_preference, no_challenge, preferred, mandated."]}}`},
		{"customer not an object", `{` + valid + `,"customer":"x"}`, `{"message":"Data validation failed","errors":{"customer":["The value must be an object."]}}`},
		{"device js without fields", `{` + valid + `,"customer_device":{"javascript_enabled":true}}`, `{"message":"Data validation failed","errors":{"customer_device.color_depth":["This field is required when customer_device.javascript_enabled is true."],"customer_device.screen_height":["This field is required when customer_device.javascript_enabled is true."],"customer_device.screen_width":["This field is required when customer_device.javascript_enabled is true."],"customer_device.timezone":["This field is required when customer_device.javascript_enabled is true."]}}`},
		{"device js a string", `{` + valid + `,"customer_device":{"javascript_enabled":"yes"}}`, `{"message":"Data validation failed","errors":{"customer_device.javascript_enabled":["The value must be true or false."]}}`},
		{"billing country", `{` + valid + `,"billing_address":{"country":"Saudi"}}`, `{"message":"Data validation failed","errors":{"billing_address.country":["The value must be a valid ISO 3166-1 alpha-2 country code."]}}`},
		// An empty string is sent, so not missing: its rule refuses it.
		{"empty min:1 fields", `{` + valid + `,"name":"","customer":{"mobile":"","name":" "},"billing_address":{"line_2":"","country":""}}`, `{"message":"Data validation failed","errors":{"billing_address.country":["The value must be a valid ISO 3166-1 alpha-2 country code."],"billing_address.line_2":["The value must be at least 1 characters long."],"customer.mobile":["The value must be at least 1 characters long."],"customer.name":["The value must be at least 2 characters long."],"name":["The value must be at least 1 characters long."]}}`},
		{"empty device fields", `{` + valid + `,"customer_device":{"ip_address":"","language":"","color_depth":"","timezone":""}}`, `{"message":"Data validation failed","errors":{"customer_device.color_depth":["The value must be one of: 1, 4, 8, 15, 16, 24, 32, 48."],"customer_device.ip_address":["The value must be a valid IP address."],"customer_device.language":["The value must be at least 1 characters long."],"customer_device.timezone":["The value must be a browser time zone offset in minutes, between -840 and 720."]}}`},
		// Required and empty is missing; empty with a default takes it.
		{"empty required and defaulted", `{"number":"","month":6,"year":2030,"return_url":"","channel":"","challenge_preference":""}`, `{"message":"Data validation failed","errors":{"number":["This field is missing."],"return_url":["This field is missing."]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			h := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
			status, body := e.do("POST", "/v1/3ds/rules/authenticate", h, tc.body)
			if status != 422 || body != tc.want {
				t.Fatalf("got %d %s\nwant 422 %s", status, body, tc.want)
			}
		})
	}
}

// TestAuthenticateHTTPErrors: credentials, content type, malformed JSON,
// unknown ids and methods get the seed's {message} shape, never a 5xx.
func TestAuthenticateHTTPErrors(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.Require.ThreeDSKey = "sk_test_right" })
	body := `{"number":"4000000000000010","month":6,"year":2030,"return_url":"https://x.example"}`
	json := func(auth string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}}
		if auth != "" {
			h["Authorization"] = []string{auth}
		}
		return h
	}
	for _, tc := range []struct {
		name, method, path string
		h                  http.Header
		body               string
		status             int
		want               string
	}{
		{"no auth", "POST", "/v1/3ds/a/authenticate", json(""), body, 401, `{"message":"Missing authentication information"}`},
		{"bearer instead of basic", "POST", "/v1/3ds/a/authenticate", json("Bearer sk_test_right"), body, 401, `{"message":"Missing authentication information"}`},
		{"wrong key", "POST", "/v1/3ds/a/authenticate", json(basicAuth("sk_test_wrong")), body, 403, `{"message":"Unauthorized"}`},
		{"publishable key", "POST", "/v1/3ds/a/authenticate", json(basicAuth("pk_test_right")), body, 403, `{"message":"Unauthorized"}`},
		{"form body", "POST", "/v1/3ds/a/authenticate", http.Header{"Authorization": {basicAuth("sk_test_right")}, "Content-Type": {"application/x-www-form-urlencoded"}}, "number=1", 415, `{"message":"Content-Type must be application/json"}`},
		{"malformed", "POST", "/v1/3ds/a/authenticate", json(basicAuth("sk_test_right")), `{"number":`, 400, `{"message":"Malformed JSON body"}`},
		{"GET authenticate", "GET", "/v1/3ds/a/authenticate", json(basicAuth("sk_test_right")), "", 405, `{"message":"Method GET is not allowed here; use POST."}`},
		{"unknown result", "GET", "/v1/3ds/nope", json(basicAuth("sk_test_right")), "", 404, `{"message":"Authentication not found"}`},
		{"unknown path", "GET", "/v1/3ds/a/b/c", json(""), "", 404, `{"message":"No such endpoint: GET /v1/3ds/a/b/c"}`},
		{"bad fault header", "POST", "/v1/3ds/a/authenticate", http.Header{"X-Walletsim-Fault": {"status=418"}}, body, 400, `{"message":"Invalid x-walletsim-fault header: fault status: must be 500 or 503"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, got := e.do(tc.method, tc.path, tc.h, tc.body)
			if status != tc.status || got != tc.want {
				t.Fatalf("got %d %s\nwant %d %s", status, got, tc.status, tc.want)
			}
		})
	}
}

// TestAuthenticateRepeat: the same id and body replays the first answer; a
// different body on the same id is refused.
func TestAuthenticateRepeat(t *testing.T) {
	e := newEnv(t)
	h := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
	body := `{"number":"4000000000000010","month":6,"year":2030,"return_url":"https://x.example"}`
	s1, b1 := e.do("POST", "/v1/3ds/rep/authenticate", h, body)
	e.clock.Advance(1e9)
	s2, b2 := e.do("POST", "/v1/3ds/rep/authenticate", h, body)
	if s1 != 200 || s2 != 200 || b1 != b2 {
		t.Fatalf("replay: %d / %d, bodies equal %v", s1, s2, b1 == b2)
	}
	s3, b3 := e.do("POST", "/v1/3ds/rep/authenticate", h, strings.Replace(body, "2030", "2031", 1))
	if s3 != 409 || b3 != `{"message":"Authentication rep was already started with a different request"}` {
		t.Fatalf("conflict: %d %s", s3, b3)
	}
}
