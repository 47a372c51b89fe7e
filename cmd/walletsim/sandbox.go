package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

const (
	defaultListen   = "127.0.0.1:8080"
	defaultHMACKey  = "sandbox-hmac-key"
	hmacKeyEnv      = "WALLETSIM_HMAC_KEY"
	shutdownTimeout = 5 * time.Second
)

// requireFlag is a credential the sandbox can be told to require. Each is
// also read from an environment variable so that secrets need not appear on
// the command line (and so in ps or shell history).
type requireFlag struct {
	name, env, usage string
	field            func(*sandbox.Credentials) *string
	check            func(string) error // constraints beyond checkSecret's
}

var requireFlags = []requireFlag{
	{"require-api-key", "WALLETSIM_REQUIRE_API_KEY", "accept only this issuing x-api-key",
		func(c *sandbox.Credentials) *string { return &c.IssuingAPIKey }, nil},
	{"require-issuing-token", "WALLETSIM_REQUIRE_ISSUING_TOKEN", "accept only this issuing bearer token (and require one)",
		func(c *sandbox.Credentials) *string { return &c.IssuingToken }, nil},
	{"require-3ds-key", "WALLETSIM_REQUIRE_3DS_KEY", "accept only this 3DS server key (HTTP Basic user name)",
		func(c *sandbox.Credentials) *string { return &c.ThreeDSKey }, check3DSKey},
	{"require-wallet-token", "WALLETSIM_REQUIRE_WALLET_TOKEN", "accept only this wallet platform bearer token",
		func(c *sandbox.Credentials) *string { return &c.WalletToken }, nil},
}

// sandboxOptions are the sandbox subcommand's flags as given.
type sandboxOptions struct {
	listen     string
	expiry     time.Duration
	webhookURL string
	hmacKey    string
	require    []string // parallel to requireFlags
	faults     string
	merchant   string
	publicURL  string
	quiet      bool
}

func newSandboxCmd() *cobra.Command {
	o := &sandboxOptions{require: make([]string, len(requireFlags))}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the embedded sandbox standalone, for curl or Postman",
		Long: `sandbox serves the embedded simulator of the issuer, the 3DS server and the
wallet platform on a port, so that curl, Postman or your own client can call
it. It prints the base URLs, the test cards and one line per request, and
stops on Ctrl-C.

Any non-empty credential is accepted unless a --require-* flag (or its
environment variable) names the one to accept. Secrets are never printed.`,
		Example: `  walletsim sandbox
  walletsim sandbox --listen 127.0.0.1:9000 --faults latency=200ms,status=503,rate=0.2
  WALLETSIM_REQUIRE_API_KEY=s3cret walletsim sandbox --quiet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := o.config(cmd.Flags().Changed, os.Getenv)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// Once shutdown begins, restore the default handling so that a
			// second Ctrl-C kills a shutdown that hangs.
			context.AfterFunc(ctx, stop)
			return runSandbox(ctx, o, cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", defaultListen, "address to listen on, host:port (port 0 picks a free one)")
	f.DurationVar(&o.expiry, "expiry", 5*time.Minute, "how long a challenge or decoupled authentication waits for the cardholder")
	f.StringVar(&o.webhookURL, "webhook-url", "", "http(s) URL that receives the wallet platform's signed ThreeDSecureEvents")
	// The defaults of secrets stay empty so that --help cannot show them.
	f.StringVar(&o.hmacKey, "hmac-key", "", "key that signs webhook events (default $"+hmacKeyEnv+", else \""+defaultHMACKey+"\")")
	for i, r := range requireFlags {
		f.StringVar(&o.require[i], r.name, "", r.usage+" (default $"+r.env+")")
	}
	f.StringVar(&o.faults, "faults", "", "faults on every API request, e.g. latency=200ms,status=503,rate=0.2 (also drop, timeout)")
	f.StringVar(&o.merchant, "merchant-name", "", "merchant name on challenge pages, webhooks and inbox messages (default \"walletsim demo shop\")")
	f.StringVar(&o.publicURL, "public-url", "", "the URL other machines reach the sandbox at, used in challenge_url (default: the listen address)")
	f.BoolVar(&o.quiet, "quiet", false, "do not log one line per request")
	return cmd
}

// config validates the options into a sandbox.Config. changed reports
// whether a flag was given; getenv reads the environment.
func (o *sandboxOptions) config(changed func(string) bool, getenv func(string) string) (sandbox.Config, error) {
	cfg := sandbox.Config{Expiry: o.expiry, WebhookURL: o.webhookURL}
	if err := checkListen(o.listen); err != nil {
		return cfg, fmt.Errorf("invalid --listen %q: %w", o.listen, err)
	}
	if o.expiry <= 0 {
		return cfg, fmt.Errorf("invalid --expiry %s: must be positive", o.expiry)
	}
	if err := checkWebhookURL(o.webhookURL); err != nil {
		return cfg, fmt.Errorf("invalid --webhook-url %q: %w", o.webhookURL, err)
	}
	if err := checkWebhookURL(o.publicURL); err != nil {
		return cfg, fmt.Errorf("invalid --public-url %q: %w", o.publicURL, err)
	}
	var err error
	if cfg.Faults, err = fault.Parse(o.faults); err != nil {
		return cfg, fmt.Errorf("invalid --faults %q: %w", o.faults, err)
	}
	if cfg.MerchantName, err = checkMerchant(o.merchant, changed("merchant-name")); err != nil {
		return cfg, fmt.Errorf("invalid --merchant-name %q: %w", o.merchant, err)
	}
	key, err := o.hmac(changed("hmac-key"), getenv)
	if err != nil {
		return cfg, err
	}
	cfg.HMACKey = []byte(key)
	cfg.Require, err = o.credentials(changed, getenv)
	return cfg, err
}

// checkListen accepts host:port with a numeric port; the host is left to
// net.Listen, which reports unknown names.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want host:port, e.g. " + defaultListen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("port must be a number from 0 to 65535")
	}
	return nil
}

// checkWebhookURL accepts "" (no webhook) or an absolute http(s) URL.
func checkWebhookURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an http or https URL")
	case u.Host == "":
		return errors.New("has no host")
	}
	return nil
}

// checkMerchant returns the merchant name; "" leaves the sandbox's default.
func checkMerchant(name string, given bool) (string, error) {
	switch {
	case given && strings.TrimSpace(name) == "":
		return "", errors.New("must not be empty")
	case utf8.RuneCountInString(name) > 100:
		return "", errors.New("must be at most 100 characters")
	case strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return "", errors.New("must not contain control characters")
	}
	return name, nil
}

// hmac is the webhook signing key: the flag, else the environment, else the
// default. Errors never quote the key.
func (o *sandboxOptions) hmac(given bool, getenv func(string) string) (string, error) {
	if given {
		if o.hmacKey == "" {
			return "", errors.New("invalid --hmac-key: must not be empty")
		}
		return o.hmacKey, nil
	}
	if k := getenv(hmacKeyEnv); k != "" {
		return k, nil
	}
	return defaultHMACKey, nil
}

// credentials reads each --require-* flag, falling back to its environment
// variable. An empty value requires nothing. Errors never quote the value.
func (o *sandboxOptions) credentials(changed func(string) bool, getenv func(string) string) (sandbox.Credentials, error) {
	var c sandbox.Credentials
	for i, r := range requireFlags {
		v, source := o.require[i], "--"+r.name
		if !changed(r.name) {
			v, source = getenv(r.env), r.env+" (for --"+r.name+")"
		}
		if v == "" {
			continue
		}
		err := checkSecret(v)
		if err == nil && r.check != nil {
			err = r.check(v)
		}
		if err != nil {
			return c, fmt.Errorf("invalid %s: %w", source, err)
		}
		*r.field(&c) = v
	}
	return c, nil
}

// checkSecret accepts what can travel in a header and survive the server's
// trimming of header values: printable ASCII, no surrounding spaces.
func checkSecret(v string) error {
	if strings.TrimSpace(v) != v {
		return errors.New("must not start or end with spaces")
	}
	if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r > '~' }) {
		return errors.New("must be printable ASCII")
	}
	return nil
}

// check3DSKey refuses keys the sandbox could never accept: it refuses
// publishable "pk_" keys, and a Basic user name ends at the first colon.
func check3DSKey(v string) error {
	if strings.HasPrefix(v, "pk_") {
		return errors.New(`must not be a publishable "pk_" key (the 3DS server refuses those)`)
	}
	if strings.Contains(v, ":") {
		return errors.New("must not contain a colon (it is an HTTP Basic user name)")
	}
	return nil
}

// runSandbox serves until ctx ends, then shuts down gracefully.
func runSandbox(ctx context.Context, o *sandboxOptions, cfg sandbox.Config, stdout, stderr io.Writer) error {
	listen := o.listen
	// The access log is written from the server's goroutines, the banner
	// and the stop line from this one.
	out := &syncWriter{w: stdout}
	if !o.quiet {
		cfg.AccessLog = out
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil)) // webhook failures
	srv, err := sandbox.Start(listen, cfg)
	if err != nil {
		return fmt.Errorf("cannot listen on --listen %s: %w", listen, err)
	}
	if o.publicURL != "" {
		srv.SetBaseURL(o.publicURL)
	}
	if !isLoopback(srv.Addr()) {
		fmt.Fprintf(stderr, "walletsim: warning: the sandbox listens on %s, beyond this machine, and accepts any credentials unless --require-* flags are set; give --public-url so that challenge pages point where other machines reach it\n", srv.Addr())
	}
	// One write, so no request's log line lands inside the banner.
	out.Write(banner(srv.BaseURL(), srv.Index(), cfg))

	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	fmt.Fprintln(out, "sandbox stopped")
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// isLoopback reports whether a listener only takes connections from this
// machine.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// banner is what the sandbox prints on start: where everything is, the
// settings (never a secret's value), the sandbox cardholder and test cards.
func banner(base string, idx sandbox.Index, cfg sandbox.Config) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "walletsim sandbox listening on %s\n", base)
	section(&b, "APIs", [][]string{
		{"issuing (seed 000)", base + "/issuing/api/v1/card/3DS"},
		{"3DS server (seed 004)", base + "/v1/3ds/{id}/authenticate"},
		{"wallet platform (seed 002)", base + "/customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications/{auth3dsId}"},
	})
	section(&b, "Sandbox extensions", extensionRows(base, idx))
	section(&b, "Settings", settingsRows(cfg))
	section(&b, "Sandbox cardholder", [][]string{
		{"cardholder id (x-cardholder-id)", testcards.CardholderID},
		{"wallet id (x-wallet-id)", testcards.WalletID},
		{"customer id (wallet platform)", testcards.CustomerID},
	})
	section(&b, "Test cards (enroll with x-card-id = CARD ID)", cardRows())
	fmt.Fprint(&b, "\nCtrl-C stops the sandbox.")
	if cfg.AccessLog != nil {
		fmt.Fprint(&b, " Requests:")
	}
	fmt.Fprintln(&b)
	return b.Bytes()
}

// section prints a titled, column-aligned table.
func section(w io.Writer, title string, rows [][]string) {
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "  %s\n", strings.Join(r, "\t"))
	}
	tw.Flush()
}

// extensionRows lists the sandbox's extensions as its index (GET /) does,
// with each path made a full URL.
func extensionRows(base string, idx sandbox.Index) [][]string {
	var rows [][]string
	for name, routes := range idx.Endpoints {
		name, ok := strings.CutPrefix(name, "extension: ")
		if !ok {
			continue // one of the three APIs, listed above
		}
		var full []string
		for route := range strings.SplitSeq(routes, ", ") {
			method, path, _ := strings.Cut(route, " ")
			full = append(full, method+" "+base+path)
		}
		rows = append(rows, []string{name, strings.Join(full, ", ")})
	}
	slices.SortFunc(rows, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return append(rows, []string{"per-request faults", "header " + fault.Header + ": latency=300ms | status=503 | drop | timeout"})
}

// settingsRows describes the configuration, naming required credentials
// without their values.
func settingsRows(cfg sandbox.Config) [][]string {
	var required []string
	for _, r := range requireFlags {
		if *r.field(&cfg.Require) != "" {
			required = append(required, "--"+r.name)
		}
	}
	creds := "any non-empty credential is accepted"
	if len(required) > 0 {
		creds = "only the configured ones for " + strings.Join(required, ", ") + "; any non-empty otherwise"
	}
	webhook := "none (wallets can list pending authentications)"
	if u, err := url.Parse(cfg.WebhookURL); err == nil && cfg.WebhookURL != "" {
		webhook = u.Redacted() + " (signed with the HMAC key)"
	}
	return [][]string{
		{"credentials", creds},
		{"expiry", cfg.Expiry.String()},
		{"webhook", webhook},
		{"faults", cfg.Faults.String()},
	}
}

// cardRows is the test-card table, header first.
func cardRows() [][]string {
	rows := [][]string{{"PAN", "SCHEME", "OUTCOME", "DESCRIPTION", "CARD ID"}}
	for _, c := range testcards.All {
		rows = append(rows, []string{groupPAN(c.PAN), string(c.Scheme), string(c.Outcome), c.Outcome.Describe(), c.CardID})
	}
	return rows
}

// groupPAN writes a PAN in groups of four digits.
func groupPAN(pan string) string {
	var b strings.Builder
	for i, r := range pan {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
