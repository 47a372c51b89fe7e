package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/fault"
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
	field            string // sandbox.Credentials' field, as a ConfigError names it
	set              func(*sandbox.Credentials, string)
}

var requireFlags = []requireFlag{
	{"require-api-key", "WALLETSIM_REQUIRE_API_KEY", "accept only this issuing x-api-key",
		"IssuingAPIKey", func(c *sandbox.Credentials, v string) { c.IssuingAPIKey = v }},
	{"require-issuing-token", "WALLETSIM_REQUIRE_ISSUING_TOKEN", "accept only this issuing bearer token (and require one)",
		"IssuingToken", func(c *sandbox.Credentials, v string) { c.IssuingToken = v }},
	{"require-3ds-key", "WALLETSIM_REQUIRE_3DS_KEY", "accept only this 3DS server key (HTTP Basic user name)",
		"ThreeDSKey", func(c *sandbox.Credentials, v string) { c.ThreeDSKey = v }},
	{"require-wallet-token", "WALLETSIM_REQUIRE_WALLET_TOKEN", "accept only this wallet platform bearer token",
		"WalletToken", func(c *sandbox.Credentials, v string) { c.WalletToken = v }},
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
	limits     limitOptions
	store      string
	storeSpec  storeSpec // parsed from store by config
}

func newSandboxOptions() *sandboxOptions {
	return &sandboxOptions{require: make([]string, len(requireFlags))}
}

func newSandboxCmd() *cobra.Command {
	o := newSandboxOptions()
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
  WALLETSIM_REQUIRE_API_KEY=s3cret walletsim sandbox --quiet
  walletsim sandbox --store sqlite:walletsim.db
  walletsim sandbox --store postgres://walletsim:PASSWORD@db.internal:5432/walletsim`,
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
	o.register(cmd.Flags())
	return cmd
}

// register defines the flags in f.
func (o *sandboxOptions) register(f *pflag.FlagSet) {
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
	o.limits.register(f)
	f.StringVar(&o.store, "store", "memory", storeUsage)
}

// config turns the flags (and their environment variables) into a
// sandbox.Config and has the sandbox validate it; each error names the flag
// or variable it came from. changed reports whether a flag was given;
// getenv reads the environment.
func (o *sandboxOptions) config(changed func(string) bool, getenv func(string) string) (sandbox.Config, error) {
	cfg := sandbox.Config{Expiry: o.expiry, WebhookURL: o.webhookURL, PublicURL: o.publicURL, MerchantName: o.merchant}
	if err := checkListen(o.listen); err != nil {
		return cfg, fmt.Errorf("invalid --listen %q: %w", o.listen, err)
	}
	// In a Config zero means the default; on the command line it is a
	// value nobody means.
	if o.expiry == 0 {
		return cfg, errors.New("invalid --expiry 0s: must be positive")
	}
	for name, v := range map[string]string{"merchant-name": o.merchant, "hmac-key": o.hmacKey} {
		if changed(name) && v == "" {
			return cfg, fmt.Errorf("invalid --%s: must not be empty", name)
		}
	}
	if err := o.limits.apply(&cfg); err != nil {
		return cfg, err
	}
	var err error
	if o.storeSpec, err = parseStore(o.store); err != nil {
		return cfg, err
	}
	if cfg.Faults, err = fault.Parse(o.faults); err != nil {
		return cfg, fmt.Errorf("invalid --faults %q: %w", o.faults, err)
	}
	cfg.HMACKey = []byte(firstSet(o.hmacKey, getenv(hmacKeyEnv), defaultHMACKey))
	sources := map[string]string{}
	for i, r := range requireFlags {
		v, source := o.require[i], "--"+r.name
		if !changed(r.name) {
			v, source = getenv(r.env), r.env+" (for --"+r.name+")"
		}
		r.set(&cfg.Require, v)
		sources["Require."+r.field] = source
	}
	return cfg, o.flagErrors(cfg.Validate(), sources)
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// flagErrors names, in each of the sandbox's *ConfigErrors, the flag or
// environment variable the field came from. Values are quoted only for
// fields that hold no secret.
func (o *sandboxOptions) flagErrors(err error, sources map[string]string) error {
	if err == nil {
		return nil
	}
	flags := map[string]struct{ flag, value string }{
		"Expiry":       {"--expiry", o.expiry.String()},
		"WebhookURL":   {"--webhook-url", client.RedactURL(o.webhookURL)},
		"PublicURL":    {"--public-url", client.RedactURL(o.publicURL)},
		"MerchantName": {"--merchant-name", o.merchant},
		"HMACKey":      {"--hmac-key", ""},
	}
	for _, lf := range o.limits.flags() {
		_, shown := lf.value()
		flags[lf.field] = struct{ flag, value string }{"--" + lf.name, shown}
	}
	var msgs []string
	for _, e := range unjoin(err) {
		var ce *sandbox.ConfigError
		if !errors.As(e, &ce) {
			msgs = append(msgs, e.Error())
			continue
		}
		switch f, ok := flags[ce.Field]; {
		case ok && f.value != "":
			msgs = append(msgs, fmt.Sprintf("invalid %s %q: %v", f.flag, f.value, ce.Err))
		case ok:
			msgs = append(msgs, fmt.Sprintf("invalid %s: %v", f.flag, ce.Err))
		default:
			msgs = append(msgs, fmt.Sprintf("invalid %s: %v", sources[ce.Field], ce.Err))
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// unjoin lists the errors errors.Join joined.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
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

// sandboxGCPercent is the standalone sandbox's GOGC. What the sandbox keeps
// is bounded by its limits (about 6 MB of live heap at most, gctrace), and
// most of what it allocates is each request's garbage; at the default of
// 100 the heap and the memory not yet returned to the system reached 21 MB
// under load with distinct data in every request, 30.5 MiB of RSS even
// with the binary's start-up pages trimmed (trimStartupPages). At 50 the
// peak was 26.7 MiB, for GC work that was 3 % of the CPU at 100. A GOGC in
// the environment wins.
const sandboxGCPercent = 50

// sandboxGCFloor is the heap the standalone sandbox may reach before a
// collection when its live heap is small (gcfloor.go): GOGC=50 alone made
// that 2 MB, and issuing reads, which keep nothing, paid for a collection
// every 2 MB of their garbage. GOGC=50 lets the heap reach 6 MB from a
// live heap of 4 MB, so the peak under the loads above, set by the largest
// live heap, stays where it was.
const sandboxGCFloor = 6 << 20

// runSandbox serves until ctx ends, then shuts down gracefully.
func runSandbox(ctx context.Context, o *sandboxOptions, cfg sandbox.Config, stdout, stderr io.Writer) error {
	if os.Getenv("GOGC") == "" {
		defer startGCFloor(sandboxGCPercent, sandboxGCFloor)()
	}
	// The access log is written from the server's goroutines, the banner
	// and the stop line from this one.
	out := &syncWriter{w: stdout}
	if !o.quiet {
		cfg.AccessLog = out
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil)) // webhook failures
	st, closer, err := o.storeSpec.open(ctx, cfg.StoreLimits())
	if err != nil {
		return err
	}
	if closer != nil {
		defer closer.Close() // after the server's shutdown below: its last writes go in
		cfg.Store = st
	}
	srv, err := sandbox.Start(o.listen, cfg)
	if err != nil {
		return fmt.Errorf("cannot listen on --listen %s: %w", o.listen, err)
	}

	if !isLoopback(srv.Addr()) {
		fmt.Fprintf(stderr, "walletsim: warning: the sandbox listens on %s, beyond this machine, and accepts any credentials unless --require-* flags are set; give --public-url so that challenge pages point where other machines reach it\n", srv.Addr())
	}
	// One write, so no request's log line lands inside the banner.
	// The store goes under the first line, which says where it listens.
	first, rest, _ := bytes.Cut(srv.Banner(), []byte("\n"))
	out.Write(fmt.Appendf(nil, "%s\nstore: %s\n%s", first, o.storeSpec, rest))
	trimStartupPages() // start-up is over: a long-running server need not hold its pages

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
