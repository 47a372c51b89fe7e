package scenario

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
)

// Marshal writes sc in the scenario format, as Parse reads it.
func Marshal(sc Scenario) ([]byte, error) {
	root := mapping(
		"name", scalar(sc.Name),
		"description", optional(sc.Description),
		"target", optional(sc.Target),
		"card", flowMap(
			"number", quoted(sc.Card.Number),
			"month", intOrNil(sc.Card.Month), "year", intOrNil(sc.Card.Year),
			"name", optional(sc.Card.Name),
			"cardholder_id", optional(sc.Card.CardholderID), "wallet_id", optional(sc.Card.WalletID),
			"card_id", optional(sc.Card.CardID), "customer_id", optional(sc.Card.CustomerID)),
	)
	steps := &yaml.Node{Kind: yaml.SequenceNode}
	for _, st := range sc.Steps {
		n, err := stepNode(st)
		if err != nil {
			return nil, err
		}
		steps.Content = append(steps.Content, n)
	}
	root.Content = append(root.Content, scalar("steps"), steps)
	return yaml.Marshal(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}})
}

func stepNode(st Step) (*yaml.Node, error) {
	var action *yaml.Node
	switch st.Action {
	case Enroll, Change:
		action = flowMap("otp", scalar(string(st.OTP)))
	case View, Unenroll, Result:
		action = flowMap()
	case Wait:
		action = scalar(st.Wait.String())
	case Authenticate:
		a := st.Authenticate
		action = mapping("id", optional(a.ID), "amount", scalar(strconv.FormatInt(a.Amount, 10)), "currency", optional(a.Currency),
			"description", optional(a.Description), "channel", optional(string(a.Channel)),
			"challenge_preference", optional(string(a.ChallengePreference)), "return_url", optional(a.ReturnURL),
			"customer", customerNode(a.Customer), "billing_address", addressNode(a.BillingAddress),
			"shipping_address", addressNode(a.ShippingAddress), "customer_device", deviceNode(a.CustomerDevice))
		if len(action.Content) <= 12 { // small enough for one line
			action.Style = yaml.FlowStyle
		}
	case Challenge:
		c := st.Challenge
		if c.Cancel {
			action = flowMap("cancel", scalar("true"))
		} else {
			action = flowMap("code", quoted(c.Code))
		}
	case Wallet:
		w := st.Wallet
		var omit *yaml.Node
		if w.OmitMethod {
			omit = scalar("true")
		}
		action = flowMap("decision", optional(string(w.Decision)), "reason", optional(w.Reason),
			"omit_method", omit, "auth3ds_id", optional(w.Auth3dsID))
	default:
		return nil, errors.New("cannot write a step with action " + st.Action)
	}
	var noValidate, timeout *yaml.Node
	if st.NoValidate {
		noValidate = scalar("true")
	}
	if st.Timeout != 0 {
		timeout = scalar(st.Timeout.String())
	}
	n := mapping(st.Action, action, "credentials", optional(st.Credentials), "no_validate", noValidate,
		"fault", optional(st.Fault), "timeout", timeout)
	if st.Expect != nil {
		n.Content = append(n.Content, scalar("expect"), expectNode(st.Expect))
	}
	return n, nil
}

func expectNode(e *Expect) *yaml.Node {
	var kv []any
	if e.OK != nil {
		kv = append(kv, "ok", scalar(strconv.FormatBool(*e.OK)))
	}
	if e.Status != 0 {
		kv = append(kv, "status", scalar(strconv.Itoa(e.Status)))
	}
	if e.TransportError != nil {
		kv = append(kv, "transport_error", scalar(strconv.FormatBool(*e.TransportError)))
	}
	kv = append(kv, "trans_status", optional(e.TransStatus))
	if e.ECI != nil {
		kv = append(kv, "eci", quoted(*e.ECI))
	}
	kv = append(kv, "cavv", optional(e.CAVV), "error_code", optionalQuoted(e.ErrorCode))
	if e.ErrorFields != nil {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, f := range e.ErrorFields {
			seq.Content = append(seq.Content, scalar(f))
		}
		kv = append(kv, "error_fields", seq)
	}
	if e.AttemptsLeft != nil {
		kv = append(kv, "attempts_left", scalar(strconv.Itoa(*e.AttemptsLeft)))
	}
	kv = append(kv, "message", optionalQuoted(e.Message))
	if len(e.Fields) > 0 {
		var fields []any
		for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
			fields = append(fields, k, quoted(e.Fields[k]))
		}
		kv = append(kv, "fields", flowMap(fields...))
	}
	return flowMap(kv...)
}

func customerNode(c *threeds.Customer) *yaml.Node {
	if c == nil {
		return nil
	}
	return flowMap("name", optional(c.Name), "email", optional(c.Email), "mobile", quotedOrNil(c.Mobile))
}

func addressNode(a *threeds.Address) *yaml.Node {
	if a == nil {
		return nil
	}
	return flowMap("city", optional(a.City), "country", optional(a.Country), "line_1", optional(a.Line1),
		"line_2", optional(a.Line2), "postal_code", quotedOrNil(a.PostalCode), "state", optional(a.State))
}

func deviceNode(d *threeds.Device) *yaml.Node {
	if d == nil {
		return nil
	}
	var js *yaml.Node
	if d.JavascriptEnabled != nil {
		js = scalar(strconv.FormatBool(*d.JavascriptEnabled))
	}
	return flowMap("ip_address", optional(d.IPAddress), "user_agent", quotedOrNil(d.UserAgent),
		"accept_header", quotedOrNil(d.AcceptHeader), "javascript_enabled", js, "language", optional(d.Language),
		"color_depth", quotedOrNil(d.ColorDepth), "screen_height", intOrNil(d.ScreenHeight),
		"screen_width", intOrNil(d.ScreenWidth), "timezone", quotedOrNil(d.Timezone))
}

// Node builders. A nil value leaves its key out.
func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
func quoted(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Style: yaml.DoubleQuotedStyle}
}

func optional(v string) *yaml.Node {
	if v == "" {
		return nil
	}
	return scalar(v)
}

func quotedOrNil(v string) *yaml.Node { return optionalQuoted(v) }

func optionalQuoted(v string) *yaml.Node {
	if v == "" {
		return nil
	}
	return quoted(v)
}

func intOrNil(n int) *yaml.Node {
	if n == 0 {
		return nil
	}
	return scalar(strconv.Itoa(n))
}

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		if v, _ := kv[i+1].(*yaml.Node); v != nil {
			n.Content = append(n.Content, scalar(kv[i].(string)), v)
		}
	}
	return n
}

func flowMap(kv ...any) *yaml.Node {
	n := mapping(kv...)
	n.Style = yaml.FlowStyle
	return n
}

// Recorder collects what a person does in the TUI as scenario steps, with
// what happened as their expectations, so the session can be saved and
// replayed by `walletsim run`.
type Recorder struct {
	mu     sync.Mutex
	target string
	card   Card
	steps  []Step
}

// NewRecorder records a session on target.
func NewRecorder(target string) *Recorder { return &Recorder{target: target} }

// UseCard sets the card of what follows. A scenario has one card, so a new
// card starts a new recording; it reports whether steps were dropped.
func (r *Recorder) UseCard(c Card) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.card.Number == c.Number && r.card.CardID == c.CardID {
		return false
	}
	dropped := len(r.steps) > 0
	r.card, r.steps = c, nil
	return dropped
}

// Add records a step and what came of it.
func (r *Recorder) Add(st Step, res flows.Result) {
	if res.Cancelled {
		return // the person gave up; nothing to replay
	}
	st.Expect = ExpectFrom(res, st.Action == Challenge)
	r.mu.Lock()
	r.steps = append(r.steps, st)
	r.mu.Unlock()
}

// Len is how many steps are recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.steps)
}

// Scenario is the recording so far.
func (r *Recorder) Scenario(name, description string) Scenario {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Scenario{Name: name, Description: description, Target: r.target, Card: r.card, Steps: append([]Step(nil), r.steps...)}
}

// ExpectFrom states what a result was, as expectations a replay must meet.
func ExpectFrom(r flows.Result, challenge bool) *Expect {
	if r.Skipped {
		return nil // nothing happened on this target to expect again
	}
	e := &Expect{OK: &r.OK, Status: r.HTTPStatus, TransStatus: r.TransStatus, ErrorCode: r.ErrorCode}
	var te *client.TransportError
	if errors.As(r.Err, &te) {
		yes := true
		e.TransportError = &yes
	}
	if r.TransStatus != "" && r.TransStatus != "C" && r.TransStatus != "D" {
		eci := r.ECI
		e.ECI = &eci
		e.CAVV = "absent"
		if r.CAVV != "" {
			e.CAVV = "present"
		}
	}
	for _, f := range r.FieldErrors {
		e.ErrorFields = appendNew(e.ErrorFields, f.Field)
	}
	if challenge {
		if n, err := strconv.Atoi(r.Get("attempts_left")); err == nil {
			e.AttemptsLeft = &n
		}
	}
	return e
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}
