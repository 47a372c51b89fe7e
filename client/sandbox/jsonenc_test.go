package sandbox

import (
	"bytes"
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

func randomTime(r *rand.Rand) time.Time {
	var sec int64
	switch r.IntN(4) {
	case 0:
		sec = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC).Unix() + r.Int64N(1e8)
	case 1: // years below 0 and above 9999
		sec = r.Int64N(1e12) - 5e11
	default:
		sec = r.Int64N(253402300800) // 0001-01-01 … 9999-12-31
	}
	t := time.Unix(sec, r.Int64N(3)*r.Int64N(1e9)) // often whole seconds, trailing zeros trimmed
	zones := []*time.Location{
		time.UTC, time.FixedZone("", 3*3600), time.FixedZone("", -(5*3600 + 30*60)), time.FixedZone("", 45),
		time.FixedZone("", 24*3600), time.FixedZone("", -30*3600), time.FixedZone("", 99*3600+59*60),
	}
	return t.In(zones[r.IntN(len(zones))])
}

func TestMarshalAuthenticationMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var a threeds.Authentication
		randomFill(r, reflect.ValueOf(&a).Elem())
		want, wantErr := marshal(a)
		got, gotErr := appendAuthenticationJSON(nil, &a)
		if !bytes.Equal(got, want) || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("case %d:\n got %s (%v)\nwant %s (%v)", i, got, gotErr, want, wantErr)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, encoding/json: %s", s, got, want)
		}
	})
}
