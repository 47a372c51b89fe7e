package conformance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// A shape is what an answer's JSON must look like: its keys and their
// types, as the seeds' schemas and examples show them. Keys a shape does
// not name are allowed (servers add fields); a key it names must be there
// with its type, unless it is optional: absent or null (the seeds show it
// null, or leave it out of an example, or EMV makes it conditional).
type shape interface {
	check(path string, v any, out *[]string)
	name() string
}

type kind string // string, number, boolean

func (k kind) name() string { return "a " + string(k) }

func (k kind) check(path string, v any, out *[]string) {
	ok := false
	switch k {
	case "string":
		_, ok = v.(string)
	case "number":
		_, ok = v.(json.Number)
	case "boolean":
		_, ok = v.(bool)
	}
	if !ok {
		*out = append(*out, fmt.Sprintf("%s: expected %s, got %s", path, k.name(), describe(v)))
	}
}

var (
	str     = kind("string")
	number  = kind("number")
	boolean = kind("boolean")
)

// optional marks a key that may be absent or null.
type optional struct{ shape }

// object is a JSON object with these keys.
type object map[string]shape

func (o object) name() string { return "an object" }

func (o object) check(path string, v any, out *[]string) {
	m, ok := v.(map[string]any)
	if !ok {
		*out = append(*out, fmt.Sprintf("%s: expected an object, got %s", orBody(path), describe(v)))
		return
	}
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		sh := o[k]
		val, present := m[k]
		opt, isOpt := sh.(optional)
		switch {
		case isOpt && (!present || val == nil):
		case isOpt:
			opt.shape.check(join(path, k), val, out)
		case !present:
			*out = append(*out, fmt.Sprintf("%s: missing", join(path, k)))
		default:
			sh.check(join(path, k), val, out)
		}
	}
}

// array is a JSON array of elem.
type array struct{ elem shape }

func (a array) name() string { return "an array" }

func (a array) check(path string, v any, out *[]string) {
	items, ok := v.([]any)
	if !ok {
		*out = append(*out, fmt.Sprintf("%s: expected an array, got %s", path, describe(v)))
		return
	}
	for i, item := range items {
		a.elem.check(fmt.Sprintf("%s[%d]", path, i), item, out)
	}
}

// mapOf is an object whose keys are free and whose values are elem (the
// 422's errors: field → messages).
type mapOf struct{ elem shape }

func (m mapOf) name() string { return "an object" }

func (m mapOf) check(path string, v any, out *[]string) {
	obj, ok := v.(map[string]any)
	if !ok {
		*out = append(*out, fmt.Sprintf("%s: expected an object, got %s", path, describe(v)))
		return
	}
	for _, k := range sortedKeys(obj) {
		m.elem.check(join(path, k), obj[k], out)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orBody(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	}
	return "an object"
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// decode reads an answer body as JSON, numbers kept as json.Number.
func decode(body []byte) (any, error) {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// The seeds' shapes.
var (
	// Seed 000: every success is this envelope; every error the other.
	issuingEnvelope = object{"status": str, "message": str, "code": number, "data": array{object{}}}
	issuingGet      = object{"status": str, "message": str, "code": number,
		"data": array{object{"otp_delivery_method": str, "destination": str, "status": str}}}
	issuingError = object{"code": number, "message": str, "status": str}

	// Seed 004. The response schema types every value; auth_value, eci and
	// failure_reason are null in its example. challenge_url is required
	// with a challenge (C) only, and the ARes fields EMV makes conditional
	// are optional: acsURL (C), authenticationValue (Y, A),
	// authenticationType and acsChallengeMandated (C, D).
	address         = object{"city": str, "country": str, "line_1": str, "line_2": str, "postal_code": str, "state": str}
	authenticate200 = object{
		"merchant_id": str, "status": str, "return_url": str, "challenge_preference": str,
		"customer": object{"name": str, "email": str, "mobile": str}, "billing_address": address, "shipping_address": address,
		"device": object{"ip_address": str, "user_agent": str, "accept_header": str, "javascript_enabled": boolean,
			"language": str, "color_depth": str, "screen_height": number, "screen_width": number, "timezone": str},
		"id": str, "amount": number, "currency": str, "fingerprint": str, "year": number, "month": number,
		"challenge_url": optional{str}, "message": str, "is_frictionless": boolean,
		"auth_value": optional{str}, "eci": optional{str}, "auth_status": str, "version": str, "purchase_date": str,
		"tds_ref": str, "ds_id": str, "ds_ref": str, "acs_id": str, "acs_ref": str,
		"meta": object{"merchant_id": str, "dsEndProtocolVersion": str, "acsEndProtocolVersion": str,
			"dsStartProtocolVersion": str, "acsStartProtocolVersion": str, "statement_descriptor": str,
			"ares": object{"messageVersion": str, "messageType": str, "dsTransID": str, "dsReferenceNumber": str,
				"threeDSServerTransID": str, "acsTransID": str, "acsReferenceNumber": str, "acsOperatorID": str,
				"authenticationType": optional{str}, "acsChallengeMandated": optional{str}, "acsURL": optional{str},
				"transStatus": str, "authenticationValue": optional{str}}},
		"created_at": str, "updated_at": str, "scheme": str, "channel": str, "failure_reason": optional{str},
	}
	threeDSMessage = object{"message": str}
	threeDS422     = object{"message": str, "errors": mapOf{array{str}}}

	// Seed 002's error object; fieldErrors is absent from its 401, 500 and
	// 503 examples.
	walletError = object{"error": object{"code": str, "message": str, "details": array{str},
		"fieldErrors": optional{array{object{"field": str, "error": str}}}}}
	walletVerify201 = object{"walletOperationId": str, "verification": object{"method": str}, "status": str,
		"statusReason": optional{str}, "customerId": str, "cardId": str, "auth3dsId": str, "creationTime": str}
)

// SeedShapes maps each of the seeds' example bodies (testdata/seeds) to
// the shape its rule checks, so that a test can hold the shapes to them.
var SeedShapes = map[string]shape{
	"000/enroll.200.json": issuingEnvelope, "000/get.200.json": issuingGet, "000/update.200.json": issuingEnvelope,
	"000/unenroll.200.json": issuingEnvelope, "000/enroll.400.json": issuingError, "000/get.400.json": issuingError,
	"000/update.400.json": issuingError, "000/unenroll.400.json": issuingError,
	"002/verify.201.verified.json": walletVerify201, "002/verify.201.expired.json": walletVerify201,
	"002/verify.400.json": walletError, "002/verify.401.json": walletError, "002/verify.500.json": walletError,
	"002/verify.503.json":       walletError,
	"004/authenticate.200.json": authenticate200, "004/authenticate.401.json": threeDSMessage,
	"004/authenticate.403.json": threeDSMessage, "004/authenticate.422.json": threeDS422,
}

// CheckShape lists how body departs from sh.
func CheckShape(sh shape, body []byte) []string {
	v, err := decode(body)
	if err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var out []string
	sh.check("", v, &out)
	return out
}
