// Package profile reads walletsim's profiles: named targets (endpoints, ids,
// webhook listener) in a YAML file in the user's config directory, with
// secrets taken from environment variables, never from the file.
package profile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/walletsim/walletsim/flows"
)

// Path is the profiles file: $XDG_CONFIG_HOME/walletsim/config.yaml
// (~/.config/walletsim/config.yaml on Linux), or $WALLETSIM_CONFIG.
func Path() (string, error) {
	if p := os.Getenv("WALLETSIM_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "walletsim", "config.yaml"), nil
}

// Profile is one named target as the file describes it.
type Profile struct {
	Name       string `yaml:"-"`
	IssuingURL string `yaml:"issuing_url"`
	ThreeDSURL string `yaml:"threeds_url"`
	WalletURL  string `yaml:"wallet_url"`
	Extensions bool   `yaml:"sandbox_extensions"` // the endpoints are a standalone walletsim sandbox
	// Workspace is a workspace of that sandbox to use, with the secrets
	// being its credentials; without one each run makes its own.
	Workspace     string `yaml:"workspace"`
	ProductID     string `yaml:"product_id"`
	ClientID      string `yaml:"client_id"`
	CardholderID  string `yaml:"cardholder_id"`
	WalletID      string `yaml:"wallet_id"`
	CardID        string `yaml:"card_id"`
	CustomerID    string `yaml:"customer_id"`
	WebhookListen string `yaml:"webhook_listen"`
	// WebhookTolerance is how old (or how far ahead) an event's timestamp
	// may be before the listener refuses it (default 5m).
	WebhookTolerance time.Duration `yaml:"webhook_tolerance"`
	ReturnListen     string        `yaml:"return_listen"` // the merchant's return_url (default 127.0.0.1:0)
	RequestExpiry    time.Duration `yaml:"request_expiry"`
	Secrets          Secrets       `yaml:"secrets"`
}

// Secrets names the environment variables that hold each secret.
type Secrets struct {
	APIKey       string `yaml:"api_key"`
	IssuingToken string `yaml:"issuing_token"`
	ThreeDSKey   string `yaml:"threeds_key"`
	WalletToken  string `yaml:"wallet_token"`
	HMACKey      string `yaml:"hmac_key"`
}

// each lists the secrets with their labels, in display order.
func (s Secrets) each() [][2]string {
	return [][2]string{{"api_key", s.APIKey}, {"issuing_token", s.IssuingToken}, {"threeds_key", s.ThreeDSKey},
		{"wallet_token", s.WalletToken}, {"hmac_key", s.HMACKey}}
}

type file struct {
	Profiles map[string]*Profile `yaml:"profiles"`
}

// Set is the profiles of one file, plus the built-in "sandbox".
type Set struct {
	Path     string
	Profiles map[string]*Profile
}

// Load reads the profiles file; a missing file is an empty set.
func Load(path string) (*Set, error) {
	set := &Set{Path: path, Profiles: map[string]*Profile{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return set, nil
	}
	if err != nil {
		return nil, err
	}
	var f file
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var problems []string
	for name, p := range f.Profiles {
		if p == nil {
			p = &Profile{}
		}
		p.Name = name
		if name == "sandbox" {
			problems = append(problems, "profile sandbox: the name is built in; choose another")
		}
		problems = append(problems, p.check()...)
		set.Profiles[name] = p
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return set, nil
}

// check validates one profile's values, naming each bad field.
func (p *Profile) check() []string {
	var out []string
	bad := func(field, msg string) { out = append(out, fmt.Sprintf("profile %s: %s: %s", p.Name, field, msg)) }
	for _, u := range [][2]string{{"issuing_url", p.IssuingURL}, {"threeds_url", p.ThreeDSURL}, {"wallet_url", p.WalletURL}} {
		parsed, err := url.Parse(u[1])
		switch {
		case u[1] == "":
			bad(u[0], "required")
		case err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "":
			bad(u[0], "must be an http(s) URL")
		}
	}
	if p.WebhookListen != "" {
		if _, _, err := net.SplitHostPort(p.WebhookListen); err != nil {
			bad("webhook_listen", "must be host:port, such as 127.0.0.1:8787")
		}
	}
	if p.ReturnListen != "" {
		if _, _, err := net.SplitHostPort(p.ReturnListen); err != nil {
			bad("return_listen", "must be host:port, such as 127.0.0.1:8788")
		}
	}
	if p.Workspace != "" && !p.Extensions {
		bad("workspace", "needs sandbox_extensions: true (workspaces are a walletsim sandbox's)")
	}
	if strings.ContainsAny(p.Workspace, "/?# ") {
		bad("workspace", "must be a workspace id, such as ws_3f2a…")
	}
	if p.RequestExpiry < 0 {
		bad("request_expiry", "must be positive")
	}
	if p.WebhookTolerance < 0 {
		bad("webhook_tolerance", "must be positive")
	}
	for _, s := range p.Secrets.each() {
		if s[1] != "" && strings.ContainsAny(s[1], " =$") {
			bad("secrets."+s[0], "must be the name of an environment variable, not the secret itself")
		}
	}
	return out
}

// Names lists the profiles, "sandbox" first.
func (s *Set) Names() []string {
	names := []string{"sandbox"}
	var rest []string
	for n := range s.Profiles {
		rest = append(rest, n)
	}
	sort.Strings(rest)
	return append(names, rest...)
}

// Target resolves a profile into a target, reading its secrets from the
// environment. "sandbox" (or "") is the built-in embedded sandbox.
func (s *Set) Target(name string) (flows.Target, error) {
	if name == "" || name == "sandbox" {
		return flows.SandboxTarget(), nil
	}
	p, ok := s.Profiles[name]
	if !ok {
		return flows.Target{}, fmt.Errorf("no profile %q (have: %s; see `walletsim profiles`)", name, strings.Join(s.Names(), ", "))
	}
	t := flows.Target{
		Name: name, Extensions: p.Extensions, Workspace: p.Workspace,
		IssuingURL: p.IssuingURL, ThreeDSURL: p.ThreeDSURL, WalletURL: p.WalletURL,
		ProductID: p.ProductID, ClientID: p.ClientID, CardholderID: p.CardholderID, WalletID: p.WalletID,
		CardID: p.CardID, CustomerID: p.CustomerID, WebhookListen: p.WebhookListen, ReturnListen: p.ReturnListen,
		RequestExpiry: p.RequestExpiry, WebhookTolerance: p.WebhookTolerance, HMACKeyVar: p.Secrets.HMACKey,
	}
	if t.RequestExpiry == 0 {
		t.RequestExpiry = 5 * time.Minute
	}
	t.APIKey = os.Getenv(p.Secrets.APIKey)
	t.IssuingToken = os.Getenv(p.Secrets.IssuingToken)
	t.ThreeDSKey = os.Getenv(p.Secrets.ThreeDSKey)
	t.WalletToken = os.Getenv(p.Secrets.WalletToken)
	t.HMACKey = os.Getenv(p.Secrets.HMACKey)
	return t, nil
}

// SecretStatus says, for each secret of a profile, which variable holds it
// and whether it is set — never the value.
func (p *Profile) SecretStatus() []string {
	var out []string
	for _, s := range p.Secrets.each() {
		switch {
		case s[1] == "":
			out = append(out, s[0]+": not configured")
		case os.Getenv(s[1]) == "":
			out = append(out, s[0]+": $"+s[1]+" (not set)")
		default:
			out = append(out, s[0]+": $"+s[1]+" (set)")
		}
	}
	return out
}
