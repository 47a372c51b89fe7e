package emv_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/emv"
)

// corpus is every message of every built exchange, as JSON objects.
func corpus(t *testing.T) []map[string]json.RawMessage {
	var out []map[string]json.RawMessage
	// An AReq whose addresses have ISO 3166-2 states (seed 004's example
	// has "Riyadh", which EMV's 3 characters cannot hold).
	a := request(emv.Mastercard, emv.ChannelBrowser)
	a.Billing = &emv.Address{City: "Riyadh", Country: "SA", Line1: "Al Worod", State: "01"}
	a.Shipping = a.Billing
	withStates, err := emv.Build(a, emv.Outcome{Status: emv.Authenticated, CAVV: cavvY})
	if err != nil {
		t.Fatal(err)
	}
	for _, steps := range append(builds(t, emv.Mastercard), withStates) {
		for _, s := range steps {
			data, err := json.Marshal(s.Message)
			if err != nil {
				t.Fatal(err)
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(data, &obj); err != nil {
				t.Fatal(err)
			}
			out = append(out, obj)
		}
	}
	// What no built exchange has: a cancel in a CReq (the app channel's
	// way), a CRes of a challenge not yet complete.
	for _, m := range []string{
		`{"messageType":"CReq","messageVersion":"2.2.0","threeDSServerTransID":"00000000-0000-4000-8000-000000000001","acsTransID":"00000000-0000-4000-8000-000000000003","challengeWindowSize":"05","challengeCancel":"01"}`,
		`{"messageType":"CRes","messageVersion":"2.2.0","threeDSServerTransID":"00000000-0000-4000-8000-000000000001","acsTransID":"00000000-0000-4000-8000-000000000003","challengeCompletionInd":"N"}`,
	} {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(m), &obj); err != nil {
			t.Fatal(err)
		}
		if vs := emv.CheckJSON([]byte(m)); len(vs) > 0 {
			t.Fatalf("extra corpus message is invalid: %s", violations(vs))
		}
		out = append(out, obj)
	}
	return out
}

// presence is what rule r requires of obj (computed here from the rule's
// data, as a reader of the rules would).
func presence(r emv.Rule, obj map[string]json.RawMessage) emv.Presence {
	if r.If.Field == "" {
		return r.Need
	}
	var v any
	json.Unmarshal(obj[r.If.Field], &v)
	if slices.Contains(r.If.In, fmt.Sprint(v)) {
		return r.Need
	}
	return r.Else
}

func typeOf(obj map[string]json.RawMessage) emv.MessageType {
	var t emv.MessageType
	json.Unmarshal(obj["messageType"], &t)
	return t
}

func reencode(t *testing.T, obj map[string]json.RawMessage) []byte {
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// reports says whether vs names field.
func reports(vs []emv.Violation, field, problem string) bool {
	for _, v := range vs {
		if v.Field == field && strings.Contains(v.Problem, problem) {
			return true
		}
	}
	return false
}

// TestCheckCatchesEachViolation: for every rule, a valid message that
// loses a field it requires, gains one it must not have, or has a value in
// the wrong format, is reported — and the report names the field.
func TestCheckCatchesEachViolation(t *testing.T) {
	msgs := corpus(t)
	// sample is a valid value of each field, from a message that has it.
	sample := map[string]json.RawMessage{}
	for _, obj := range msgs {
		for k, v := range obj {
			sample[k] = v
		}
	}
	// A few fields no built exchange carries: values from EMV examples.
	for k, v := range map[string]string{"challengeCancel": `"01"`, "acsOperatorID": `"OP"`} {
		if _, ok := sample[k]; !ok {
			sample[k] = json.RawMessage(v)
		}
	}
	for _, r := range emv.Rules() {
		name := string(r.Message) + "." + r.Field
		var missing, extra, format bool
		for _, obj := range msgs {
			if typeOf(obj) != r.Message {
				continue
			}
			p := presence(r, obj)
			_, has := obj[r.Field]
			switch {
			case p == emv.Required && has && !missing:
				mut := clone(obj)
				delete(mut, r.Field)
				missing = expectViolation(t, name+" removed", mut, r.Field, "missing")
			case p == emv.Absent && !has && !extra && r.Field != r.If.Field:
				mut := clone(obj)
				mut[r.Field] = sample[r.Field]
				extra = expectViolation(t, name+" added", mut, r.Field, "not allowed")
			}
			if has && !format {
				mut := clone(obj)
				mut[r.Field] = badValue(r)
				format = expectViolation(t, name+" malformed", mut, r.Field, "")
			}
		}
		conditional := r.Need != r.Else
		switch {
		case r.Need == emv.Required && !missing:
			t.Errorf("%s: no message to test its absence on", name)
		case conditional && r.Else == emv.Absent && !extra:
			t.Errorf("%s: no message to test its presence on", name)
		case !format && r.Field != "messageType":
			t.Errorf("%s: no message to test its format on", name)
		}
	}
}

func clone(obj map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	return out
}

func expectViolation(t *testing.T, what string, obj map[string]json.RawMessage, field, problem string) bool {
	t.Helper()
	vs := emv.CheckJSON(reencode(t, obj))
	if !reports(vs, field, problem) {
		t.Errorf("%s: Check did not report %s (%q); it said:\n%s", what, field, problem, violations(vs))
	}
	return true
}

// badValue is a value of the wrong type or format for r.
func badValue(r emv.Rule) json.RawMessage {
	switch r.Kind {
	case emv.KindBool:
		return json.RawMessage(`"yes"`)
	case emv.KindObject:
		return json.RawMessage(`5`)
	}
	if r.MaxLen > 0 {
		return json.RawMessage(`"https://` + strings.Repeat("x", r.MaxLen) + `"`)
	}
	return json.RawMessage(`"¬ valid"`)
}

func TestCheckUnknownAndBrokenMessages(t *testing.T) {
	for _, tc := range []struct {
		name, data, field, problem string
	}{
		{"unknown field", `{"messageType":"RRes","messageVersion":"2.2.0","threeDSServerTransID":"00000000-0000-4000-8000-000000000001","dsTransID":"00000000-0000-4000-8000-000000000002","acsTransID":"00000000-0000-4000-8000-000000000003","resultsStatus":"01","colour":"red"}`, "colour", "not a field of RRes"},
		{"not JSON", `{"messageType":`, "messageType", "not a JSON object"},
		{"unknown type", `{"messageType":"PReq"}`, "messageType", "not one of"},
		{"no type", `{}`, "messageType", "missing"},
		{"number for string", `{"messageType":"RRes","messageVersion":2}`, "messageVersion", "must be a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if vs := emv.CheckJSON([]byte(tc.data)); !reports(vs, tc.field, tc.problem) {
				t.Errorf("want %s: %s, got:\n%s", tc.field, tc.problem, violations(vs))
			}
		})
	}
}

// TestCheckExchangeCatches: each rule of an exchange as a whole, broken
// once on a valid exchange.
func TestCheckExchangeCatches(t *testing.T) {
	cases := outcomeCases()
	byName := func(name string) []emv.Step {
		for _, c := range cases {
			if c.name == name {
				return build(t, emv.Visa, c)
			}
		}
		t.Fatalf("no case %s", name)
		return nil
	}
	for _, tc := range []struct {
		name    string
		steps   func() []emv.Step
		problem string
	}{
		{"ARes before AReq", func() []emv.Step {
			s := byName("Y")
			s[0], s[2] = s[2], s[0]
			return s
		}, "expected AReq"},
		{"wrong direction", func() []emv.Step {
			s := byName("Y")
			s[3].To = emv.Merchant
			return s
		}, "expected ARes Directory Server → 3DS Server"},
		{"DS changes the AReq", func() []emv.Step {
			s := byName("Y")
			m := s[1].Message.(emv.AReq)
			m.PurchaseAmount = "1"
			s[1].Message = m
			return s
		}, "the DS changed the AReq"},
		{"3DS Server adds DS fields", func() []emv.Step {
			s := byName("Y")
			s[0].Message = s[1].Message
			return s
		}, "only the DS adds them"},
		{"DS changes the ARes", func() []emv.Step {
			s := byName("Y")
			m := s[3].Message.(emv.ARes)
			m.ECI = "07"
			s[3].Message = m
			return s
		}, "the DS changed the ARes"},
		{"other transaction id", func() []emv.Step {
			s := byName("C-Y")
			m := s[5].Message.(emv.RReq)
			m.ACSTransID = "00000000-0000-4000-8000-000000000009"
			s[5].Message, s[6].Message = m, m
			return s
		}, "transaction ids differ"},
		{"RReq after a final ARes", func() []emv.Step {
			return append(byName("Y"), byName("D-Y")[4:]...)
		}, "nothing follows it"},
		{"CRes disagrees with RReq", func() []emv.Step {
			s := byName("C-Y")
			m := s[9].Message.(emv.CRes)
			m.TransStatus = emv.NotAuthenticated
			s[9].Message = m
			return s
		}, "the CRes says N but the RReq Y"},
		{"decoupled with a challenge", func() []emv.Step {
			s := byName("D-Y")
			return append(s, byName("C-Y")[9])
		}, "no CReq or CRes"},
		{"too short", func() []emv.Step { return byName("Y")[:2] }, "at least AReq and ARes"},
		{"message after the last", func() []emv.Step {
			s := byName("C-Y")
			return append(s, s[9])
		}, "no message may follow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := emv.CheckExchange(tc.steps())
			found := false
			for _, v := range vs {
				found = found || strings.Contains(v.Problem, tc.problem)
			}
			if !found {
				t.Errorf("want %q, got:\n%s", tc.problem, violations(vs))
			}
		})
	}
}
