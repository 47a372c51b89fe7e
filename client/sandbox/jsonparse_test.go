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

// asMap turns decoded objects into the maps encoding/json makes: of
// duplicate keys the last wins, as get resolves them. Each member is
// converted once — converting every duplicate's winner again made the
// helper exponential in the nesting of duplicated keys, and the fuzzer
// stalled on such inputs.
func asMap(v any) any {
	switch v := v.(type) {
	case jsonObject:
		if v == nil {
			return map[string]any(nil)
		}
		m := make(map[string]any, len(v))
		for i := len(v) - 1; i >= 0; i-- {
			if _, seen := m[v[i].key]; !seen {
				m[v[i].key] = asMap(v[i].val)
			}
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = asMap(e)
		}
		return out
	}
	return v
}

func checkDecodeObject(t *testing.T, in string) {
	t.Helper()
	want, wantOK := decodeObjectStd([]byte(in))
	obj, gotOK := decodeObject([]byte(in))
	got, _ := asMap(obj).(map[string]any)
	if gotOK != wantOK || !reflect.DeepEqual(got, want) {
		if len(in) > 200 {
			in = in[:200] + "…"
		}
		t.Fatalf("decodeObject(%q) = %#v, %v; encoding/json: %#v, %v", in, got, gotOK, want, wantOK)
	}
	// In a small arena, objects come from both the arena and the heap.
	arena := make([]jsonPair, 0, 5)
	obj, gotOK = decodeObjectIn([]byte(in), &arena)
	if got, _ := asMap(obj).(map[string]any); gotOK != wantOK || !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeObjectIn(%.200q) = %#v, %v; encoding/json: %#v, %v", in, got, gotOK, want, wantOK)
	}
}

func TestJSONObjectGet(t *testing.T) {
	obj, ok := decodeObject([]byte(`{"a":1,"b":{},"a":"last","c":null}`))
	if !ok {
		t.Fatal("not decoded")
	}
	if v, ok := obj.get("a"); !ok || v != "last" {
		t.Fatalf("a = %v %v, want the last duplicate", v, ok)
	}
	if v, ok := obj.get("b"); !ok || v == nil || len(v.(jsonObject)) != 0 {
		t.Fatalf("b = %#v %v, want an empty, non-nil object", v, ok)
	}
	if v, ok := obj.get("c"); !ok || v != nil {
		t.Fatalf("c = %v %v, want present and null", v, ok)
	}
	if _, ok := obj.get("d"); ok {
		t.Fatal("d is absent")
	}
}

func TestDecodeObjectMatchesEncodingJSON(t *testing.T) {
	for _, in := range jsonParseCases {
		checkDecodeObject(t, in)
	}
}

// TestAsMapIsLinear: duplicated keys nested 40 deep (2^40 conversions for
// the old helper) convert at once.
func TestAsMapIsLinear(t *testing.T) {
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
