package wallet

import (
	"testing"

	"github.com/walletsim/walletsim/client"
)

// FuzzDecode: no response body, whatever its status, panics the decoders,
// and an error response always yields a readable *Error.
func FuzzDecode(f *testing.F) {
	f.Add(201, []byte(`{"walletOperationId":"x","status":"VERIFIED","creationTime":"2021-07-15T17:54:12Z"}`))
	f.Add(400, []byte(`{"error":{"code":"5068","message":"Field error(s)","fieldErrors":[{"field":"f","error":"e"}]}}`))
	f.Add(401, []byte(`{"error":null}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		r := &client.Reply{Status: status, Body: body}
		if r.OK() {
			var res VerifyResult
			_ = client.DecodeSuccess("wallet.Verify", r, &res)
			return
		}
		err := decodeError(r)
		if e, ok := err.(*Error); !ok || e.HTTPStatus != status || e.Error() == "" {
			t.Fatalf("decodeError(%d, %q) = %#v", status, body, err)
		}
	})
}
