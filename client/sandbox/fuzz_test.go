package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// fuzzRoutes are the endpoints whose request decoders are fuzzed, with the
// headers a well-behaved client sends, so that the fuzzer reaches the body.
var fuzzRoutes = []struct {
	method, path string
	header       http.Header
}{
	{"POST", "/issuing/api/v1/card/3DS", issuingHeader("fuzz")},
	{"PATCH", "/issuing/api/v1/card/3DS", issuingHeader("fuzz")},
	{"POST", "/v1/3ds/fuzz/authenticate", http.Header{"Authorization": {basicAuth("sk_test_fuzz")}, "Content-Type": {"application/json"}}},
	{"POST", "/v1/3ds", http.Header{"Authorization": {basicAuth("sk_test_fuzz")}, "Content-Type": {"application/json"}}},
	{"POST", "/customers/" + testcards.CustomerID + "/prepaid/cards/c/3ds-authentications/a", http.Header{"Authorization": {"Bearer t"}, "Content-Type": {"application/json"}}},
	{"POST", "/acs/challenge/x", http.Header{"Content-Type": {"application/json"}}},
	{"POST", "/acs/challenge/x", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
	{"PUT", "/sandbox/webhook", http.Header{"Content-Type": {"application/json"}}},
}

// FuzzDecoders sends arbitrary bodies to every decoding endpoint: nothing
// panics, and no client mistake gets a 5xx (except the test cards that
// force one).
func FuzzDecoders(f *testing.F) {
	for _, seed := range []string{
		`{"otp_delivery_method":"SMS"}`, `{"otp_delivery_method":null}`, `[]`, `null`, `{`, ``,
		`{"number":"4000000000000036","month":6,"year":2030,"return_url":"https://x.example","channel":"decoupled"}`,
		`{"number":"4000000000000010","month":1e400,"year":-1,"customer":{"email":"a@b"},"customer_device":{"javascript_enabled":true,"screen_height":1.5}}`,
		`{"billing_address":[],"shipping_address":{"country":7},"customer_device":"x"}`,
		`{"amount":100,"currency":"SAR"}`, `{"amount":1e30}`,
		`{"walletOperationId":"x","verification":{"method":"BIOMETRIC"},"status":"VERIFIED","statusReason":"` + strings.Repeat("é", 101) + `"}`,
		`{"verification":[1]}`, `otp=123456&action=cancel`, `{"otp":123}`, `{"url":"http://x","hmac_key":5}`,
	} {
		for i := range fuzzRoutes {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		sb := sandbox.New(sandbox.Config{}) // fresh: each input is judged on its own
		defer sb.Close()
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		ctx, cancel := context.WithTimeout(context.Background(), time.Second) // the timeout cards hang
		defer cancel()
		req := httptest.NewRequestWithContext(ctx, rt.method, rt.path, strings.NewReader(body))
		req.Header = rt.header.Clone()
		rec := httptest.NewRecorder()
		serve(sb.Handler(), rec, req)
		forced := strings.Contains(body, "000000000500") || strings.Contains(body, "000000000503")
		if rec.Code >= 500 && !forced {
			t.Fatalf("%s %s with %q: %d %s", rt.method, rt.path, body, rec.Code, rec.Body)
		}
	})
}

// serve is ServeHTTP, with an aborted request (a dropped connection, as
// net/http's server turns http.ErrAbortHandler into) counted as no answer.
func serve(h http.Handler, w *httptest.ResponseRecorder, r *http.Request) {
	defer func() {
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			panic(v)
		}
	}()
	h.ServeHTTP(w, r)
}
