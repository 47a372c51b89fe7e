package threeds

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client"
)

// seedAnswer is seed 004's 200 example as a map, to bend one field at a time.
func seedAnswer(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "seeds", "004", "authenticate.200.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func reply(t *testing.T, m map[string]any) *client.Reply {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return &client.Reply{Status: 200, Body: b}
}

// TestDecodeIsLenientWithWhatIsShown: every answer seed 004 allows is
// accepted — dates in other formats (kept as sent when unreadable),
// unknown fields, nullable or unexampled fields absent or null, descriptive
// fields of another type.
func TestDecodeIsLenientWithWhatIsShown(t *testing.T) {
	for name, tc := range map[string]struct {
		bend  func(m map[string]any)
		check func(a *Authentication) bool
	}{
		"seed example": {func(map[string]any) {}, func(a *Authentication) bool {
			return a.AuthStatus == "C" && a.PurchaseDate.String() == "2024-06-23T08:15:22Z" && *a.ChallengeURL != ""
		}},
		"EMV purchase_date": {func(m map[string]any) { m["purchase_date"] = "20261201051826" },
			func(a *Authentication) bool { return a.PurchaseDate.String() == "2026-12-01T05:18:26Z" }},
		"unreadable dates kept as sent": {func(m map[string]any) { m["created_at"], m["updated_at"] = "Tuesday", 7.5 },
			func(a *Authentication) bool {
				return a.CreatedAt.String() == "Tuesday" && a.UpdatedAt.String() == "7.5"
			}},
		"unknown fields": {func(m map[string]any) { m["livemode"] = false; m["meta"].(map[string]any)["extra"] = []any{1} },
			func(a *Authentication) bool { return a.AuthStatus == "C" }},
		"nullable fields absent": {func(m map[string]any) {
			for _, k := range []string{"auth_value", "eci", "failure_reason", "customer", "billing_address", "shipping_address", "device", "meta"} {
				delete(m, k)
			}
		}, func(a *Authentication) bool {
			return a.ECI == nil && a.Customer == nil && a.Meta.ARes.TransStatus == ""
		}},
		"nulls everywhere shown": {func(m map[string]any) {
			for _, k := range []string{"merchant_id", "message", "version", "purchase_date", "tds_ref", "scheme", "meta", "amount", "currency"} {
				m[k] = nil
			}
		}, func(a *Authentication) bool {
			return a.Message == "" && a.PurchaseDate.String() == "" && a.AuthStatus == "C"
		}},
		"descriptive fields of another type": {func(m map[string]any) {
			m["version"], m["message"], m["amount"], m["is_frictionless"] = 2.2, []any{"x"}, "100", "no"
			m["device"].(map[string]any)["color_depth"] = 24
		}, func(a *Authentication) bool { return a.Version == "" && a.Amount == 0 && a.Device.Language == "ar-SA" }},
		"no id: the one asked about": {func(m map[string]any) { delete(m, "id") },
			func(a *Authentication) bool { return a.ID == "asked" }},
		"frictionless without challenge_url": {func(m map[string]any) { m["auth_status"], m["challenge_url"] = "Y", nil },
			func(a *Authentication) bool { return a.AuthStatus == "Y" && a.ChallengeURL == nil }},
	} {
		m := seedAnswer(t)
		tc.bend(m)
		a, err := decodeAuthentication("threeds.Authenticate", reply(t, m), "asked")
		if err != nil || !tc.check(a) {
			t.Errorf("%s: %v %+v", name, err, a)
		}
	}
}

// TestDecodeIsStrictWithWhatIsActedOn: a wrong transStatus, id, status,
// challenge URL, ECI or CAVV is refused, naming the field.
func TestDecodeIsStrictWithWhatIsActedOn(t *testing.T) {
	for name, tc := range map[string]struct {
		bend  func(m map[string]any)
		field string
	}{
		"no auth_status":              {func(m map[string]any) { delete(m, "auth_status") }, "auth_status"},
		"auth_status lower case":      {func(m map[string]any) { m["auth_status"] = "y" }, "auth_status"},
		"auth_status a word":          {func(m map[string]any) { m["auth_status"] = "authenticated" }, "auth_status"},
		"auth_status a number":        {func(m map[string]any) { m["auth_status"] = 1 }, "auth_status"},
		"challenge without URL":       {func(m map[string]any) { m["challenge_url"] = nil }, "challenge_url"},
		"challenge with relative URL": {func(m map[string]any) { m["challenge_url"] = "/acs" }, "challenge_url"},
		"id a number":                 {func(m map[string]any) { m["id"] = 7 }, "id"},
		"status an object":            {func(m map[string]any) { m["status"] = map[string]any{} }, "status"},
		"eci a number":                {func(m map[string]any) { m["eci"] = 5 }, "eci"},
		"auth_value a number":         {func(m map[string]any) { m["auth_value"] = 0 }, "auth_value"},
	} {
		m := seedAnswer(t)
		tc.bend(m)
		_, err := decodeAuthentication("threeds.Authenticate", reply(t, m), "asked")
		var ae *client.AnswerError
		if !errors.As(err, &ae) || ae.Field != tc.field || !strings.Contains(err.Error(), tc.field+": ") {
			t.Errorf("%s: %v, want an error naming %s", name, err, tc.field)
		}
	}
}

// FuzzDecode: no response body, whatever its status, panics the decoders;
// an answer accepted is one walletsim can act on; an error response always
// yields a readable *Error.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`{"id":"x","auth_status":"Y","eci":null,"meta":{"ares":{"transStatus":"Y"}},"created_at":"2024-06-23T08:15:22.841Z"}`))
	f.Add(200, []byte(`{"id":"x","auth_status":"C","challenge_url":"https://acs.example/c","purchase_date":"20261201051826"}`))
	f.Add(200, []byte(`{"auth_status":"C","challenge_url":null}`))
	f.Add(422, []byte(`{"message":"Data validation failed","errors":{"number":["bad"]}}`))
	f.Add(401, []byte(`{"message":"Missing authentication information"}`))
	f.Add(422, []byte(`{"message":"x","errors":{"number":"not a list"}}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := &client.Reply{Status: status, Body: body}
		if r.OK() {
			a, err := decodeAuthentication("threeds.Authenticate", r, "asked")
			if err != nil {
				return
			}
			if !ValidTransStatus(a.AuthStatus) || a.AuthStatus == "C" && (a.ChallengeURL == nil || !ValidURL(*a.ChallengeURL)) || a.ID == "" {
				t.Fatalf("accepted %q as %+v", body, a)
			}
			return
		}
		err := DecodeError(r)
		if e, ok := err.(*Error); !ok || e.HTTPStatus != status || e.Error() == "" {
			t.Fatalf("decodeError(%d, %q) = %#v", status, body, err)
		}
	})
}
