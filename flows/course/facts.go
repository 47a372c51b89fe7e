package course

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/walletsim/walletsim/client/emv"
)

// Any is the expected value that accepts any non-empty value.
const Any = "any"

// fact is one thing a check can ask of a purchase or an enrollment.
type fact[T any] struct {
	label   string   // how a check names it to the learner
	values  []string // the values a lesson may expect; nil: any text
	numeric bool     // compared as "at least"
	exact   bool     // answers compared case-sensitively (a CAVV)
	list    bool     // get gives a list of words: met when want is one
	get     func(T) string
}

// purchaseFacts are the keys of an exercise's purchase: conditions.
var purchaseFacts = map[string]fact[Purchase]{
	"channel":    {label: "channel", values: []string{"browser", "decoupled"}, get: func(p Purchase) string { return p.Channel }},
	"scheme":     {label: "scheme", values: []string{"visa", "mastercard", "mada", "amex"}, get: func(p Purchase) string { return p.Scheme }},
	"preference": {label: "challenge_preference", values: []string{"no_preference", "no_challenge", "preferred", "mandated"}, get: func(p Purchase) string { return p.Preference }},
	"ares":       {label: "the ACS's first answer (ARes transStatus)", values: codes("transStatus"), get: func(p Purchase) string { return p.AResStatus }},
	"mandated":   {label: "acsChallengeMandated", values: []string{"Y", "N"}, get: func(p Purchase) string { return p.Mandated }},
	"status":     {label: "final transStatus", values: []string{"Y", "A", "N", "U", "R"}, get: func(p Purchase) string { return p.Status }},
	"reason":     {label: "transStatusReason", values: codes("transStatusReason"), get: func(p Purchase) string { return p.Reason }},
	"eci":        {label: "ECI", values: codes("eci"), get: func(p Purchase) string { return p.ECI }},
	"cavv":       {label: "CAVV", exact: true, get: func(p Purchase) string { return p.CAVV }},
	"cancel":     {label: "challengeCancel", values: codes("challengeCancel"), get: func(p Purchase) string { return p.Cancel }},
	"wallet":     {label: "the wallet's answer", values: []string{"VERIFIED", "REJECTED", "FAILED"}, get: func(p Purchase) string { return p.Wallet }},
	"otp":        {label: "where the one-time code went", values: []string{"SMS", "EMAIL"}, get: func(p Purchase) string { return p.OTP }},
	"wrong_codes": {label: "wrong codes typed", numeric: true,
		get: func(p Purchase) string { return strconv.Itoa(p.WrongCodes) }},
	"interactions": {label: "interactionCounter", numeric: true,
		get: func(p Purchase) string { return strconv.Itoa(p.Interactions) }},
}

// enrollmentFacts are the keys of an exercise's enrollment: conditions.
var enrollmentFacts = map[string]fact[Enrollment]{
	"action": {label: "enrollment change", values: []string{Enrolled, Updated, Unenrolled, Viewed}, get: func(e Enrollment) string { return e.Action }},
	"method": {label: "one-time code method", values: []string{"SMS", "EMAIL"}, get: func(e Enrollment) string { return e.Method }},
	"card":   {label: "card (last four digits)", get: func(e Enrollment) string { return e.CardLastFour }},
}

func codes(field string) []string {
	var out []string
	for _, c := range emv.Codes(field) {
		out = append(out, c.Value)
	}
	return out
}

// messageFact is a field of one of a purchase's EMV messages, named
// "<messageType>.<field>" ("RReq.authenticationValue"): the first message
// of that type. The key must name a field that type has.
func messageFact(key string) (fact[Purchase], bool) {
	typ, field, ok := strings.Cut(key, ".")
	if !ok || !slices.Contains(emv.MessageTypes, emv.MessageType(typ)) || !slices.Contains(emv.Fields(emv.MessageType(typ)), field) {
		return fact[Purchase]{}, false
	}
	return fact[Purchase]{label: key, exact: true, get: func(p Purchase) string {
		for _, s := range p.Messages {
			if string(s.Message.Type()) == typ {
				return fieldOf(s.Message, field)
			}
		}
		return ""
	}}, true
}

// messagesFact is "messages": the purchase's exchange includes a message
// of the expected type.
var messagesFact = fact[Purchase]{label: "messages", list: true,
	values: []string{"AReq", "ARes", "CReq", "CRes", "RReq", "RRes"},
	get: func(p Purchase) string {
		var types []string
		for _, s := range p.Messages {
			types = append(types, string(s.Message.Type()))
		}
		return strings.Join(types, " ")
	}}

// fieldOf is a message's field as text ("" when absent).
func fieldOf(m emv.Message, field string) string {
	data, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	var obj map[string]any
	if json.Unmarshal(data, &obj) != nil {
		return ""
	}
	switch v := obj[field].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// lookupPurchaseFact finds a purchase fact by key.
func lookupPurchaseFact(key string) (fact[Purchase], bool) {
	if key == "messages" {
		return messagesFact, true
	}
	if f, ok := purchaseFacts[key]; ok {
		return f, true
	}
	return messageFact(key)
}

// checkWant says what is wrong with a value a lesson expects of f, or "".
func (f fact[T]) checkWant(want string) string {
	switch {
	case f.numeric:
		if n, err := strconv.Atoi(want); err != nil || n < 0 {
			return fmt.Sprintf("%q is not a whole number (the least %s wanted)", want, f.label)
		}
	case want == Any:
	case f.values != nil && !slices.Contains(f.values, want):
		return fmt.Sprintf("%q is not one of %s", want, strings.Join(f.values, ", "))
	case want == "":
		return "a value is needed (or any)"
	}
	return ""
}

// met reports whether got satisfies want.
func (f fact[T]) met(got, want string) bool {
	switch {
	case f.numeric:
		g, _ := strconv.Atoi(got)
		w, _ := strconv.Atoi(want)
		return g >= w
	case want == Any:
		return got != ""
	case f.list:
		return slices.Contains(strings.Fields(got), want)
	}
	return got == want
}

// sameAnswer reports whether what the learner typed is the value: codes
// compare without case and with their leading zero optional ("1" is 01),
// a CAVV or a message's value exactly.
func (f fact[T]) sameAnswer(typed, value string) bool {
	typed = strings.TrimSpace(typed)
	if value == "" || typed == "" {
		return false
	}
	if a, err := strconv.Atoi(typed); err == nil {
		if b, err := strconv.Atoi(value); err == nil {
			return a == b
		}
	}
	if f.exact {
		return typed == value
	}
	return strings.EqualFold(typed, value)
}
