package client_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
)

func TestTimeReadsWhatServersSend(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		json string
		want time.Time // zero with raw set: kept as sent
		raw  string
		show string
	}{
		{`"2024-06-23T08:15:22.841Z"`, at("2024-06-23T08:15:22.841Z"), "", "2024-06-23T08:15:22Z"},     // seed 004's example
		{`"2021-07-15T17:54:12Z"`, at("2021-07-15T17:54:12Z"), "", "2021-07-15T17:54:12Z"},             // seed 002's
		{`"20261201051826"`, at("2026-12-01T05:18:26Z"), "", "2026-12-01T05:18:26Z"},                   // EMV purchaseDate
		{`20261201051826`, at("2026-12-01T05:18:26Z"), "", "2026-12-01T05:18:26Z"},                     // the same, as a number
		{`"2026-12-01 05:18:26"`, at("2026-12-01T05:18:26Z"), "", "2026-12-01T05:18:26Z"},              // a space, no zone: UTC
		{`"2026-12-01T08:18:26.123+0300"`, at("2026-12-01T05:18:26.123Z"), "", "2026-12-01T05:18:26Z"}, // Java's offset
		{`"2026-12-01T08:18:26+03:00"`, at("2026-12-01T05:18:26Z"), "", "2026-12-01T05:18:26Z"},
		{`1764566306`, at("2025-12-01T05:18:26Z"), "", "2025-12-01T05:18:26Z"},        // epoch seconds
		{`1764566306123`, at("2025-12-01T05:18:26.123Z"), "", "2025-12-01T05:18:26Z"}, // epoch milliseconds
		{`"2026-12-01"`, at("2026-12-01T00:00:00Z"), "", "2026-12-01T00:00:00Z"},
		{`null`, time.Time{}, "", ""},
		{`"yesterday"`, time.Time{}, "yesterday", "yesterday"},
		{`""`, time.Time{}, `""`, `""`},
		{`{"epoch": 1}`, time.Time{}, `{"epoch":1}`, `{"epoch":1}`},
		{`true`, time.Time{}, "true", "true"},
		{`-5`, time.Time{}, "-5", "-5"},
	} {
		var got client.Time
		if err := json.Unmarshal([]byte(tc.json), &got); err != nil {
			t.Errorf("%s: %v", tc.json, err)
			continue
		}
		if !got.Time.Equal(tc.want) || got.Raw != tc.raw || got.String() != tc.show || got.Readable() != (tc.raw == "") {
			t.Errorf("%s: got %v raw %q shown %q", tc.json, got.Time, got.Raw, got.String())
		}
	}
}

func TestTimeMarshalsAsTimeDoesOrAsSent(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 5, time.UTC)
	want, _ := now.MarshalJSON()
	if got, _ := json.Marshal(client.At(now)); string(got) != string(want) {
		t.Errorf("%s, want %s", got, want)
	}
	if got, _ := json.Marshal(client.Time{Raw: "yesterday"}); string(got) != `"yesterday"` {
		t.Errorf("raw: %s", got)
	}
}

type shown struct {
	Message string      `json:"message"`
	Amount  int64       `json:"amount"`
	When    client.Time `json:"when"`
	Next    string      `json:"next"`
}

func TestDecodeSuccessIsLenientWithShownFields(t *testing.T) {
	var v shown
	r := &client.Reply{Status: 200, Body: []byte(`{"message": 42, "amount": "100", "when": "20261201051826", "next": "kept", "unknown": [1]}`)}
	if err := client.DecodeSuccess("op", r, &v); err != nil {
		t.Fatal(err)
	}
	if v.Message != "" || v.Amount != 0 || v.Next != "kept" || v.When.String() != "2026-12-01T05:18:26Z" {
		t.Errorf("%+v", v)
	}
	for _, body := range []string{`not json`, `[1, 2]`, ``, `"a string"`} {
		err := client.DecodeSuccess("op", &client.Reply{Status: 200, Body: []byte(body)}, &v)
		var ae *client.AnswerError
		if !errors.As(err, &ae) || ae.Field != "" {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestStrictNamesTheField(t *testing.T) {
	var s struct {
		Meta struct {
			Status *string `json:"status"`
		} `json:"meta"`
		Amount *int64 `json:"amount"`
	}
	for body, want := range map[string]string{
		`{"meta": {"status": 5}}`: "op: the 200 answer cannot be used: meta.status: must be a string, not number",
		`{"amount": 1.5}`:         "op: the 200 answer cannot be used: amount: must be a whole number, not number 1.5",
		`{"amount": "100"}`:       "op: the 200 answer cannot be used: amount: must be a whole number, not string",
	} {
		err := client.Strict("op", &client.Reply{Status: 200, Body: []byte(body)}, &s)
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", body, err, want)
		}
	}
}

// FuzzTime: reading a date never fails nor panics; what was read writes
// back as the same time, what was not is kept as sent.
func FuzzTime(f *testing.F) {
	for _, s := range []string{`"2024-06-23T08:15:22.841Z"`, `20261201051826`, `"20261201051826"`, `null`, `"x"`, `{}`, `1e3`, `"2026-12-01 05:18:26+0300"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got client.Time
		if err := got.UnmarshalJSON(b); err != nil {
			t.Fatalf("%q: %v", b, err)
		}
		out, err := json.Marshal(got)
		if err != nil {
			if got.Readable() && (got.Year() < 0 || got.Year() > 9999) {
				return // time.Time cannot write such years either
			}
			t.Fatalf("%q: marshal: %v", b, err)
		}
		var again client.Time
		if err := json.Unmarshal(out, &again); err != nil || !again.Time.Equal(got.Time) || again.Raw != got.Raw && got.Raw != `""` {
			t.Fatalf("%q → %s → %+v, want %+v", b, out, again, got)
		}
	})
}
