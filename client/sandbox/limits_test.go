package sandbox_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/sandbox"
)

// issuingHeaders are seed 000's headers with cardID as x-card-id.
func issuingHeaders(cardID string) http.Header {
	h := http.Header{}
	for k, v := range issuingHeader("limits-" + cardID[:8]) {
		h[http.CanonicalHeaderKey(k)] = v
	}
	h.Set("x-card-id", cardID)
	return h
}

// TestSizeLimits: a header, a request target, a body or a field over its
// limit is refused in the error shape of the API it was sent to, before it
// has any effect; a value at the limit is accepted.
func TestSizeLimits(t *testing.T) {
	e := newEnv(t)
	threeDS := func(extra ...string) http.Header {
		h := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		return h
	}
	wallet := http.Header{"Authorization": {"Bearer t"}, "Content-Type": {"application/json"}, "User-Agent": {strings.Repeat("u", sandbox.MaxHeader+1)}}
	authBody := func(returnURL string) string {
		return `{"number":"4000000000000010","month":6,"year":2030,"return_url":"` + returnURL + `"}`
	}
	long := func(n int) string {
		return "https://shop.example/" + strings.Repeat("r", n-len("https://shop.example/"))
	}
	const enroll = `{"otp_delivery_method":"SMS"}`
	for _, tc := range []struct {
		name, method, path string
		h                  http.Header
		body               string
		status             int
		want               string
	}{
		{"id header at the limit", "POST", "/issuing/api/v1/card/3DS", issuingHeaders(strings.Repeat("c", sandbox.MaxIDHeader)), enroll,
			200, `{"status":"Success","message":"3DS enrollment successful.","code":200,"data":[]}`},
		{"id header over it", "POST", "/issuing/api/v1/card/3DS", issuingHeaders(strings.Repeat("c", sandbox.MaxIDHeader+1)), enroll,
			431, `{"code":431,"message":"Header x-card-id is too large: 257 bytes, at most 256.","status":"error"}`},
		{"issuing body over the limit", "POST", "/issuing/api/v1/card/3DS", issuingHeaders("7e57ca4d-0000-4000-8000-000000000036"), strings.Repeat(" ", sandbox.MaxBody) + enroll,
			413, `{"code":413,"message":"The request body is too large: 65565 bytes, at most 65536.","status":"error"}`},
		{"bearer token over the limit", "POST", "/v1/3ds/a/authenticate", threeDS("Authorization", "Bearer "+strings.Repeat("t", sandbox.MaxHeader)), authBody("https://x.example"),
			431, `{"message":"Header authorization is too large: 8199 bytes, at most 8192."}`},
		{"repeated header counts whole", "POST", "/v1/3ds/a/authenticate", http.Header{"Authorization": {basicAuth("sk_test_1")}, "X-Request-Id": {strings.Repeat("r", 200), strings.Repeat("r", 200)}}, authBody("https://x.example"),
			431, `{"message":"Header x-request-id is too large: 400 bytes, at most 256."}`},
		{"return_url at the limit", "POST", "/v1/3ds/url-ok/authenticate", threeDS(), authBody(long(sandbox.MaxReturnURL)), 200, ""},
		{"return_url over it", "POST", "/v1/3ds/url-long/authenticate", threeDS(), authBody(long(sandbox.MaxReturnURL + 1)),
			422, `{"message":"Data validation failed","errors":{"return_url":["The value must be at most 2048 characters long."]}}`},
		{"3DS body over the limit", "POST", "/v1/3ds/a/authenticate", threeDS(), authBody(long(sandbox.MaxBody)),
			413, `{"message":"The request body is too large: 65603 bytes, at most 65536."}`},
		{"request target over the limit", "GET", "/v1/3ds/" + strings.Repeat("i", sandbox.MaxURI), threeDS(), "",
			414, `{"message":"The request target is too large: 2056 bytes, at most 2048."}`},
		{"wallet header over the limit", "POST", "/customers/1/prepaid/cards/2/3ds-authentications/3", wallet, `{}`,
			431, `{"error":{"code":"431","message":"Request Header Fields Too Large","details":["Header user-agent is too large: 8193 bytes, at most 8192."]}}`},
		{"webhook url over the limit", "PUT", "/sandbox/webhook", http.Header{"Content-Type": {"application/json"}}, `{"url":"` + long(sandbox.MaxWebhookURL+1) + `","hmac_key":"k"}`,
			400, `{"error":"url is too large: 2049 bytes, at most 2048."}`},
		{"webhook key over the limit", "PUT", "/sandbox/webhook", http.Header{"Content-Type": {"application/json"}}, `{"url":"http://127.0.0.1:1/x","hmac_key":"` + strings.Repeat("k", sandbox.MaxHMACKey+1) + `"}`,
			400, `{"error":"hmac_key is too large: 1025 bytes, at most 1024."}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, got := e.do(tc.method, tc.path, tc.h, tc.body)
			if status != tc.status || tc.want != "" && got != tc.want {
				t.Fatalf("got %d %s\nwant %d %s", status, got, tc.status, tc.want)
			}
		})
	}
	if st := e.sb.Stats(); st.Enrollments != 1 || st.Authentications != 1 {
		t.Errorf("refused requests left state behind: %+v", st)
	}
}

// TestChunkedBodyOverTheLimit: a body without a Content-Length is bounded
// as it is read: 413, also on the challenge page's form.
func TestChunkedBodyOverTheLimit(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ path, contentType, want string }{
		{"/acs/challenge/x", "application/x-www-form-urlencoded", `{"message":"Request body is too large"}`},
		{"/acs/challenge/x", "application/json", `{"message":"Request body is too large"}`},
		{"/v1/3ds/a/authenticate", "application/json", `{"message":"Request body is too large"}`},
	} {
		body := io.MultiReader(strings.NewReader("otp="), strings.NewReader(strings.Repeat("1", sandbox.MaxBody+1)))
		req, _ := http.NewRequest("POST", e.srv.URL+tc.path, io.NopCloser(body)) // no length: chunked
		req.Header.Set("Content-Type", tc.contentType)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", basicAuth("sk_test_1"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || string(got) != tc.want {
			t.Errorf("%s %s: %d %s", tc.path, tc.contentType, resp.StatusCode, got)
		}
	}
}

// TestHeaderBlockLimit: a header block over MaxHeaderBytes, each header
// within its own limit, is refused with 431 in the API's shape on a port
// too (up to twice the limit net/http reads it and lets the sandbox
// answer); the limit counts the request line and every header line.
func TestHeaderBlockLimit(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{MaxHeaderBytes: 8 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	send := func(extra int) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+"/issuing/api/v1/card/3DS", strings.NewReader(`{"otp_delivery_method":"SMS"}`))
		req.Header = issuingHeaders("block-card-0001")
		for i := 0; extra > 0; i++ {
			n := min(extra, 4000)
			req.Header.Set("X-Extra-"+strconv.Itoa(i), strings.Repeat("e", n))
			extra -= n
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := send(6 << 10); status != 200 {
		t.Fatalf("a block within the limit: %d %s", status, body)
	}
	status, body := send(10 << 10)
	if status != 431 || !strings.HasPrefix(body, `{"code":431,"message":"The request's header block is too large: `) ||
		!strings.Contains(body, `bytes, at most 8192.","status":"error"}`) {
		t.Fatalf("a block over the limit: %d %s", status, body)
	}
	if status, body := send(40 << 10); status != 431 || strings.HasPrefix(body, "{") {
		t.Fatalf("a block over twice the limit: %d %s (want Go's own plain-text 431)", status, body)
	}
	if n := srv.Stats().Enrollments; n != 1 {
		t.Errorf("%d enrollments, want the one within the limit", n)
	}
}

// TestHeaderOverTheServersLimit: a megabyte of header is refused with 431
// by the standalone server itself (Go's server answers it in plain text,
// before the sandbox sees it), and in the API's shape in memory.
func TestHeaderOverTheServersLimit(t *testing.T) {
	huge := strings.Repeat("c", 1<<20)
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, c := range []struct {
		name   string
		client *http.Client
		base   string
		want   string
	}{
		{"on a port", http.DefaultClient, srv.URL, ""},
		{"in memory", &http.Client{Transport: srv.Transport()}, "http://sandbox",
			`{"code":431,"message":"Header x-card-id is too large: 1048576 bytes, at most 256.","status":"error"}`},
	} {
		req, _ := http.NewRequest("POST", c.base+"/issuing/api/v1/card/3DS", strings.NewReader(`{"otp_delivery_method":"SMS"}`))
		req.Header = issuingHeaders(huge)
		resp, err := c.client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 431 || c.want != "" && string(body) != c.want {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, body)
		}
	}
	if n := srv.Stats().Enrollments; n != 0 {
		t.Errorf("%d enrollments", n)
	}
}
