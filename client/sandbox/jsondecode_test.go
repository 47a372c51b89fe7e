package sandbox

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decodeObjectStd is what decodeObject must match: encoding/json's Decoder
// with UseNumber into a map, then More.
func decodeObjectStd(b []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return nil, false
	}
	return m, true
}

var jsonParseCases = []string{
	``, ` `, `{`, `}`, `{}`, ` {} `, "\t\r\n{}\n", `null`, `[]`, `"x"`, `1`, `true`, `{}{}`, `{} {`, `{}]`, `{}}`, `{} ]x`, `{}x`, `{},`, `{} 1`,
	`{"a":1}`, `{"a":1,}`, `{,"a":1}`, `{"a" : 1 , "b" : 2}`, `{"a":1 "b":2}`, `{"a"}`, `{"a":}`, `{a:1}`, `{'a':1}`, `{"a":1}garbage`,
	`{"a":1,"a":2}`, `{"a":{"b":[1,2,{"c":null}]}}`, `{"a":[]}`, `{"a":{}}`, `{"a":[,]}`, `{"a":[1,]}`, `{"a":[1 2]}`, `{"a":[`, `{"a":[1`,
	`{"a":true}`, `{"a":false}`, `{"a":null}`, `{"a":tru}`, `{"a":truex}`, `{"a":nul}`, `{"a":True}`, `{"a":NaN}`, `{"a":Infinity}`,
	`{"n":0}`, `{"n":-0}`, `{"n":01}`, `{"n":-}`, `{"n":1.}`, `{"n":.5}`, `{"n":1.5e10}`, `{"n":1E+2}`, `{"n":1e-2}`, `{"n":1e}`, `{"n":1e+}`,
	`{"n":+1}`, `{"n":1e400}`, `{"n":-12.500}`, `{"n":123456789012345678901234567890}`, `{"n":0x10}`, `{"n":1.5.5}`, `{"n":--1}`,
	`{"s":""}`, `{"s":"plain"}`, `{"s":"é ü 日本"}`, `{"s":"\"\\\/\b\f\n\r\t"}`, `{"s":"\u0041\u00e9\u65e5"}`, `{"s":"\u0000"}`,
	`{"s":"\ud83d\ude00"}`, `{"s":"\ud83d"}`, `{"s":"\ude00"}`, `{"s":"\ud83dx"}`, `{"s":"\ud83d\u0041"}`, `{"s":"\ud83d\ud83d\ude00"}`,
	`{"s":"\u12"}`, `{"s":"\u12G4"}`, `{"s":"\x"}`, `{"s":"\'"}`, `{"s":"\`, `{"s":"abc`, `{"s":"a` + "\n" + `b"}`, `{"s":"a` + "\x1f" + `"}`,
	`{"s":"a` + "\x7f" + `"}`, "{\"s\":\"\xff\xfe\"}", "{\"s\":\"a\xc3\"}", "{\"s\":\"\xed\xa0\x80\"}", "{\"s\":\"\xf4\x90\x80\x80\"}",
	"{\"s\":\"\xc0\xaf\"}", "{\"s\":\"\\u00e9\xff\"}", "{\"\xff\":1}", `{"k\u00e9y":"v"}`, `{"":""}`, "{\"s\":\"\xef\xbf\xbd\"}",
	"\xef\xbb\xbf{}", `{"a":1}` + "\x00", `{"a":"\u2028\u2029"}`,
	`{"number":"4000000000000010","month":6,"year":2029,"channel":"browser","return_url":"https://example.com","customer":{"name":"John Doe"},"customer_device":{"javascript_enabled":true,"screen_height":300}}`,
	strings.Repeat("[", 10) + strings.Repeat("]", 10),
	`{"a":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
	`{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`,
	`{"a":` + strings.Repeat(`{"a":`, 9998) + `1` + strings.Repeat("}", 9998) + `}`,
	`{"a":` + strings.Repeat(`{"a":`, 9999) + `1` + strings.Repeat("}", 9999) + `}`,
}

func checkDecodeObject(t *testing.T, in string) {
	t.Helper()
	want, wantOK := decodeObjectStd([]byte(in))
	got, gotOK := decodeObject([]byte(in))
	if gotOK != wantOK || !reflect.DeepEqual(map[string]any(got), want) {
		if len(in) > 200 {
			in = in[:200] + "…"
		}
		t.Fatalf("decodeObject(%q) = %#v, %v; encoding/json: %#v, %v", in, got, gotOK, want, wantOK)
	}
}

func TestDecodeObjectMatchesEncodingJSON(t *testing.T) {
	for _, in := range jsonParseCases {
		checkDecodeObject(t, in)
	}
}

// TestDuplicatesNested: duplicated keys nested 40 deep (2^40 conversions
// for the test's old helper) decode, the last of each pair winning.
func TestDuplicatesNested(t *testing.T) {
	in := strings.Repeat(`{"a":1,"a":`, 40) + `{}` + strings.Repeat(`}`, 40)
	checkDecodeObject(t, in)
}

func FuzzDecodeObject(f *testing.F) {
	for _, in := range jsonParseCases {
		if len(in) < 1000 {
			f.Add(in)
		}
	}
	f.Fuzz(checkDecodeObject)
}

// authenticateBodies are seeds for FuzzAuthenticateFastPath: bodies the
// fast decode takes (a duplicated object, keys in another case or escaped,
// what Decoder.More ignores, invalid UTF-8, strings sent empty: all as the
// field-by-field reading gives them), and the near misses it must hand on.
var authenticateBodies = []string{
	`{"number":"4000000000000010","month":6,"year":2029,"channel":"browser","return_url":"https://example.com","name":" Layla ","challenge_preference":"preferred","customer":{"name":"John Doe","email":"a@b.example","mobile":"0555"},"billing_address":{"city":"Riyadh","country":"SA","line_1":"1 Main St","line_2":"","postal_code":"12345","state":"RD"},"shipping_address":{"city":"Jeddah"},"customer_device":{"ip_address":"10.0.0.1","user_agent":"UA","accept_header":"text/html","javascript_enabled":true,"language":"en","color_depth":"24","screen_height":900,"screen_width":1440,"timezone":"-180"}}`,
	`{"number":"4000000000000010","month":0,"year":2029}`,
	`{"number":"4000000000000010","month":12.0,"year":2029}`,
	`{"number":"4000000000000010","month":"12","year":2029}`,
	`{"number":"4000000000000010","month":1e1,"year":2029}`,
	`{"number":"4000000000000010","month":5000000000,"year":2029}`,
	`{"number":"4000000000000010","month":6,"year":2029,"number":null}`,
	`{"number":"4000000000000010","month":6,"year":2029,"customer":{"name":"a"},"customer":{"email":"b"}}`,
	`{"number":"4000000000000010","month":6,"year":2029,"customer":[]}`,
	`{"number":"4000000000000010","month":6,"year":2029,"NUMBER":"x","Month":1}`,
	`{"n\u0075mber":"4000000000000010","month":6,"year":2029}`,
	`{"number":"4000000000000010","month":6,"year":2029}]`,
	`{"number":"4000000000000010","month":6,"year":2029} x`,
	`{"number":"\u00e9\ud83d","month":6,"year":2029,"customer_device":{"javascript_enabled":"yes","screen_height":1.5}}`,
	"{\"number\":\"\xff\",\"month\":6,\"year\":2029}",
	`[{"number":"4000000000000010","month":6,"year":2029}]`,
	`{"number":"4000000000000010","month":6,"year":2029,"name":"","customer":{"email":" "},"billing_address":{"line_2":""}}`,
	`{"number":"4000000000000010","month":6,"year":2029,"name":"\u0000unsent"}`,
}

// FuzzAuthenticateFastPath: whenever the fast decode takes a body, it gives
// the request (and so the validation errors) that reading the body field by
// field gives — the reading whose decoder FuzzDecodeObject checks against
// encoding/json.
func FuzzAuthenticateFastPath(f *testing.F) {
	for _, in := range authenticateBodies {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		fast, empty, ok := decodeAuthenticateFast([]byte(in))
		if !ok {
			return
		}
		obj, isObject := decodeObject([]byte(in))
		if !isObject {
			t.Fatalf("the fast decode took %q, which is not a JSON object", in)
		}
		slow, errs := decodeAuthenticate(obj)
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q:\nfast %#v\nslow %#v", in, fast, slow)
		}
		if got := validateAuthenticate(fast, nil, empty, true, true); !reflect.DeepEqual(got, errs) {
			t.Fatalf("%q: fast errors %v, slow %v", in, got, errs)
		}
	})
}

// TestAuthenticateFastPathTakes: the fast decode takes the common bodies
// (or the benchmark would measure the slow one) and hands on the others.
func TestAuthenticateFastPathTakes(t *testing.T) {
	taken := map[int]bool{0: true, 7: true, 9: true, 10: true, 11: true, 14: true, 16: true}
	for i, in := range authenticateBodies {
		if _, _, ok := decodeAuthenticateFast([]byte(in)); ok != taken[i] {
			t.Errorf("decodeAuthenticateFast(%.80q) took it: %v, want %v", in, ok, taken[i])
		}
	}
}

// FuzzVerifyFastPath: whenever the typed decode takes a verify body, it
// gives what reading it field by field gives.
func FuzzVerifyFastPath(f *testing.F) {
	for _, in := range []string{
		`{"walletOperationId":"op","verification":{"method":"BIOMETRIC"},"status":"VERIFIED","statusReason":" why "}`,
		`{"walletOperationId":"op","verification":{"method":"BIOMETRIC"},"status":"FAILED","statusReason":"` + strings.Repeat("é", 101) + `"}`,
		`{"walletOperationId":"op","verification":{},"status":"x"}`, `{"walletOperationId":1}`, `{"verification":[]}`,
		`{"verification":null}`, `{"walletOperationId":"a","walletOperationId":"b","verification":{"method":"X"}}`,
	} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if fast, ok := decodeVerifyFast([]byte(in)); ok {
			fastErrs := verifyRuleErrors(fast, nil)
			slow, slowErrs := readVerifyFields([]byte(in))
			if fast != slow || !reflect.DeepEqual(fastErrs, slowErrs) {
				t.Fatalf("%q:\nfast %#v %v\nslow %#v %v", in, fast, fastErrs, slow, slowErrs)
			}
		}
	})
}
