package scenario

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"
)

// everyKey is a scenario that gives every key of the format.
const everyKey = `name: every key
description: All of the format at once.
target: staging
card: {number: "4000 0000 0000 0036", month: 12, year: 2030, name: Layla Haddad, cardholder_id: ch-1, wallet_id: w-1, card_id: c-1, customer_id: cu-1}
steps:
  - enroll: {otp: SMS}
    expect: {ok: true, status: 200, message: "3DS enrollment successful.", fields: {message: "3DS enrollment successful.", status: ACTIVE, otp_delivery_method: SMS, destination: "+966******001"}}
  - view: {}
    credentials: publishable
    no_validate: true
    fault: latency=10ms
    timeout: 300ms
    expect: {transport_error: false, error_code: "400", error_fields: []}
  - change: {otp: EMAIL}
  - unenroll: {}
  - authenticate:
      id: auth-1
      amount: 4999
      currency: KWD
      description: A lamp
      channel: decoupled
      challenge_preference: mandated
      return_url: https://shop.example/back
      customer: {name: Layla Haddad, email: layla@example.com, mobile: "0555555555"}
      billing_address: {city: Riyadh, country: SA, line_1: 1 King Fahd Rd, line_2: Floor 2, postal_code: "12211", state: Riyadh}
      shipping_address: {city: Jeddah, country: SA}
      customer_device: {ip_address: 203.0.113.10, user_agent: "Mozilla/5.0 (X11; Linux x86_64)", accept_header: text/html, javascript_enabled: true, language: en-GB, color_depth: "24", screen_height: 900, screen_width: 1440, timezone: "-180"}
    expect: {trans_status: C, fields: {acsChallengeMandated: "Y", challenge_url: "http://acs/c/1", amount: KWD 4.999, failure_reason: ""}}
  - challenge: {code: wrong}
    expect: {attempts_left: 2, eci: "", cavv: absent}
  - challenge: {cancel: true}
  - wallet: {decision: FAILED, reason: sensor error, omit_method: true, auth3ds_id: a-1, purchase: 1}
    expect: {fields: {status: FAILED, statusReason: sensor error}}
  - wait: 6m
  - result: {}
    expect: {trans_status: "N", cavv: AAABBBCCCDDDEEEFFFGGGHHHIII=}
`

// TestEveryKeyRoundTrips: a file with every key reads, writes and reads
// back as the same scenario, and writing it again gives the same bytes.
func TestEveryKeyRoundTrips(t *testing.T) {
	sc, err := Parse("every.yaml", []byte(everyKey))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("every.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := cmpopts.IgnoreFields(Step{}, "Line")
	if diff := cmp.Diff(sc, back, lines, cmpopts.IgnoreFields(Expect{}, "Line")); diff != "" {
		t.Errorf("round trip differs (-read +written):\n%s\n%s", diff, out)
	}
	again, _ := Marshal(back)
	if string(again) != string(out) {
		t.Errorf("writing is not stable:\n%s\n---\n%s", out, again)
	}
	if e := sc.Steps[1].Expect; e.ErrorFields == nil || len(e.ErrorFields) != 0 || !strings.Contains(string(out), "error_fields: []") {
		t.Errorf("error_fields: [] (expect none) was lost: %#v\n%s", e.ErrorFields, out)
	}
}

// TestEveryKeyIsExercised: everyKey gives every key the types define, so
// that a new key cannot miss the round trip.
func TestEveryKeyIsExercised(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(everyKey), &doc); err != nil {
		t.Fatal(err)
	}
	given := map[string]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				given[c.Value] = true
			}
			walk(c)
		}
	}
	walk(&doc)
	seen := map[reflect.Type]bool{}
	var check func(reflect.Type)
	check = func(t2 reflect.Type) {
		for t2.Kind() == reflect.Pointer || t2.Kind() == reflect.Slice {
			t2 = t2.Elem()
		}
		if t2.Kind() != reflect.Struct || seen[t2] {
			return
		}
		seen[t2] = true
		for key, i := range keysOf(t2) {
			if !given[key] {
				t.Errorf("%s.%s (%s) is not in everyKey", t2.Name(), t2.Field(i).Name, key)
			}
			check(t2.Field(i).Type)
		}
	}
	check(reflect.TypeFor[Scenario]())
}

// FuzzParse: no file makes Parse panic, and every scenario it accepts
// writes out and reads back as the same scenario.
func FuzzParse(f *testing.F) {
	f.Add([]byte(everyKey))
	f.Add([]byte("name: x\nsteps: [{view: {}}]\n"))
	f.Add([]byte("name: x\ncard: {number: '4'}\nsteps:\n  - authenticate: {amount: 1}\n    expect: {fields: {amount: \"SAR 0.01\"}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		out, err := Marshal(sc)
		if err != nil {
			t.Fatalf("an accepted scenario cannot be written: %v", err)
		}
		back, err := Parse("f.yaml", out)
		if err != nil {
			t.Fatalf("what Marshal wrote does not read: %v\n%s", err, out)
		}
		ignore := cmp.Options{cmpopts.IgnoreFields(Step{}, "Line"), cmpopts.IgnoreFields(Expect{}, "Line"), cmpopts.EquateEmpty()}
		if diff := cmp.Diff(sc, back, ignore); diff != "" {
			t.Fatalf("round trip differs (-read +written):\n%s\n%s", diff, out)
		}
	})
}
