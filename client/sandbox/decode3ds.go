package sandbox

import (
	"encoding/json"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/walletsim/walletsim/client/threeds"
)

// Type errors, in the style of seed 004's messages.
const (
	msgString  = "The value must be a string."
	msgInteger = "The value must be an integer."
	msgBoolean = "The value must be true or false."
	msgObject  = "The value must be an object."
)

// fieldReader reads typed fields out of a decoded JSON object and records
// type errors under their dotted names.
type fieldReader struct {
	errs map[string][]string
	// empty names the string fields sent as "" (or blanks): present, so
	// not missing, but refused by their rule.
	empty []string
}

func (f *fieldReader) fail(field, msg string) {
	if f.errs == nil {
		f.errs = map[string][]string{}
	}
	f.errs[field] = append(f.errs[field], msg)
}

func (f *fieldReader) str(obj jsonObject, key, field string) string {
	v, ok := obj[key]
	if !ok || v == nil {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		f.fail(field, msgString)
	}
	s = strings.TrimSpace(s)
	if isStr && s == "" {
		f.empty = append(f.empty, field)
	}
	return s
}

func (f *fieldReader) integer(obj jsonObject, key, field string) (int, bool) {
	v, ok := obj[key]
	if !ok || v == nil {
		return 0, false
	}
	n, isNum := v.(json.Number)
	if !isNum {
		f.fail(field, msgInteger)
		return 0, true
	}
	fl, err := n.Float64()
	if err != nil || fl != math.Trunc(fl) || math.Abs(fl) > 1e9 {
		f.fail(field, msgInteger)
		return 0, true
	}
	return int(fl), true
}

func (f *fieldReader) boolean(obj jsonObject, key, field string) *bool {
	v, ok := obj[key]
	if !ok || v == nil {
		return nil
	}
	b, isBool := v.(bool)
	if !isBool {
		f.fail(field, msgBoolean)
		return nil
	}
	return &b
}

func (f *fieldReader) object(obj jsonObject, key string) jsonObject {
	v, ok := obj[key]
	if !ok || v == nil {
		return nil
	}
	m, isObj := v.(jsonObject)
	if !isObj {
		f.fail(key, msgObject)
	}
	return m
}

// readAuthenticate turns the body of POST /v1/3ds/{id}/authenticate into a
// request and validates it with seed 004's rules: errs maps each bad field
// to its messages, as the 422 answer shows them; ok is false when the body
// is not a JSON object at all. The request shares no memory with body.
//
// Most bodies take the fast way: decoded straight into typed fields. One it
// cannot hold exactly — a value of the wrong type, a null, a month or year
// of 0 (sent, or missing?), a number out of range — is read again field by
// field, which names every problem.
func readAuthenticate(body []byte) (req threeds.AuthenticateRequest, errs map[string][]string, ok bool) {
	if req, empty, ok := decodeAuthenticateFast(body); ok {
		return req, validateAuthenticate(req, nil, empty, true, true), true
	}
	obj, ok := decodeObject(body)
	if !ok {
		return req, nil, false
	}
	req, errs = decodeAuthenticate(obj)
	return req, errs, true
}

// decodeAuthenticate reads an authenticate body field by field, noting
// each value of the wrong type, then validates it.
func decodeAuthenticate(obj jsonObject) (threeds.AuthenticateRequest, map[string][]string) {
	var f fieldReader
	var req threeds.AuthenticateRequest
	req.Number = f.str(obj, "number", "number")
	month, monthSet := f.integer(obj, "month", "month")
	year, yearSet := f.integer(obj, "year", "year")
	req.Month, req.Year = month, year
	req.Channel = threeds.Channel(f.str(obj, "channel", "channel"))
	req.ReturnURL = f.str(obj, "return_url", "return_url")
	req.Name = f.str(obj, "name", "name")
	req.ChallengePreference = threeds.ChallengePreference(f.str(obj, "challenge_preference", "challenge_preference"))
	if c := f.object(obj, "customer"); c != nil {
		req.Customer = &threeds.Customer{
			Name:   f.str(c, "name", "customer.name"),
			Email:  f.str(c, "email", "customer.email"),
			Mobile: f.str(c, "mobile", "customer.mobile"),
		}
	}
	req.BillingAddress = f.address(obj, "billing_address")
	req.ShippingAddress = f.address(obj, "shipping_address")
	if d := f.object(obj, "customer_device"); d != nil {
		const p = "customer_device."
		dev := &threeds.Device{
			IPAddress:         f.str(d, "ip_address", p+"ip_address"),
			UserAgent:         f.str(d, "user_agent", p+"user_agent"),
			AcceptHeader:      f.str(d, "accept_header", p+"accept_header"),
			JavascriptEnabled: f.boolean(d, "javascript_enabled", p+"javascript_enabled"),
			Language:          f.str(d, "language", p+"language"),
			ColorDepth:        f.str(d, "color_depth", p+"color_depth"),
			Timezone:          f.str(d, "timezone", p+"timezone"),
		}
		dev.ScreenHeight, _ = f.integer(d, "screen_height", p+"screen_height")
		dev.ScreenWidth, _ = f.integer(d, "screen_width", p+"screen_width")
		req.CustomerDevice = dev
	}
	withDefaults(&req)
	return req, validateAuthenticate(req, f.errs, f.empty, monthSet, yearSet)
}

// withDefaults fills in the seed's defaults of channel and challenge
// preference.
func withDefaults(req *threeds.AuthenticateRequest) {
	if req.Channel == "" {
		req.Channel = threeds.Browser
	}
	if req.ChallengePreference == "" {
		req.ChallengePreference = threeds.NoPreference
	}
}

// validateAuthenticate adds seed 004's rules to the type errors found while
// decoding; empty names the string fields sent empty (or blank), monthSet
// and yearSet say whether a month and a year were sent.
func validateAuthenticate(req threeds.AuthenticateRequest, typeErrs map[string][]string, empty []string, monthSet, yearSet bool) map[string][]string {
	errs := typeErrs
	for _, fe := range threeds.Validate(req) {
		if _, typeErr := typeErrs[fe.Field]; typeErr {
			continue // a wrong type is reported once, not again as "missing"
		}
		msg := fe.Message
		// A 0 that was sent is below the minimum rather than missing.
		if msg == threeds.MsgMissing && (fe.Field == "month" && monthSet || fe.Field == "year" && yearSet) {
			msg = threeds.MsgMin(map[string]int{"month": 1, "year": 2000}[fe.Field])
		}
		if errs == nil {
			errs = map[string][]string{}
		}
		errs[fe.Field] = append(errs[fe.Field], msg)
	}
	// The sandbox's own bound on the one field the seed leaves unbounded.
	if utf8.RuneCountInString(req.ReturnURL) > MaxReturnURL {
		if errs == nil {
			errs = map[string][]string{}
		}
		errs["return_url"] = append(errs["return_url"], threeds.MsgMaxLen(MaxReturnURL))
	}
	for _, field := range empty {
		msgs := threeds.EmptyMessages(field)
		if _, already := errs[field]; len(msgs) == 0 || already {
			continue // a required field "" is missing, and one with a default takes it
		}
		if errs == nil {
			errs = map[string][]string{}
		}
		errs[field] = append(errs[field], msgs...)
	}
	return errs
}

func (f *fieldReader) address(obj jsonObject, key string) *threeds.Address {
	a := f.object(obj, key)
	if a == nil {
		return nil
	}
	n, ok := addressFields[key]
	if !ok {
		n = addressFieldNames(key)
	}
	return &threeds.Address{
		City: f.str(a, "city", n[0]), Country: f.str(a, "country", n[1]),
		Line1: f.str(a, "line_1", n[2]), Line2: f.str(a, "line_2", n[3]),
		PostalCode: f.str(a, "postal_code", n[4]), State: f.str(a, "state", n[5]),
	}
}

// addressFieldNames are the dotted names of an address's fields, as errors
// name them.
func addressFieldNames(key string) [6]string {
	p := key + "."
	return [6]string{p + "city", p + "country", p + "line_1", p + "line_2", p + "postal_code", p + "state"}
}

// addressFields are addressFieldNames of the seed's two addresses, made once.
var addressFields = map[string][6]string{
	"billing_address":  addressFieldNames("billing_address"),
	"shipping_address": addressFieldNames("shipping_address"),
}
