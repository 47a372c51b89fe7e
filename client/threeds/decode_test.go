package threeds

import (
	"testing"

	"github.com/walletsim/walletsim/client"
)

// FuzzDecode: no response body, whatever its status, panics the decoders,
// and an error response always yields a readable *Error.
func FuzzDecode(f *testing.F) {
	f.Add(200, []byte(`{"id":"x","eci":null,"meta":{"ares":{"transStatus":"Y"}},"created_at":"2024-06-23T08:15:22.841Z"}`))
	f.Add(422, []byte(`{"message":"Data validation failed","errors":{"number":["bad"]}}`))
	f.Add(401, []byte(`{"message":"Missing authentication information"}`))
	f.Add(422, []byte(`{"message":"x","errors":{"number":"not a list"}}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := &client.Reply{Status: status, Body: body}
		if r.OK() {
			var a Authentication
			_ = client.DecodeSuccess("threeds.Authenticate", r, &a)
			return
		}
		err := DecodeError(r)
		if e, ok := err.(*Error); !ok || e.HTTPStatus != status || e.Error() == "" {
			t.Fatalf("decodeError(%d, %q) = %#v", status, body, err)
		}
	})
}
