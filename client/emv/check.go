package emv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// Violation is one way a message breaks the rules.
type Violation struct {
	Step    int // 1-based, in an exchange; 0 for a lone message
	Message MessageType
	Field   string // "" for a problem of the exchange, not of one field
	Problem string
}

func (v Violation) String() string {
	s := string(v.Message)
	if v.Field != "" {
		s += "." + v.Field
	}
	if v.Step > 0 {
		s = fmt.Sprintf("step %d %s", v.Step, s)
	}
	return s + ": " + v.Problem
}

// Check reports every way m breaks Rules: a required field missing, a
// field present where its outcome forbids it, a value of the wrong type or
// format, a field the message type does not have.
func Check(m Message) []Violation {
	data, err := json.Marshal(m)
	if err != nil {
		return []Violation{{Message: m.Type(), Field: "messageType", Problem: "cannot encode: " + err.Error()}}
	}
	return CheckJSON(data)
}

// CheckJSON is Check on a message as it came over the wire.
func CheckJSON(data []byte) []Violation {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return []Violation{{Field: "messageType", Problem: "not a JSON object: " + err.Error()}}
	}
	raw, ok := obj["messageType"]
	if !ok {
		return []Violation{{Field: "messageType", Problem: "missing: required, so the message's type is unknown"}}
	}
	var t MessageType
	if err := json.Unmarshal(raw, &t); err != nil || newMessage(t) == nil {
		return []Violation{{Field: "messageType", Problem: "not one of AReq, ARes, CReq, CRes, RReq, RRes: " + snippet(raw)}}
	}
	return checkObject(t, obj)
}

func checkObject(t MessageType, obj map[string]json.RawMessage) []Violation {
	var out []Violation
	bad := func(field, format string, args ...any) {
		out = append(out, Violation{Message: t, Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	vals := scalars(obj)
	rules := RulesFor(t)
	known := make(map[string]bool, len(rules))
	for _, r := range rules {
		known[r.Field] = true
		raw, present := obj[r.Field]
		need := r.presence(vals)
		switch {
		case !present && need == Required:
			bad(r.Field, "missing: required%s", r.condition(true))
		case present && need == Absent:
			bad(r.Field, "present: not allowed%s", r.condition(false))
		case present:
			if p := r.checkValue(raw); p != "" {
				bad(r.Field, "%s", p)
			}
		}
	}
	for _, f := range slices.Sorted(maps.Keys(obj)) {
		if !known[f] {
			bad(f, "not a field of %s", t)
		}
	}
	return out
}

// condition says when a conditional rule applies, for a violation's text.
func (r Rule) condition(holds bool) string {
	if r.If.Field == "" {
		return ""
	}
	verb := "is"
	if !holds {
		verb = "is not"
	}
	return fmt.Sprintf(" when %s %s %v", r.If.Field, verb, r.If.In)
}

// checkValue says what is wrong with a present value, or "".
func (r Rule) checkValue(raw json.RawMessage) string {
	switch r.Kind {
	case KindBool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return "must be true or false, not " + snippet(raw)
		}
	case KindObject:
		var o map[string]string
		if json.Unmarshal(raw, &o) != nil {
			return "must be an object of strings, not " + snippet(raw)
		}
	default:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "must be a string, not " + snippet(raw)
		}
		if r.MaxLen > 0 && utf8.RuneCountInString(s) > r.MaxLen {
			return fmt.Sprintf("longer than %d characters", r.MaxLen)
		}
		if r.Format != nil && !r.Format.MatchString(s) {
			return fmt.Sprintf("%q does not match %s", s, r.Format)
		}
	}
	return ""
}

// scalars are a message's string and boolean values as text, which the
// rules' conditions compare.
func scalars(obj map[string]json.RawMessage) map[string]string {
	vals := make(map[string]string, len(obj))
	for k, raw := range obj {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			vals[k] = s
			continue
		}
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			vals[k] = fmt.Sprint(b)
		}
	}
	return vals
}

func snippet(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	return string(raw)
}
