package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/strictfake"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows/matrix"
)

func TestMatrixEmbedded(t *testing.T) {
	t.Setenv("WALLETSIM_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	all := len(matrix.Cells())
	out, code := runCLI(t, "matrix", "--no-answer", "1s")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d cells, %[1]d as documented, 0 not (cardholder: approve, target: sandbox", all)) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"│ card ", "│ 4000000000000036 ", "│ challenge (C) ", "C→Y 05 CAVV right code", "D→Y 02 CAVV VERIFIED", "HTTP 503", "timeout"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q", want)
		}
	}

	junit := filepath.Join(t.TempDir(), "m.xml")
	out, code = runCLI(t, "matrix", "--json", "--cardholder", "wrong-code", "--junit", junit, "--no-answer", "1s")
	var doc struct {
		Cardholder     string
		Passed, Failed int
		Cells          []json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || doc.Cardholder != "wrong-code" || doc.Passed != all || len(doc.Cells) != all {
		t.Errorf("--json: exit %d, %v, %+v", code, err, doc)
	}
	if x, err := os.ReadFile(junit); err != nil || !strings.Contains(string(x), fmt.Sprintf(`tests="%d" failures="0"`, all)) {
		t.Errorf("--junit: %v\n%.300s", err, x)
	}
}

func TestMatrixFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--cardholder", "approved"}, `invalid --cardholder: "approved" is not a cardholder behaviour: use one of approve, reject, wrong-code, expire`},
		{[]string{"--otp", "PIGEON"}, `invalid --otp "PIGEON": use SMS or EMAIL`},
		{[]string{"--parallel", "0"}, "--parallel, --timeout and --no-answer must be positive"},
		{[]string{"--forces", "C,Z"}, `invalid --forces: "Z" is not an outcome a test card forces: use Y, A, C, D, N, R, U, 500, 503, timeout`},
		{[]string{"--channel", "app"}, `invalid --channel "app": use browser or decoupled`},
	} {
		out, code := runCLI(t, append([]string{"matrix"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(out, tt.want) {
			t.Errorf("%v: exit %d, %q; want 2, %q", tt.args, code, out, tt.want)
		}
	}
}

func TestMatrixMarkdown(t *testing.T) {
	out, code := runCLI(t, "matrix", "--markdown")
	if code != 0 || !strings.HasPrefix(out, "| card | channel |") || !strings.Contains(out, "| `expire` | expired → **U** | expired → **U** |") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// cardsForcing counts the test cards that force one of outcomes.
func cardsForcing(outcomes ...testcards.Outcome) int {
	n := 0
	for _, c := range testcards.All {
		if slices.Contains(outcomes, c.Outcome) {
			n++
		}
	}
	return n
}

// freePort is a loopback address nobody listens on (for the webhook
// listener, which the sandbox must know before the matrix starts it).
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// standaloneProfile starts `walletsim sandbox` with args, as a user would,
// and writes a profiles file with a profile "local" on it; expiry is the
// profile's request_expiry.
func standaloneProfile(t *testing.T, expiry string, args ...string) (*running, string) {
	listen := freePort(t)
	r := startSandbox(t, append([]string{"--quiet", "--webhook-url", "http://" + listen + wallet.EventPath}, args...)...)
	t.Setenv("LOCAL_SECRET", "s")
	t.Setenv("LOCAL_HMAC", "sandbox-hmac-key")
	config := filepath.Join(t.TempDir(), "config.yaml")
	text := "profiles:\n  local:\n    sandbox_extensions: true\n" +
		"    issuing_url: " + r.base + "\n    threeds_url: " + r.base + "\n    wallet_url: " + r.base + "\n" +
		"    product_id: P-1\n    client_id: C-1\n    webhook_listen: " + listen + "\n    request_expiry: " + expiry + "\n" +
		"    secrets: {api_key: LOCAL_SECRET, threeds_key: LOCAL_SECRET, wallet_token: LOCAL_SECRET, hmac_key: LOCAL_HMAC}\n"
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return r, config
}

// On a standalone sandbox, with real time, the requests the cardholder
// leaves expire (one wait for all the cells).
func TestMatrixExpiresOnStandaloneSandbox(t *testing.T) {
	_, config := standaloneProfile(t, "2s", "--expiry", "2s")
	want := cardsForcing(testcards.Frictionless, testcards.Challenge, testcards.Decoupled) * 8 // decoupled: 4 preferences × enrolled or not
	out, code := runCLI(t, "matrix", "--config", config, "--profile", "local", "--cardholder", "expire", "--channel", "decoupled", "--forces", "Y,C,D")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d cells, %[1]d as documented", want)+", 0 not (cardholder: expire, target: local") || !strings.Contains(out, "D→U expired") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// On a standalone sandbox the matrix agrees too, and leaves the cards'
// enrollments as it found them.
func TestMatrixOnStandaloneSandbox(t *testing.T) {
	r, config := standaloneProfile(t, "5m")
	card := testcards.All[2] // enrolled by EMAIL before the run
	headers := map[string]string{"x-api-key": "k", "x-product-id": "P-1", "x-client-id": "C-1", "x-cardholder-id": testcards.CardholderID, "x-wallet-id": testcards.WalletID,
		"x-card-id": card.CardID, "x-request-id": "6f7d1c1e-5b1a-4f43-9a59-1d1d1d1d1d1d", "Content-Type": "application/json"}
	if got := r.do(t, http.MethodPost, "/issuing/api/v1/card/3DS", headers, `{"otp_delivery_method":"EMAIL"}`); got != http.StatusOK {
		t.Fatalf("enroll: %d", got)
	}
	// The timeout cards are left out: on real time each would wait out
	// --no-answer, which a loaded machine can also exceed with an answer.
	want := cardsForcing(testcards.Frictionless, testcards.Attempted, testcards.Challenge, testcards.Decoupled, testcards.NotAuth,
		testcards.Rejected, testcards.Unavailable, testcards.Fault500, testcards.Fault503) * 16
	out, code := runCLI(t, "matrix", "--config", config, "--profile", "local", "--cardholder", "reject", "--forces", "Y,A,C,D,N,R,U,500,503")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d cells, %[1]d as documented, 0 not (cardholder: reject, target: local", want)) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	headers["x-request-id"] = "6f7d1c1e-5b1a-4f43-9a59-2e2e2e2e2e2e"
	delete(headers, "Content-Type")
	req, _ := http.NewRequest(http.MethodGet, r.base+"/issuing/api/v1/card/3DS", nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Data []struct {
			OTPDeliveryMethod string `json:"otp_delivery_method"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || len(env.Data) != 1 || env.Data[0].OTPDeliveryMethod != "EMAIL" {
		t.Errorf("after the matrix, card %s: %d %v %+v, want still enrolled by EMAIL", card.PAN, resp.StatusCode, err, env)
	}
}

// A server that is not a walletsim sandbox has no test cards: the matrix
// says so and runs nothing.
func TestMatrixRefusesOtherTargets(t *testing.T) {
	fake := strictfake.New(strictfake.Config{})
	defer fake.Close()
	config := profileFile(t, fake)
	out, code := runCLI(t, "matrix", "--config", config, "--profile", "strict")
	if code != exitCantRun || !strings.Contains(out, "the matrix needs a walletsim sandbox") || len(fake.Requests()) != 0 {
		t.Errorf("exit %d, %d requests\n%s", code, len(fake.Requests()), out)
	}
}
