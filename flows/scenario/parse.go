package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// Error is every problem found in one file.
type Error struct {
	File     string
	Problems []Problem
}

// Problem is one bad key or value.
type Problem struct {
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s:%d: %s: %s", e.File, p.Line, p.Field, p.Msg)
	}
	return b.String()
}

// Load reads scenario files and directories (every *.yaml and *.yml in
// them, recursively, in name order).
func Load(paths ...string) ([]Scenario, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, errors.New("no scenario files (*.yaml, *.yml) in " + strings.Join(paths, ", "))
	}
	sort.Strings(files)
	var out []Scenario
	var errs []error
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sc, err := Parse(f, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, sc)
	}
	return out, errors.Join(errs...)
}

// Parse reads one scenario.
func Parse(file string, data []byte) (Scenario, error) {
	p := &parser{err: &Error{File: file}}
	sc := Scenario{File: file, Target: "sandbox"}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 1
		if m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		p.fail(&yaml.Node{Line: line}, "(file)", "not valid YAML: "+strings.TrimPrefix(err.Error(), "yaml: "))
		return sc, p.err
	}
	if len(doc.Content) == 0 {
		p.fail(&yaml.Node{Line: 1}, "(file)", "empty scenario")
		return sc, p.err
	}
	root := doc.Content[0]
	p.mapping(root, "", map[string]func(*yaml.Node, string){
		"name":        func(n *yaml.Node, f string) { sc.Name = p.str(n, f) },
		"description": func(n *yaml.Node, f string) { sc.Description = p.str(n, f) },
		"target":      func(n *yaml.Node, f string) { sc.Target = p.str(n, f) },
		"card":        func(n *yaml.Node, f string) { sc.Card = p.card(n, f) },
		"steps":       func(n *yaml.Node, f string) { sc.Steps = p.steps(n, f) },
	})
	if sc.Name == "" && root.Kind == yaml.MappingNode {
		p.fail(root, "name", "required")
	}
	if len(sc.Steps) == 0 && root.Kind == yaml.MappingNode {
		p.fail(root, "steps", "at least one step is required")
	}
	p.checkCard(root, sc)
	if len(p.err.Problems) > 0 {
		return sc, p.err
	}
	return sc, nil
}

type parser struct{ err *Error }

func (p *parser) fail(n *yaml.Node, field, msg string) {
	p.err.Problems = append(p.err.Problems, Problem{Line: n.Line, Field: field, Msg: msg})
}

// mapping walks a mapping node, calling the handler of each key and
// refusing unknown or repeated keys.
func (p *parser) mapping(n *yaml.Node, prefix string, handlers map[string]func(*yaml.Node, string)) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, strings.TrimSuffix(prefix, "."), "must be a mapping of keys to values")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := prefix + k.Value
		h, ok := handlers[k.Value]
		switch {
		case !ok:
			p.fail(k, field, "unknown key (want one of: "+strings.Join(slices.Sorted(maps.Keys(handlers)), ", ")+")")
		case seen[k.Value]:
			p.fail(k, field, "given twice")
		default:
			seen[k.Value] = true
			h(v, field)
		}
	}
}

func (p *parser) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n, field, "must be a string")
		return ""
	}
	return n.Value
}

func (p *parser) integer(n *yaml.Node, field string) int {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
		p.fail(n, field, "must be an integer")
	}
	return v
}

func (p *parser) boolean(n *yaml.Node, field string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.fail(n, field, "must be true or false")
		return false
	}
	return n.Value == "true"
}

func (p *parser) duration(n *yaml.Node, field string) time.Duration {
	d, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || d <= 0 {
		p.fail(n, field, "must be a positive duration such as 300ms, 5s or 6m")
	}
	return d
}

// oneOf reads a string that must be one of allowed.
func oneOf[T ~string](p *parser, n *yaml.Node, field string, allowed []T) T {
	v := T(p.str(n, field))
	if n.Kind == yaml.ScalarNode && !slices.Contains(allowed, v) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		p.fail(n, field, fmt.Sprintf("%q is not one of: %s", v, strings.Join(names, ", ")))
	}
	return v
}

func (p *parser) card(n *yaml.Node, f string) Card {
	var c Card
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"number":        func(n *yaml.Node, f string) { c.Number = strings.ReplaceAll(p.str(n, f), " ", "") },
		"month":         func(n *yaml.Node, f string) { c.Month = p.integer(n, f) },
		"year":          func(n *yaml.Node, f string) { c.Year = p.integer(n, f) },
		"name":          func(n *yaml.Node, f string) { c.Name = p.str(n, f) },
		"cardholder_id": func(n *yaml.Node, f string) { c.CardholderID = p.str(n, f) },
		"wallet_id":     func(n *yaml.Node, f string) { c.WalletID = p.str(n, f) },
		"card_id":       func(n *yaml.Node, f string) { c.CardID = p.str(n, f) },
		"customer_id":   func(n *yaml.Node, f string) { c.CustomerID = p.str(n, f) },
	})
	return c
}

// checkCard: steps that need a card need one.
func (p *parser) checkCard(root *yaml.Node, sc Scenario) {
	for _, st := range sc.Steps {
		if st.Action == Authenticate && sc.Card.Number == "" {
			p.fail(root, "card.number", "required: step at line "+strconv.Itoa(st.Line)+" authenticates a card")
			return
		}
	}
}

func (p *parser) steps(n *yaml.Node, f string) []Step {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, f, "must be a list of steps")
		return nil
	}
	var out []Step
	for i, item := range n.Content {
		out = append(out, p.step(item, fmt.Sprintf("%s[%d]", f, i)))
	}
	return out
}

// step reads one step: exactly one action key, plus expect and the knobs.
func (p *parser) step(n *yaml.Node, f string) Step {
	st := Step{Line: n.Line}
	action := func(name string, read func(*yaml.Node, string)) func(*yaml.Node, string) {
		return func(v *yaml.Node, field string) {
			if st.Action != "" {
				p.fail(v, field, "a step has one action; this one already has "+st.Action)
				return
			}
			st.Action = name
			read(v, field)
		}
	}
	otp := func(v *yaml.Node, field string) {
		p.mapping(v, field+".", map[string]func(*yaml.Node, string){
			"otp": func(n *yaml.Node, f string) { st.OTP = oneOf(p, n, f, issuing.OTPMethods) },
		})
		if st.OTP == "" && v.Kind == yaml.MappingNode {
			p.fail(v, field+".otp", "required (EMAIL or SMS)")
		}
	}
	empty := func(v *yaml.Node, field string) { p.mapping(v, field+".", nil) }
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		Enroll:       action(Enroll, otp),
		View:         action(View, empty),
		Change:       action(Change, otp),
		Unenroll:     action(Unenroll, empty),
		Authenticate: action(Authenticate, func(v *yaml.Node, field string) { st.Authenticate = p.auth(v, field) }),
		Challenge:    action(Challenge, func(v *yaml.Node, field string) { st.Challenge = p.challenge(v, field) }),
		Wallet:       action(Wallet, func(v *yaml.Node, field string) { st.Wallet = p.wallet(v, field) }),
		Wait:         action(Wait, func(v *yaml.Node, field string) { st.Wait = p.duration(v, field) }),
		Result:       action(Result, empty),
		"expect":     func(v *yaml.Node, field string) { st.Expect = p.expect(v, field) },
		"credentials": func(v *yaml.Node, field string) {
			st.Credentials = oneOf(p, v, field, []string{"none", "publishable"})
		},
		"no_validate": func(v *yaml.Node, field string) { st.NoValidate = p.boolean(v, field) },
		"fault": func(v *yaml.Node, field string) {
			st.Fault = p.str(v, field)
			if _, err := sandbox.ParseFaults(st.Fault); err != nil {
				p.fail(v, field, err.Error())
			}
		},
		"timeout": func(v *yaml.Node, field string) { st.Timeout = p.duration(v, field) },
	})
	if st.Action == "" && n.Kind == yaml.MappingNode {
		p.fail(n, f, "no action: want one of "+strings.Join(Actions, ", "))
	}
	return st
}

func (p *parser) auth(n *yaml.Node, f string) *AuthInput {
	a := &AuthInput{Amount: 100, Currency: "SAR", Channel: threeds.Browser, ChallengePreference: threeds.NoPreference}
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"id":          func(n *yaml.Node, f string) { a.ID = p.str(n, f) },
		"amount":      func(n *yaml.Node, f string) { a.Amount = int64(p.integer(n, f)) },
		"currency":    func(n *yaml.Node, f string) { a.Currency = p.str(n, f) },
		"description": func(n *yaml.Node, f string) { a.Description = p.str(n, f) },
		"channel":     func(n *yaml.Node, f string) { a.Channel = oneOf(p, n, f, threeds.Channels) },
		"challenge_preference": func(n *yaml.Node, f string) {
			a.ChallengePreference = oneOf(p, n, f, threeds.ChallengePreferences)
		},
		"return_url":       func(n *yaml.Node, f string) { a.ReturnURL = p.str(n, f) },
		"customer":         func(n *yaml.Node, f string) { a.Customer = p.customer(n, f) },
		"billing_address":  func(n *yaml.Node, f string) { a.BillingAddress = p.address(n, f) },
		"shipping_address": func(n *yaml.Node, f string) { a.ShippingAddress = p.address(n, f) },
		"customer_device":  func(n *yaml.Node, f string) { a.CustomerDevice = p.device(n, f) },
	})
	return a
}

func (p *parser) customer(n *yaml.Node, f string) *threeds.Customer {
	c := &threeds.Customer{}
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"name":   func(n *yaml.Node, f string) { c.Name = p.str(n, f) },
		"email":  func(n *yaml.Node, f string) { c.Email = p.str(n, f) },
		"mobile": func(n *yaml.Node, f string) { c.Mobile = p.str(n, f) },
	})
	return c
}

func (p *parser) address(n *yaml.Node, f string) *threeds.Address {
	a := &threeds.Address{}
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"city":        func(n *yaml.Node, f string) { a.City = p.str(n, f) },
		"country":     func(n *yaml.Node, f string) { a.Country = p.str(n, f) },
		"line_1":      func(n *yaml.Node, f string) { a.Line1 = p.str(n, f) },
		"line_2":      func(n *yaml.Node, f string) { a.Line2 = p.str(n, f) },
		"postal_code": func(n *yaml.Node, f string) { a.PostalCode = p.str(n, f) },
		"state":       func(n *yaml.Node, f string) { a.State = p.str(n, f) },
	})
	return a
}

func (p *parser) device(n *yaml.Node, f string) *threeds.Device {
	d := &threeds.Device{}
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"ip_address":    func(n *yaml.Node, f string) { d.IPAddress = p.str(n, f) },
		"user_agent":    func(n *yaml.Node, f string) { d.UserAgent = p.str(n, f) },
		"accept_header": func(n *yaml.Node, f string) { d.AcceptHeader = p.str(n, f) },
		"javascript_enabled": func(n *yaml.Node, f string) {
			b := p.boolean(n, f)
			d.JavascriptEnabled = &b
		},
		"language":      func(n *yaml.Node, f string) { d.Language = p.str(n, f) },
		"color_depth":   func(n *yaml.Node, f string) { d.ColorDepth = p.str(n, f) },
		"screen_height": func(n *yaml.Node, f string) { d.ScreenHeight = p.integer(n, f) },
		"screen_width":  func(n *yaml.Node, f string) { d.ScreenWidth = p.integer(n, f) },
		"timezone":      func(n *yaml.Node, f string) { d.Timezone = p.str(n, f) },
	})
	return d
}

var digits = regexp.MustCompile(`^[0-9]{1,12}$`)

func (p *parser) challenge(n *yaml.Node, f string) *ChallengeInput {
	c := &ChallengeInput{}
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"code": func(n *yaml.Node, f string) {
			c.Code = p.str(n, f)
			if n.Kind == yaml.ScalarNode && c.Code != CodeInbox && c.Code != CodeWrong && c.Code != CodeBrowser && !digits.MatchString(c.Code) {
				p.fail(n, f, `must be "inbox", "wrong", "browser" or the digits to type`)
			}
		},
		"cancel": func(n *yaml.Node, f string) { c.Cancel = p.boolean(n, f) },
	})
	if (c.Code == "") == !c.Cancel && n.Kind == yaml.MappingNode {
		p.fail(n, f, "give either code or cancel: true")
	}
	return c
}

func (p *parser) wallet(n *yaml.Node, f string) *WalletInput {
	w := &WalletInput{}
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"decision": func(n *yaml.Node, f string) { w.Decision = oneOf(p, n, f, wallet.Statuses) },
		"reason": func(n *yaml.Node, f string) {
			w.Reason = p.str(n, f)
			if len([]rune(w.Reason)) > wallet.MaxStatusReason {
				p.fail(n, f, fmt.Sprintf("at most %d characters (seed 002's limit)", wallet.MaxStatusReason))
			}
		},
		"omit_method": func(n *yaml.Node, f string) { w.OmitMethod = p.boolean(n, f) },
		"auth3ds_id":  func(n *yaml.Node, f string) { w.Auth3dsID = p.str(n, f) },
	})
	return w
}

var (
	transStatuses = []string{"Y", "A", "C", "D", "N", "R", "U", "I"}
	eciRE         = regexp.MustCompile(`^[0-9]{2}$`)
)

func (p *parser) expect(n *yaml.Node, f string) *Expect {
	e := &Expect{Line: n.Line}
	p.mapping(n, f+".", map[string]func(*yaml.Node, string){
		"ok": func(n *yaml.Node, f string) {
			b := p.boolean(n, f)
			e.OK = &b
		},
		"status": func(n *yaml.Node, f string) {
			if e.Status = p.integer(n, f); e.Status < 100 || e.Status > 599 {
				p.fail(n, f, "must be an HTTP status (100–599)")
			}
		},
		"trans_status": func(n *yaml.Node, f string) { e.TransStatus = oneOf(p, n, f, transStatuses) },
		"eci": func(n *yaml.Node, f string) {
			v := p.str(n, f)
			if v != "" && !eciRE.MatchString(v) {
				p.fail(n, f, `must be two digits, such as "05" (quote it), or "" for none`)
			}
			e.ECI = &v
		},
		"cavv": func(n *yaml.Node, f string) {
			if e.CAVV = p.str(n, f); e.CAVV != "present" && e.CAVV != "absent" && len(e.CAVV) != 28 {
				p.fail(n, f, `must be "present", "absent" or a 28-character value`)
			}
		},
		"message":    func(n *yaml.Node, f string) { e.Message = p.str(n, f) },
		"error_code": func(n *yaml.Node, f string) { e.ErrorCode = p.str(n, f) },
		"error_fields": func(n *yaml.Node, f string) {
			if n.Kind != yaml.SequenceNode {
				p.fail(n, f, "must be a list of field names")
				return
			}
			e.ErrorFields = []string{}
			for i, item := range n.Content {
				e.ErrorFields = append(e.ErrorFields, p.str(item, fmt.Sprintf("%s[%d]", f, i)))
			}
		},
		"attempts_left": func(n *yaml.Node, f string) {
			v := p.integer(n, f)
			e.AttemptsLeft = &v
		},
		"transport_error": func(n *yaml.Node, f string) {
			b := p.boolean(n, f)
			e.TransportError = &b
		},
		"fields": func(n *yaml.Node, f string) {
			e.Fields = map[string]string{}
			p.mapping(n, f+".", anyKey(func(k string, v *yaml.Node, field string) { e.Fields[k] = p.str(v, field) }, n))
		},
	})
	return e
}

// anyKey accepts every key of n.
func anyKey(read func(string, *yaml.Node, string), n *yaml.Node) map[string]func(*yaml.Node, string) {
	h := map[string]func(*yaml.Node, string){}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		h[k] = func(v *yaml.Node, f string) { read(k, v, f) }
	}
	return h
}
