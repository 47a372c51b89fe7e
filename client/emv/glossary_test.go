package emv_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/walletsim/walletsim/client/emv"
)

// jsonNames are the JSON field names of a message type, sorted.
func jsonNames(m emv.Message) []string {
	var out []string
	rt := reflect.TypeOf(m)
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// TestGlossaryCoversEveryField: every field any message can carry (by its
// Go type, so a new field cannot be added without a meaning) has a
// one-line meaning that fits after its name on an 80-column screen.
func TestGlossaryCoversEveryField(t *testing.T) {
	fields := []string{"cc", "subscriber"} // mobilePhone's
	for _, m := range []emv.Message{emv.AReq{}, emv.ARes{}, emv.CReq{}, emv.CRes{}, emv.RReq{}, emv.RRes{}} {
		fields = append(fields, jsonNames(m)...)
	}
	for _, f := range fields {
		meaning := emv.Meaning(f)
		if meaning == "" {
			t.Errorf("%s has no glossary entry", f)
		}
		if n := utf8.RuneCountInString(meaning); n > 72 {
			t.Errorf("%s: meaning is %d characters, more than 72: %q", f, n, meaning)
		}
		if strings.Contains(meaning, "\n") {
			t.Errorf("%s: meaning is more than one line", f)
		}
	}
}

// TestGlossaryCoversEveryCode: the code tables the issue names are
// complete, and every coded value in every built message has a meaning.
func TestGlossaryCoversEveryCode(t *testing.T) {
	complete := map[string][]string{
		"transStatusReason":   seq(1, 26),
		"authenticationType":  seq(1, 4),
		"challengeCancel":     {"01", "03", "04", "05", "06", "07", "08"},
		"deviceChannel":       seq(1, 3),
		"messageCategory":     seq(1, 2),
		"challengeWindowSize": seq(1, 5),
		"transStatus":         {"Y", "A", "N", "U", "R", "C", "D", "I"},
	}
	for field, want := range complete {
		var got []string
		for _, c := range emv.Codes(field) {
			got = append(got, c.Value)
			if c.Meaning == "" {
				t.Errorf("%s %s has no meaning", field, c.Value)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s codes = %v, want %v", field, got, want)
		}
	}
	for _, s := range emv.Schemes {
		for _, c := range outcomeCases() {
			for _, step := range build(t, s, c) {
				data, _ := json.Marshal(step.Message)
				var obj map[string]any
				json.Unmarshal(data, &obj)
				for f, v := range obj {
					s, ok := v.(string)
					if ok && emv.Codes(f) != nil && emv.CodeMeaning(f, s) == "" {
						t.Errorf("%s %s.%s = %q has no meaning", c.name, step.Message.Type(), f, s)
					}
				}
			}
		}
	}
}

func seq(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("%02d", i))
	}
	return out
}
