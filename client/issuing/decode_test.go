package issuing

import (
	"testing"

	"github.com/walletsim/walletsim/client"
)

// FuzzDecode: no response body, whatever its status, panics the decoders,
// and an error response always yields a readable *Error.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`{"status":"Success","message":"ok","code":200,"data":[{"otp_delivery_method":"SMS"}]}`))
	f.Add(400, []byte(`{"code":400,"message":"Error Message","status":"error"}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Add(400, []byte(`{"code":"x"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := &client.Reply{Status: status, Body: body}
		if r.OK() {
			var env Envelope
			_ = client.DecodeSuccess("issuing.Get", r, &env)
			return
		}
		err := decodeError(r)
		if e, ok := err.(*Error); !ok || e.HTTPStatus != status || e.Error() == "" {
			t.Fatalf("decodeError(%d, %q) = %#v", status, body, err)
		}
	})
}

// TestDecodeIsLenient: nothing in the issuer's 200 is acted on (its HTTP
// status is), so any JSON object is accepted: the seed's examples, fields
// it does not have, a data of another shape (left empty), nulls.
func TestDecodeIsLenient(t *testing.T) {
	for body, want := range map[string]string{
		`{"status":"Success","message":"Enroll 3DS details fetched successfully.","code":200,"data":[{"otp_delivery_method":"SMS","destination":"+628000110022","status":"ACTIVE"}]}`: "Enroll 3DS details fetched successfully. SMS +628000110022",
		`{"status":"Success","message":"ok","code":"200","data":{"otp_delivery_method":"SMS"},"trace":[1]}`:                                                                           "ok",
		`{"message":null,"data":null}`:                           "",
		`{"data":[{"otp_delivery_method":5,"destination":"d"}]}`: "  d",
	} {
		var env Envelope
		if err := client.DecodeSuccess("issuing.Get", &client.Reply{Status: 200, Body: []byte(body)}, &env); err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		got := env.Message
		for _, d := range env.Data {
			got += " " + string(d.OTPDeliveryMethod) + " " + d.Destination
		}
		if got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
	if err := client.DecodeSuccess("issuing.Get", &client.Reply{Status: 200, Body: []byte(`<html>`)}, &Envelope{}); err == nil {
		t.Error("HTML accepted as an answer")
	}
}
