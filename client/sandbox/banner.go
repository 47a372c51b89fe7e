package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/sandbox/budget"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// Banner is what a standalone sandbox prints when it starts: where
// everything is, its settings (never a secret's value), the sandbox
// cardholder and the test cards.
func (s *Sandbox) Banner() []byte {
	base := s.BaseURL()
	var b bytes.Buffer
	fmt.Fprintf(&b, "walletsim sandbox listening on %s\n", base)
	section(&b, "APIs", [][]string{
		{"issuing (seed 000)", base + "/issuing/api/v1/card/3DS"},
		{"3DS server (seed 004)", base + "/v1/3ds/{id}/authenticate"},
		{"wallet platform (seed 002)", base + "/customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications/{auth3dsId}"},
	})
	section(&b, "Sandbox extensions", extensionRows(base, s.index()))
	section(&b, "Settings", settingsRows(s.cfg))
	section(&b, "Sandbox cardholder", [][]string{
		{"cardholder id (x-cardholder-id)", testcards.CardholderID},
		{"wallet id (x-wallet-id)", testcards.WalletID},
		{"customer id (wallet platform)", testcards.CustomerID},
	})
	section(&b, "Test cards (enroll with x-card-id = CARD ID)", cardRows())
	fmt.Fprint(&b, "\nCtrl-C stops the sandbox.")
	if s.cfg.AccessLog != nil {
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
func extensionRows(base string, idx Index) [][]string {
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
	return append(rows, []string{"per-request faults", "header " + fault.Header + ": latency=300ms | status=503 | drop | timeout | webhook=duplicate|delay:30s|reorder|drop|corrupt|rotate"})
}

// requiredNames name the credentials as the APIs know them.
var requiredNames = map[string]string{
	"IssuingAPIKey": "issuing x-api-key",
	"IssuingToken":  "issuing bearer token",
	"ThreeDSKey":    "3DS server key",
	"WalletToken":   "wallet platform bearer token",
}

// settingsRows describes the configuration, naming required credentials
// without their values.
func settingsRows(cfg Config) [][]string {
	var required []string
	for _, c := range cfg.Require.fields() {
		if c.value != "" {
			required = append(required, requiredNames[c.name])
		}
	}
	creds := "any non-empty credential is accepted"
	if len(required) > 0 {
		creds = "only the configured " + strings.Join(required, ", ") + "; any non-empty otherwise"
	}
	webhook := "none (wallets can list pending authentications)"
	if cfg.WebhookURL != "" {
		webhook = client.RedactURL(cfg.WebhookURL) + " (signed with the HMAC key)"
	}
	return [][]string{
		{"credentials", creds},
		{"expiry", cfg.Expiry.String()},
		{"webhook", webhook},
		{"faults", cfg.Faults.String()},
		{"limits", fmt.Sprintf("headers %s in all (ids %d B, others %s), bodies %s, stored %s, %d connections",
			budget.Size(cfg.MaxHeaderBytes), MaxIDHeader, budget.Size(MaxHeader), budget.Size(MaxBody), budget.Size(cfg.MaxStoredBytes), cfg.MaxConns)},
		{"timeouts", fmt.Sprintf("headers %s, request %s, answer %s, idle %s", cfg.ReadHeaderTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout)},
	}
}

// cardRows is the test-card table, header first.
func cardRows() [][]string {
	rows := [][]string{{"PAN", "SCHEME", "OUTCOME", "DESCRIPTION", "CARD ID"}}
	for _, c := range testcards.All {
		rows = append(rows, []string{testcards.GroupPAN(c.PAN), string(c.Scheme), string(c.Outcome), c.Describe(), c.CardID})
	}
	return rows
}
