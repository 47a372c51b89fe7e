package emv

import (
	"regexp"
	"slices"
	"sync"
)

// Presence is whether a field must, may or must not be in a message.
type Presence int

// The presences.
const (
	Absent Presence = iota
	Optional
	Required
)

func (p Presence) String() string {
	return [...]string{"absent", "optional", "required"}[p]
}

// Cond is a condition on another field of the same message: its value is
// one of In.
type Cond struct {
	Field string
	In    []string
}

// Rule is one field of one message type: whether it is there (Need when If
// holds, or always when If has no Field; Else when it does not), and the
// format of its value.
type Rule struct {
	Message MessageType
	Field   string
	Need    Presence
	If      Cond
	Else    Presence
	Kind    Kind
	Format  *regexp.Regexp // for KindString; nil: any text
	MaxLen  int            // for KindString: at most this many characters (0: no limit)
}

// spec is a string field's format: a pattern and a maximum length.
type spec struct {
	pattern string
	max     int
}

// Kind is a field's JSON type.
type Kind int

// The JSON types of EMV fields.
const (
	KindString Kind = iota
	KindBool
	KindObject
)

// Rules are the field rules of the messages of a browser payment
// authentication (deviceChannel 02, messageCategory 01) in EMV 3DS 2.2.0:
// every field each message may carry, when it must or must not be there,
// and its format. A field not listed for a message type is not allowed in
// it. The caller must not modify them.
func Rules() []Rule { return rules() }

// rules are built, and their formats compiled, the first time they are
// needed: as a package variable they were walletsim's largest start-up
// cost (a hundred regexps, 6,500 allocations), paid by every command
// that links the sandbox, most of which never check a message.
var rules = sync.OnceValue(func() []Rule {
	var rs []Rule
	add := func(t MessageType, field string, need Presence, c Cond, els Presence, kind Kind, format spec) {
		r := Rule{Message: t, Field: field, Need: need, If: c, Else: els, Kind: kind, MaxLen: format.max}
		if format.pattern != "" {
			r.Format = regexp.MustCompile(format.pattern)
		}
		rs = append(rs, r)
	}
	always := Cond{}
	req := func(t MessageType, field string, format spec) {
		add(t, field, Required, always, Required, KindString, format)
	}
	opt := func(t MessageType, field string, format spec) {
		add(t, field, Optional, always, Optional, KindString, format)
	}
	// only: required when c holds, absent otherwise.
	only := func(t MessageType, field string, c Cond, format spec) {
		add(t, field, Required, c, Absent, KindString, format)
	}

	status := func(s ...TransStatus) Cond {
		in := make([]string, len(s))
		for i, v := range s {
			in[i] = string(v)
		}
		return Cond{Field: "transStatus", In: in}
	}
	success := status(Authenticated, Attempted)
	failure := status(NotAuthenticated, Unavailable, Rejected)
	cardholder := status(ChallengeRequired, DecoupledConfirmed)

	for _, t := range MessageTypes {
		req(t, "messageType", re("^"+string(t)+"$"))
		req(t, "messageVersion", re(`^2\.[0-9]+\.[0-9]+$`))
		req(t, "threeDSServerTransID", uuid)
		if t != TypeAReq {
			req(t, "acsTransID", uuid)
		}
		if t == TypeARes || t == TypeRReq || t == TypeRRes {
			req(t, "dsTransID", uuid)
		}
	}

	// AReq: the DS adds dsTransID, dsReferenceNumber and dsURL before
	// passing it to the ACS (CheckExchange checks which leg has them).
	a := TypeAReq
	req(a, "messageCategory", re(`^0[12]$`))
	req(a, "deviceChannel", re(`^0[123]$`))
	req(a, "threeDSServerRefNumber", text(32))
	req(a, "threeDSServerURL", url(2048))
	opt(a, "dsTransID", uuid)
	opt(a, "dsReferenceNumber", text(32))
	opt(a, "dsURL", url(2048))
	req(a, "threeDSRequestorID", text(35))
	req(a, "threeDSRequestorName", text(40))
	req(a, "threeDSRequestorURL", url(2048))
	req(a, "threeDSRequestorAuthenticationInd", re(`^0[1-6]$`))
	opt(a, "threeDSRequestorChallengeInd", re(`^0[1-9]$`))
	opt(a, "threeDSRequestorDecReqInd", re(`^[YN]$`))
	only(a, "threeDSRequestorDecMaxTime", Cond{"threeDSRequestorDecReqInd", []string{"Y"}}, re(`^[0-9]{5}$`))
	req(a, "threeDSCompInd", re(`^[YNU]$`))
	req(a, "acquirerBIN", text(11))
	req(a, "acquirerMerchantID", text(35))
	req(a, "mcc", re(`^[0-9]{4}$`))
	req(a, "merchantCountryCode", country)
	req(a, "merchantName", text(40))
	req(a, "acctNumber", re(`^[0-9]{6}\*{2,9}[0-9]{4}$|^[0-9]{13,19}$`))
	req(a, "cardExpiryDate", re(`^[0-9]{2}(0[1-9]|1[0-2])$`))
	opt(a, "cardholderName", spec{pattern: `^(?s).{2,}$`, max: 45})
	opt(a, "email", re(`^[^@\s]+@[^@\s]+$`))
	add(a, "mobilePhone", Optional, always, Optional, KindObject, spec{})
	for _, p := range []string{"billAddr", "shipAddr"} {
		opt(a, p+"City", text(50))
		opt(a, p+"Country", country)
		opt(a, p+"Line1", text(50))
		opt(a, p+"Line2", text(50))
		opt(a, p+"PostCode", text(16))
		opt(a, p+"State", text(3))
	}
	req(a, "purchaseAmount", re(`^[0-9]{1,48}$`))
	req(a, "purchaseCurrency", re(`^[0-9]{3}$`))
	req(a, "purchaseExponent", re(`^[0-9]$`))
	req(a, "purchaseDate", re(`^[0-9]{14}$`))
	req(a, "notificationURL", url(256))
	req(a, "browserAcceptHeader", text(2048))
	opt(a, "browserIP", text(45))
	add(a, "browserJavascriptEnabled", Required, always, Required, KindBool, spec{})
	req(a, "browserLanguage", text(8))
	req(a, "browserUserAgent", text(2048))
	js := Cond{"browserJavascriptEnabled", []string{"true"}}
	add(a, "browserJavaEnabled", Required, js, Optional, KindBool, spec{})
	add(a, "browserColorDepth", Required, js, Optional, KindString, re(`^(1|4|8|15|16|24|32|48)$`))
	add(a, "browserScreenHeight", Required, js, Optional, KindString, re(`^[0-9]{1,6}$`))
	add(a, "browserScreenWidth", Required, js, Optional, KindString, re(`^[0-9]{1,6}$`))
	add(a, "browserTZ", Required, js, Optional, KindString, re(`^[+-]?[0-9]{1,5}$`))

	// ARes and RReq: what goes with each outcome.
	for _, t := range []MessageType{TypeARes, TypeRReq} {
		only(t, "transStatusReason", failure, re(`^(0[1-9]|1[0-9]|2[0-6]|[89][0-9])$`))
		only(t, "eci", success, re(`^[0-9]{2}$`))
		only(t, "authenticationValue", success, cavvFormat)
	}
	r := TypeARes
	req(r, "dsReferenceNumber", text(32))
	req(r, "acsReferenceNumber", text(32))
	opt(r, "acsOperatorID", text(32))
	req(r, "transStatus", re(`^[YNUACDRI]$`))
	only(r, "authenticationType", cardholder, re(`^0[1-4]$`))
	only(r, "acsChallengeMandated", cardholder, re(`^[YN]$`))
	only(r, "acsURL", status(ChallengeRequired), url(2048))
	only(r, "acsDecConInd", status(DecoupledConfirmed), re(`^[YN]$`))
	add(r, "cardholderInfo", Optional, status(ChallengeRequired, DecoupledConfirmed, NotAuthenticated, Unavailable, Rejected), Absent, KindString, text(128))

	c := TypeCReq
	req(c, "challengeWindowSize", re(`^0[1-5]$`))
	opt(c, "challengeCancel", cancelFormat)

	s := TypeCRes
	req(s, "challengeCompletionInd", re(`^[YN]$`))
	only(s, "transStatus", Cond{"challengeCompletionInd", []string{"Y"}}, re(`^[YN]$`))

	q := TypeRReq
	req(q, "messageCategory", re(`^0[12]$`))
	req(q, "transStatus", re(`^[YNUAR]$`))
	req(q, "authenticationType", re(`^0[1-4]$`))
	opt(q, "authenticationMethod", re(`^(0[1-9]|10)$`))
	req(q, "interactionCounter", re(`^[0-9]{2}$`))
	opt(q, "challengeCancel", cancelFormat)

	req(TypeRRes, "resultsStatus", re(`^0[1-3]$`))
	return rs
})

var (
	uuid         = re(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	country      = re(`^[0-9]{3}$`)
	cavvFormat   = re(`^[A-Za-z0-9+/]{27}=$|^[A-Za-z0-9+/]{28}$`)
	cancelFormat = re(`^0[13-8]$`)
)

// re is a format given by a pattern alone.
func re(pattern string) spec { return spec{pattern: pattern} }

// text is any text of 1 to n characters.
func text(n int) spec { return spec{pattern: `^(?s).+$`, max: n} }

// url is an http(s) URL of at most n characters.
func url(n int) spec { return spec{pattern: `^https?://\S+$`, max: n} }

// RulesFor are the rules of one message type, in the order of Rules.
func RulesFor(t MessageType) []Rule {
	var out []Rule
	for _, r := range rules() {
		if r.Message == t {
			out = append(out, r)
		}
	}
	return out
}

// Fields are the JSON names of every field a message of type t may carry.
func Fields(t MessageType) []string {
	var out []string
	for _, r := range RulesFor(t) {
		out = append(out, r.Field)
	}
	return out
}

// presence is what r requires of its field in a message whose string
// values are vals.
func (r Rule) presence(vals map[string]string) Presence {
	if r.If.Field == "" {
		return r.Need
	}
	if v, ok := vals[r.If.Field]; ok && slices.Contains(r.If.In, v) {
		return r.Need
	}
	return r.Else
}
