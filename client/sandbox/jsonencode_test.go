package sandbox

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/threeds"
)

// trickyStrings exercise every branch of encoding/json's string escaping.
var trickyStrings = []string{
	"", "a", "John Doe", "https://example.com/return?a=1&b=<2>", `quote " backslash \ slash /`,
	"\b\f\n\r\t", "\x00\x01\x1f\x7f", "é ü 日本 😀", "\u2028\u2029", "\xff", "a\xc3", "\xed\xa0\x80", "\xef\xbf\xbd",
	"<script>&amp;</script>", "\u00e9\xff\u2028x",
}

// randomFill sets every field reachable from v (strings, ints, bools,
// pointers, times) to a random value, so that a field the encoder forgets
// shows up as a difference.
func randomFill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		switch r.IntN(3) {
		case 0:
			v.SetString(trickyStrings[r.IntN(len(trickyStrings))])
		case 1:
			b := make([]byte, r.IntN(12))
			for i := range b {
				b[i] = byte(r.IntN(256))
			}
			v.SetString(string(b))
		}
	case reflect.Int, reflect.Int64:
		switch r.IntN(3) {
		case 0:
			v.SetInt(r.Int64() - r.Int64())
		case 1:
			v.SetInt(int64(r.IntN(5)))
		}
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Pointer:
		if r.IntN(4) == 0 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		randomFill(r, p.Elem())
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(randomTime(r)))
			return
		}
		if v.Type() == reflect.TypeFor[client.Time]() { // the sandbox only writes times it has
			v.Set(reflect.ValueOf(client.At(randomTime(r))))
			return
		}
		for i := range v.NumField() {
			randomFill(r, v.Field(i))
		}
	default:
		panic("randomFill: unhandled " + v.Type().String())
	}
}

// randomTime is a time as a clock can give it. Times that encoding/json
// refuses to encode and segmentio writes anyway — years beyond 9999, zones
// a day or more away from UTC — are left out: no clock the sandbox runs on
// gives one (real zones are within ±14 h).
func randomTime(r *rand.Rand) time.Time {
	var sec int64
	switch r.IntN(3) {
	case 0:
		sec = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC).Unix() + r.Int64N(1e8)
	default:
		sec = r.Int64N(253402300800-86400) + 86400 // 0001-01-02 … 9999-12-31
	}
	t := time.Unix(sec, r.Int64N(3)*r.Int64N(1e9)) // often whole seconds, trailing zeros trimmed
	zones := []*time.Location{
		time.UTC, time.FixedZone("", 3*3600), time.FixedZone("", -(5*3600 + 30*60)), time.FixedZone("", 45),
		time.FixedZone("", 14*3600), time.FixedZone("", -12*3600), time.FixedZone("", 23*3600+59*60),
	}
	return t.In(zones[r.IntN(len(zones))])
}

// stdMarshal is what appendJSON must match: encoding/json's Encoder with
// HTML escaping off, without the trailing newline.
func stdMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// TestEncodeAuthenticationMatchesEncodingJSON: the authenticate answer,
// every field random (strings with every escape and invalid UTF-8, times
// in any zone), encodes byte for byte as encoding/json encodes it.
func TestEncodeAuthenticationMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var a threeds.Authentication
		randomFill(r, reflect.ValueOf(&a).Elem())
		want, wantErr := stdMarshal(a)
		got, gotErr := appendJSON(nil, &a)
		if (gotErr == nil) != (wantErr == nil) || wantErr == nil && !bytes.Equal(got, want) {
			t.Fatalf("case %d:\n got %s (%v)\nwant %s (%v)", i, got, gotErr, want, wantErr)
		}
	}
}

// TestEncodeMapsSorted: map keys come out sorted, as encoding/json sorts
// them (the 422's field errors are a map).
func TestEncodeMapsSorted(t *testing.T) {
	m := map[string][]string{"year": {"a"}, "month": {"b"}, "number": {"c"}, "customer_device.timezone": {"d"}}
	want, _ := stdMarshal(m)
	if got, err := appendJSON(nil, m); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("appendJSON = %s, %v; encoding/json: %s", got, err, want)
	}
}

func FuzzEncodeString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := stdMarshal(s)
		if got, err := appendJSON(nil, s); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("appendJSON(%q) = %s, %v; encoding/json: %s", s, got, err, want)
		}
	})
}
