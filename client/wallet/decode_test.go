package wallet

import (
	"errors"
	"testing"

	"github.com/walletsim/walletsim/client"
)

// TestDecodeVerifyResult: the 201 is read whatever its date format, with
// statusReason absent (as in seed 002's VERIFIED example) and fields the
// seed does not have; the recorded status must be one of the seed's.
func TestDecodeVerifyResult(t *testing.T) {
	for body, want := range map[string]string{
		// seed 002's VERIFIED example, verbatim
		`{"walletOperationId":"bbbd87eb-08a9-437b-a9a7-df47b601593b","verification":{"method":"BIOMETRIC"},"status":"VERIFIED","customerId":"5435323362","cardId":"ff3713e7-61f5-4c54-9131-81ba820c2efa","auth3dsId":"41260ee6-4b29-43c8-8e00-4c911f0179f9","creationTime":"2021-07-15T17:54:12Z"}`: "VERIFIED 2021-07-15T17:54:12Z",
		`{"status":"FAILED","statusReason":"3DS authentication request has expired.","creationTime":"2021-07-15T17:54:12.000+0000","links":[{}]}`:                                                                                                                                                   "FAILED 2021-07-15T17:54:12Z",
		`{"status":"REJECTED","creationTime":"last week","verification":null}`: "REJECTED last week",
	} {
		res, err := decodeVerifyResult("wallet.Verify", &client.Reply{Status: 201, Body: []byte(body)})
		if err != nil || string(res.Status)+" "+res.CreationTime.String() != want {
			t.Errorf("%s: %v %+v", body, err, res)
		}
	}
	for _, body := range []string{`{}`, `{"status":"verified"}`, `{"status":1}`, `{"status":"VERIFIED","auth3dsId":5}`} {
		_, err := decodeVerifyResult("wallet.Verify", &client.Reply{Status: 201, Body: []byte(body)})
		var ae *client.AnswerError
		if !errors.As(err, &ae) || ae.Field == "" {
			t.Errorf("%s: %v, want an error naming the field", body, err)
		}
	}
}

// TestDecodeEvent: the event's ids and amount are what the wallet acts on;
// its timestamp is only shown.
func TestDecodeEvent(t *testing.T) {
	ok := `{"id":"e","walletOperationId":"w","cardId":"c","customerId":"u","auth3dsId":"a","amount":100,"timestamp":"2026-12-01T08:18:26.123+0300","eventType":"new"}`
	ev, err := DecodeEvent([]byte(ok))
	if err != nil || ev.Timestamp.String() != "2026-12-01T05:18:26Z" || ev.Amount != 100 {
		t.Fatalf("%v %+v", err, ev)
	}
	if ev, err := DecodeEvent([]byte(`{"walletOperationId":"w","cardId":"c","customerId":"u","auth3dsId":"a","timestamp":"soon"}`)); err != nil || ev.Timestamp.String() != "soon" {
		t.Errorf("unreadable timestamp: %v %+v", err, ev)
	}
	for body, field := range map[string]string{
		`{"walletOperationId":"w","cardId":"c","customerId":"u"}`:                              "auth3dsId",
		`{"walletOperationId":"w","cardId":"c","auth3dsId":"a"}`:                               "customerId",
		`{"walletOperationId":"w","cardId":"c","customerId":"u","auth3dsId":7}`:                "auth3dsId",
		`{"walletOperationId":"w","cardId":"c","customerId":"u","auth3dsId":"a","amount":9.9}`: "amount",
		`[]`: "",
	} {
		_, err := DecodeEvent([]byte(body))
		var ae *client.AnswerError
		if !errors.As(err, &ae) || ae.Field != field {
			t.Errorf("%s: %v, want an error naming %q", body, err, field)
		}
	}
}

// FuzzDecode: no response body, whatever its status, panics the decoders;
// an accepted 201 has one of the seed's statuses; an error response always
// yields a readable *Error.
func FuzzDecode(f *testing.F) {
	f.Add(201, []byte(`{"walletOperationId":"x","status":"VERIFIED","creationTime":"2021-07-15T17:54:12Z"}`))
	f.Add(201, []byte(`{"status":"FAILED","creationTime":"2021-07-15T17:54:12.000+0000"}`))
	f.Add(400, []byte(`{"error":{"code":"5068","message":"Field error(s)","fieldErrors":[{"field":"f","error":"e"}]}}`))
	f.Add(401, []byte(`{"error":null}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := &client.Reply{Status: status, Body: body}
		if r.OK() {
			if res, err := decodeVerifyResult("wallet.Verify", r); err == nil && !res.Status.Valid() {
				t.Fatalf("accepted %q as %+v", body, res)
			}
			if ev, err := DecodeEvent(body); err == nil && (ev.Auth3dsID == "" || ev.CustomerID == "" || ev.CardID == "") {
				t.Fatalf("accepted event %q as %+v", body, ev)
			}
			return
		}
		err := decodeError(r)
		if e, ok := err.(*Error); !ok || e.HTTPStatus != status || e.Error() == "" {
			t.Fatalf("decodeError(%d, %q) = %#v", status, body, err)
		}
	})
}
