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
