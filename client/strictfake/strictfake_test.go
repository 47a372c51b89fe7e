package strictfake_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/walletsim/walletsim/client/strictfake"
)

// The fake is checked against the seeds' own examples, read from
// testdata/seeds: its answers have every key the seed's examples have (a
// nullable one may be left out), and the documented errors are the seeds'
// examples word for word.

func seed(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

type call struct {
	method, path string
	header       map[string]string
	body         string
}

func do(t *testing.T, base string, c call) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: %d %s", c.method, c.path, resp.StatusCode, b)
	}
	return resp.StatusCode, v
}

func issuingHeaders(card string) map[string]string {
	return map[string]string{"x-api-key": "k", "x-product-id": "p", "x-cardholder-id": strictfake.CardholderID,
		"x-wallet-id": strictfake.WalletID, "x-card-id": card, "x-request-id": "r", "Content-Type": "application/json"}
}

var basic = map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("sk_test:")), "Content-Type": "application/json"}

const authBody = `{"number":"%s","month":12,"year":2030,"channel":"%s","return_url":"https://shop.example/back","challenge_preference":"no_preference",
"customer":{"name":"John Doe","email":"johndoe@example.com","mobile":"0555555555"},
"billing_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},
"shipping_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},
"customer_device":{"ip_address":"127.0.0.1","user_agent":"Test Agent","accept_header":"*/*","javascript_enabled":true,"language":"ar-SA","color_depth":"24","screen_height":300,"screen_width":600,"timezone":"-180"}}`

func authenticate(pan, channel string) call {
	return call{http.MethodPost, "/v1/3ds/auth-" + pan + channel + "/authenticate", basic,
		strings.NewReplacer("%s", pan).Replace(strings.Replace(authBody, `"channel":"%s"`, `"channel":"`+channel+`"`, 1))}
}

// missingKeys lists the keys of want (recursively) that got lacks; the keys
// in nullable may be absent.
func missingKeys(want, got map[string]any, prefix string, nullable ...string) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok && !slices.Contains(nullable, prefix+k):
			out = append(out, prefix+k)
		case ok:
			wm, wIsObj := w.(map[string]any)
			gm, gIsObj := g.(map[string]any)
			if wIsObj && gIsObj {
				out = append(out, missingKeys(wm, gm, prefix+k+".", nullable...)...)
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestAnswersHaveTheSeedsKeys(t *testing.T) {
	fake := strictfake.New(strictfake.Config{})
	defer fake.Close()
	c := strictfake.CardFor("C")
	status, got := do(t, fake.URL, call{http.MethodPost, "/issuing/api/v1/card/3DS", issuingHeaders(c.CardID), `{"otp_delivery_method":"SMS"}`})
	if status != 200 || len(missingKeys(seed(t, "000/enroll.200.json"), got, "")) > 0 || got["message"] != "3DS enrollment successful." {
		t.Errorf("enroll: %d %v", status, got)
	}
	status, got = do(t, fake.URL, call{http.MethodGet, "/issuing/api/v1/card/3DS", issuingHeaders(c.CardID), ""})
	item := got["data"].([]any)[0].(map[string]any)
	wantItem := seed(t, "000/get.200.json")["data"].([]any)[0].(map[string]any)
	if status != 200 || len(missingKeys(wantItem, item, "")) > 0 || item["otp_delivery_method"] != "SMS" {
		t.Errorf("get: %d %v", status, got)
	}
	status, got = do(t, fake.URL, call{http.MethodPost, "/issuing/api/v1/card/3DS", issuingHeaders(c.CardID), `{"otp_delivery_method":"SMS"}`})
	if status != 400 || len(missingKeys(seed(t, "000/enroll.400.json"), got, "")) > 0 {
		t.Errorf("enroll twice: %d %v", status, got)
	}

	seed200 := seed(t, "004/authenticate.200.json")
	for _, tc := range []struct{ pan, channel, status string }{
		{strictfake.CardFor("Y").PAN, "browser", "Y"}, {c.PAN, "browser", "C"},
		{strictfake.CardFor("D").PAN, "decoupled", "D"}, {strictfake.CardFor("N").PAN, "browser", "N"},
	} {
		status, got := do(t, fake.URL, authenticate(tc.pan, tc.channel))
		nullable := []string{"auth_value", "eci", "failure_reason", "meta.ares.acsURL", "meta.ares.authenticationValue",
			"meta.ares.authenticationType", "meta.ares.acsChallengeMandated"}
		if missing := missingKeys(seed200, got, "", nullable...); status != 200 || len(missing) > 0 || got["auth_status"] != tc.status {
			t.Errorf("authenticate %s: %d, missing %v, %v", tc.status, status, missing, got["auth_status"])
		}
		if _, isString := got["purchase_date"].(string); !isString || len(got["purchase_date"].(string)) != 14 {
			t.Errorf("purchase_date %v: want EMV's YYYYMMDDHHMMSS", got["purchase_date"])
		}
		if url, _ := got["challenge_url"].(string); (tc.status == "C") != strings.HasPrefix(url, fake.ACSURL) {
			t.Errorf("%s: challenge_url %q", tc.status, url)
		}
	}
}

// TestDocumentedErrorsAreTheSeedsExamples: provoked as the seeds describe
// them, the errors are the seeds' examples exactly.
func TestDocumentedErrorsAreTheSeedsExamples(t *testing.T) {
	fake := strictfake.New(strictfake.Config{})
	defer fake.Close()
	bearer := map[string]string{"Authorization": "Bearer t", "Content-Type": "application/json"}
	for _, tc := range []struct {
		name, seed string
		call       call
		status     int
	}{
		{"004 422", "004/authenticate.422.json", call{http.MethodPost, "/v1/3ds/x/authenticate", basic, `{"number":"4111111111111112"}`}, 422},
		{"004 401", "004/authenticate.401.json", call{http.MethodPost, "/v1/3ds/x/authenticate", map[string]string{"Content-Type": "application/json"}, `{}`}, 401},
		{"004 403", "004/authenticate.403.json", call{http.MethodPost, "/v1/3ds/x/authenticate",
			map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("pk_test:"))}, `{}`}, 403},
		{"002 400, any ids", "002/verify.400.json", call{http.MethodPost, "/customers/1/prepaid/cards/2/3ds-authentications/3", bearer,
			`{"walletOperationId":"w","verification":{},"status":"VERIFIED"}`}, 400},
		{"002 401", "002/verify.401.json", call{http.MethodPost, "/customers/1/prepaid/cards/2/3ds-authentications/3", nil, `{}`}, 401},
	} {
		status, got := do(t, fake.URL, tc.call)
		if diff := cmp.Diff(seed(t, tc.seed), got); status != tc.status || diff != "" {
			t.Errorf("%s: HTTP %d (want %d), body -seed +fake:\n%s", tc.name, status, tc.status, diff)
		}
	}
}

// TestViolationsAreRecorded: what breaks the seeds is named; what does not
// is not.
func TestViolationsAreRecorded(t *testing.T) {
	fake := strictfake.New(strictfake.Config{})
	defer fake.Close()
	h := issuingHeaders("c1")
	do(t, fake.URL, call{http.MethodGet, "/issuing/api/v1/card/3DS", h, ""})
	if v := fake.Violations(); len(v) != 0 {
		t.Fatalf("a faithful request: %v", v)
	}
	delete(h, "x-request-id")
	h["x-walletsim-fault"] = "status=503"
	do(t, fake.URL, call{http.MethodGet, "/issuing/api/v1/card/3DS", h, ""})
	do(t, fake.URL, call{http.MethodGet, "/v1/3ds/x", basic, ""})
	body := strings.Replace(authenticate("4242424242424242", "browser").body, `"month":12`, `"month":12,"amount":100`, 1)
	do(t, fake.URL, call{http.MethodPost, "/v1/3ds/y/authenticate", basic, body})
	var got []string
	for _, v := range fake.Violations() {
		got = append(got, v.String())
	}
	want := []string{
		"GET /issuing/api/v1/card/3DS: header x-walletsim-fault is walletsim's own, not in any seed",
		"GET /issuing/api/v1/card/3DS: seed 000: required header x-request-id is missing",
		"GET /v1/3ds/x: no seed documents this path",
		"POST /v1/3ds/y/authenticate: seed 004: unknown field amount",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("violations -want +got:\n%s", diff)
	}
}

// TestDecoupledAndChallenge: the webhook is signed as REFERENCE.md says,
// the wallet's decision is taken once, and the ACS sends the browser back
// to return_url with the authentication id.
func TestDecoupledAndChallenge(t *testing.T) {
	events := make(chan []byte, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("hmac"))
		mac.Write(b)
		if r.Header.Get("Signature") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			w.WriteHeader(401)
			return
		}
		events <- b
	}))
	defer hook.Close()
	fake := strictfake.New(strictfake.Config{HMACKey: []byte("hmac"), WebhookURL: hook.URL})
	defer fake.Close()
	do(t, fake.URL, authenticate(strictfake.CardFor("D").PAN, "decoupled"))
	var ev map[string]any
	select {
	case b := <-events:
		json.Unmarshal(b, &ev)
	case <-time.After(5 * time.Second): // liveness guard
		t.Fatal("no webhook")
	}
	path := "/customers/" + ev["customerId"].(string) + "/prepaid/cards/" + ev["cardId"].(string) + "/3ds-authentications/" + ev["auth3dsId"].(string)
	bearer := map[string]string{"Authorization": "bearer t", "Content-Type": "application/json"}
	verify := `{"walletOperationId":"` + ev["walletOperationId"].(string) + `","verification":{"method":"BIOMETRIC"},"status":"VERIFIED"}`
	status, got := do(t, fake.URL, call{http.MethodPost, path, bearer, verify})
	if missing := missingKeys(seed(t, "002/verify.201.verified.json"), got, ""); status != 201 || len(missing) > 0 {
		t.Errorf("verify: %d, missing %v", status, missing)
	}

	c := strictfake.CardFor("C")
	do(t, fake.URL, call{http.MethodPost, "/issuing/api/v1/card/3DS", issuingHeaders(c.CardID), `{"otp_delivery_method":"EMAIL"}`})
	returned := make(chan string, 1)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { returned <- r.URL.Query().Get("id") }))
	defer shop.Close()
	call := authenticate(c.PAN, "browser")
	call.body = strings.Replace(call.body, "https://shop.example/back", shop.URL+"/back", 1)
	_, got = do(t, fake.URL, call)
	outbox := fake.Outbox()
	back, status, err := fake.AnswerChallenge(context.Background(), got["challenge_url"].(string), outbox[len(outbox)-1].Code)
	if err != nil || status != 200 || <-returned != got["id"] || !strings.HasPrefix(back, shop.URL+"/back?id=") {
		t.Fatalf("challenge: %v %d %s", err, status, back)
	}
	if v := fake.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
	if !bytes.Contains([]byte(fake.ACSRequests()[0].UserAgent), []byte("strictfake-browser")) {
		t.Errorf("ACS requests: %v", fake.ACSRequests())
	}
}
