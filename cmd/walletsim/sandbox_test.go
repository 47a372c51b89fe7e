package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// lockedBuffer is a bytes.Buffer safe to read while the sandbox writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// running is a sandbox subcommand started by startSandbox.
type running struct {
	base   string
	stdout *lockedBuffer
	stderr *lockedBuffer
	stop   context.CancelFunc
	done   chan error
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startSandbox runs "walletsim sandbox --listen 127.0.0.1:0 args…" in the
// background, as a user would, and waits for it to print its base URL.
func startSandbox(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, stop: cancel, done: make(chan error, 1)}
	cmd := newRootCmd()
	cmd.SetOut(r.stdout)
	cmd.SetErr(r.stderr)
	cmd.SetArgs(append([]string{"sandbox", "--listen", "127.0.0.1:0"}, args...))
	go func() { r.done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() { r.shutdown(t) })

	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningRE.FindStringSubmatch(r.stdout.String()); m != nil {
			r.base = m[1]
			return r
		}
		select {
		case err := <-r.done:
			t.Fatalf("sandbox exited before listening: %v\n%s", err, r.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("sandbox printed no base URL:\n%s", r.stdout)
	return nil
}

// shutdown cancels the command's context and waits for it to return.
func (r *running) shutdown(t *testing.T) {
	t.Helper()
	if r.done == nil {
		return
	}
	r.stop()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("sandbox returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop")
	}
	r.done = nil
}

// do sends a request to the running sandbox and returns the status.
func (r *running) do(t *testing.T, method, path string, header map[string]string, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSandboxStartRequestStop(t *testing.T) {
	r := startSandbox(t)
	if got := r.do(t, http.MethodGet, "/sandbox/cards", nil, ""); got != http.StatusOK {
		t.Errorf("GET /sandbox/cards = %d, want 200", got)
	}
	r.shutdown(t)

	out := r.stdout.String()
	for _, want := range []string{
		r.base + "/issuing/api/v1/card/3DS",
		r.base + "/v1/3ds/{id}/authenticate",
		r.base + "/customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications/{auth3dsId}",
		"GET " + r.base + "/sandbox/cards",
		testcards.CardholderID, testcards.WalletID, testcards.CustomerID,
		"GET /sandbox/cards 200", // the access log
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(out, "sandbox stopped\n") {
		t.Errorf("output does not end with the stop line:\n%s", out)
	}
	if err := r.stderr.String(); err != "" {
		t.Errorf("stderr on loopback: %q", err)
	}
}

func TestSandboxPrintsTestCards(t *testing.T) {
	out := startSandbox(t).stdout.String()
	if !regexp.MustCompile(`PAN +SCHEME +OUTCOME +DESCRIPTION +CARD ID`).MatchString(out) {
		t.Errorf("no test-card table header:\n%s", out)
	}
	for _, c := range testcards.All {
		row := regexp.QuoteMeta(testcards.GroupPAN(c.PAN)) + ` +` + string(c.Scheme) + ` +` + regexp.QuoteMeta(string(c.Outcome)) +
			` +` + regexp.QuoteMeta(c.Describe()) + ` +` + c.CardID
		if !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("no table row for %s", c.PAN)
		}
	}
}

func TestSandboxQuiet(t *testing.T) {
	r := startSandbox(t, "--quiet")
	r.do(t, http.MethodGet, "/sandbox/cards", nil, "")
	r.shutdown(t)
	if out := r.stdout.String(); strings.Contains(out, "GET /sandbox/cards 200") {
		t.Errorf("--quiet logged a request:\n%s", out)
	}
}

// The secrets are enforced, yet appear nowhere in the output or in --help.
func TestSandboxSecretsStayPrivate(t *testing.T) {
	const hmacKey, apiKey, walletToken = "hmac-SECRET-1", "api-SECRET-2", "wallet-SECRET-3"
	t.Setenv(hmacKeyEnv, hmacKey)
	t.Setenv("WALLETSIM_REQUIRE_WALLET_TOKEN", walletToken)
	r := startSandbox(t, "--require-api-key", apiKey, "--webhook-url", "http://127.0.0.1:1/hook")

	enroll := func(key, requestID string) int {
		return r.do(t, http.MethodPost, "/issuing/api/v1/card/3DS", map[string]string{
			"x-api-key": key, "x-product-id": "p", "x-cardholder-id": testcards.CardholderID,
			"x-wallet-id": "w", "x-card-id": "c", "x-request-id": requestID, "Content-Type": "application/json",
		}, `{"otp_delivery_method":"EMAIL"}`)
	}
	if got := enroll("wrong", "r1"); got != http.StatusUnauthorized {
		t.Errorf("enroll with a wrong key = %d, want 401", got)
	}
	if got := enroll(apiKey, "r2"); got != http.StatusOK {
		t.Errorf("enroll with the required key = %d, want 200", got)
	}
	list := "/customers/" + testcards.CustomerID + "/prepaid/cards/c/3ds-authentications"
	if got := r.do(t, http.MethodGet, list, map[string]string{"Authorization": "Bearer wrong"}, ""); got != http.StatusUnauthorized {
		t.Errorf("wallet call with a wrong token = %d, want 401", got)
	}
	r.shutdown(t)

	help := run(t, "sandbox", "--help")
	out := r.stdout.String() + r.stderr.String() + help
	for _, secret := range []string{hmacKey, apiKey, walletToken} {
		if strings.Contains(out, secret) {
			t.Errorf("output contains the secret %q:\n%s", secret, out)
		}
	}
	// The banner names the credentials as the APIs know them (it is the
	// sandbox's, which knows no flags).
	if !strings.Contains(out, "issuing x-api-key, wallet platform bearer token") {
		t.Errorf("output does not say which credentials are required:\n%s", out)
	}
}

func TestSandboxHelp(t *testing.T) {
	got := run(t, "sandbox", "--help")
	for _, want := range []string{"Usage:", "walletsim sandbox [flags]", "--listen", "--faults", "--require-3ds-key", "WALLETSIM_REQUIRE_API_KEY"} {
		if !strings.Contains(got, want) {
			t.Errorf("sandbox --help lacks %q:\n%s", want, got)
		}
	}
	if got := run(t, "--help"); !strings.Contains(got, "sandbox") {
		t.Errorf("root --help does not list the sandbox command:\n%s", got)
	}
}

func TestSandboxFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string // in the error: the flag, and enough to say why
	}{
		{args: []string{"--listen", "nowhere"}, want: "--listen"},
		{args: []string{"--listen", "127.0.0.1:99999"}, want: "--listen"},
		{args: []string{"--listen", "127.0.0.1:http"}, want: "--listen"},
		{args: []string{"--listen", "no-such-host.invalid:0"}, want: "--listen"},
		{args: []string{"--expiry", "soon"}, want: "--expiry"},
		{args: []string{"--expiry", "0s"}, want: "--expiry 0s: must be positive"},
		{args: []string{"--expiry", "-1m"}, want: "--expiry"},
		{args: []string{"--faults", "status=404"}, want: "--faults"},
		{args: []string{"--faults", "explode"}, want: "--faults"},
		{args: []string{"--faults", "latency=fast"}, want: "--faults"},
		{args: []string{"--faults", "rate=0.5"}, want: "--faults"},
		{args: []string{"--webhook-url", "ftp://example.com/hook"}, want: "--webhook-url"},
		{args: []string{"--webhook-url", "example.com/hook"}, want: "--webhook-url"},
		{args: []string{"--webhook-url", "http://"}, want: "--webhook-url"},
		{args: []string{"--webhook-url", "http://exa mple.com"}, want: "--webhook-url"},
		{args: []string{"--merchant-name", " "}, want: "--merchant-name"},
		{args: []string{"--hmac-key", ""}, want: "--hmac-key"},
		{args: []string{"--require-3ds-key", "pk_live_x"}, want: "--require-3ds-key"},
		{args: []string{"--require-3ds-key", "sk:x"}, want: "--require-3ds-key"},
		{args: []string{"--require-api-key", " padded"}, want: "--require-api-key"},
		{env: map[string]string{"WALLETSIM_REQUIRE_ISSUING_TOKEN": "tab\there"}, want: "WALLETSIM_REQUIRE_ISSUING_TOKEN (for --require-issuing-token)"},
		{args: []string{"--read-header-timeout", "0s"}, want: "--read-header-timeout 0s: must be positive"},
		{args: []string{"--write-timeout", "-1s"}, want: "--write-timeout -1s: must be positive"},
		{args: []string{"--idle-timeout", "later"}, want: "--idle-timeout"},
		{args: []string{"--read-header-timeout", "1m", "--read-timeout", "10s"}, want: `--read-header-timeout "1m0s": must not be longer than the read timeout`},
		{args: []string{"--max-header-bytes", "1KiB"}, want: `--max-header-bytes "1KiB": must be at least 4096 bytes`},
		{args: []string{"--max-header-bytes", "2MiB"}, want: `--max-header-bytes "2MiB": must be at most 1 MiB`},
		{args: []string{"--max-header-bytes", "lots"}, want: "--max-header-bytes"},
		{args: []string{"--max-stored-bytes", "0"}, want: "--max-stored-bytes 0: must be positive"},
		{args: []string{"--max-stored-bytes", "-5MiB"}, want: "--max-stored-bytes"},
		{args: []string{"--max-conns", "0"}, want: "--max-conns 0: must be positive"},
		{args: []string{"extra"}, want: "unknown command"},
	} {
		t.Run(strings.Join(tc.args, " ")+mapString(tc.env), func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cmd := newRootCmd()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SetArgs(append([]string{"sandbox"}, tc.args...))
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // were it to start, it would stop at once
			err := cmd.ExecuteContext(ctx)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("printed %q; nothing should start", out.String())
			}
		})
	}
}

// Errors about secrets name the flag but never quote the value.
func TestSandboxSecretErrorsDoNotQuote(t *testing.T) {
	const secret = "pk_SECRET"
	cmd := newRootCmd()
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{"sandbox", "--require-3ds-key", secret})
	err := cmd.Execute()
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("error = %v; want one that does not quote the key", err)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true,
		"127.1.2.3:8080": true,
		"[::1]:8080":     true,
		"0.0.0.0:8080":   false,
		"[::]:8080":      false,
		"10.0.0.5:8080":  false,
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := isLoopback(tcp); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func mapString(m map[string]string) string {
	var s []string
	for k, v := range m {
		s = append(s, k+"="+v)
	}
	return strings.Join(s, " ")
}

// TestSandboxLimitFlags: each limit flag reaches the sandbox's Config, in
// the units people write.
func TestSandboxLimitFlags(t *testing.T) {
	o := newSandboxOptions()
	f := pflag.NewFlagSet("sandbox", pflag.ContinueOnError)
	o.register(f)
	err := f.Parse([]string{"--read-header-timeout", "2s", "--read-timeout", "3s", "--write-timeout", "4s",
		"--idle-timeout", "5s", "--max-header-bytes", "8KiB", "--max-stored-bytes", "16 MiB", "--max-conns", "64"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := o.config(f.Changed, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ReadHeaderTimeout != 2*time.Second || cfg.ReadTimeout != 3*time.Second || cfg.WriteTimeout != 4*time.Second ||
		cfg.IdleTimeout != 5*time.Second || cfg.MaxHeaderBytes != 8<<10 || cfg.MaxStoredBytes != 16<<20 || cfg.MaxConns != 64 {
		t.Errorf("%+v", cfg)
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"4096": 4096, "32KiB": 32 << 10, "16 MiB": 16 << 20, "1GiB": 1 << 30, "2MB": 2 << 20, "10B": 10, "64K": 64 << 10} {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("%q: %d, %v; want %d", in, b, err, want)
		}
	}
	for _, bad := range []string{"", "KiB", "1.5MiB", "-1", "lots", "1TiB", "99999999999GiB"} {
		var b byteSize
		if err := b.Set(bad); err == nil {
			t.Errorf("%q accepted as %d", bad, b)
		}
	}
	for n, want := range map[byteSize]string{32 << 10: "32KiB", 32 << 20: "32MiB", 1 << 30: "1GiB", 1000: "1000", 0: "0"} {
		if got := n.String(); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}
