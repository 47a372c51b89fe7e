package emv_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/walletsim/walletsim/client/emv"
)

func TestFormRoundTrip(t *testing.T) {
	steps := build(t, emv.Visa, outcomeCases()[2]) // C-Y
	creq, _ := emv.Find[emv.CReq](steps)
	cres, _ := emv.Find[emv.CRes](steps)
	form, err := emv.Encode(creq)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(form, "=+/") {
		t.Errorf("creq %q is not unpadded base64url", form)
	}
	if got, err := emv.DecodeCReq(form); err != nil || got != creq {
		t.Errorf("DecodeCReq = %+v, %v; want %+v", got, err, creq)
	}
	if got, err := emv.DecodeCReq(form + "=="); err != nil || got != creq {
		t.Errorf("padded: DecodeCReq = %+v, %v", got, err)
	}
	form, _ = emv.Encode(cres)
	if got, err := emv.DecodeCRes(form); err != nil || got != cres {
		t.Errorf("DecodeCRes = %+v, %v; want %+v", got, err, cres)
	}
}

func TestFormErrors(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cres := `{"messageType":"CRes","messageVersion":"2.2.0","threeDSServerTransID":"00000000-0000-4000-8000-000000000001","acsTransID":"00000000-0000-4000-8000-000000000003","challengeCompletionInd":"Y","transStatus":"Y"}`
	for _, tc := range []struct {
		name, form, want string
	}{
		{"not base64url", "a+b/c", "creq: not base64url"},
		{"not JSON", enc("hello"), "creq: emv: not a message"},
		{"a CRes", enc(cres), "creq: a CRes, not a CReq"},
		{"missing window", enc(`{"messageType":"CReq","messageVersion":"2.2.0","threeDSServerTransID":"00000000-0000-4000-8000-000000000001","acsTransID":"00000000-0000-4000-8000-000000000003"}`), "CReq.challengeWindowSize: missing"},
		{"too large", strings.Repeat("A", emv.MaxFormBytes+1), "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := emv.DecodeCReq(tc.form)
			var fe *emv.FormError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a *FormError with %q", err, tc.want)
			}
		})
	}
}

// FuzzDecodeForm: no input panics the decoders; what decodes is a valid
// message that encodes back to a form that decodes to the same message.
func FuzzDecodeForm(f *testing.F) {
	for _, c := range outcomeCases()[2:4] {
		for _, s := range build(&testing.T{}, emv.Visa, c) {
			if s.Form != "" {
				f.Add(s.Form)
			}
		}
	}
	f.Add("")
	f.Add("eyJ9")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"messageType":"CReq","challengeWindowSize":5}`)))
	f.Fuzz(func(t *testing.T, form string) {
		for _, decode := range []func(string) (emv.Message, error){
			func(s string) (emv.Message, error) { return emv.DecodeCReq(s) },
			func(s string) (emv.Message, error) { return emv.DecodeCRes(s) },
		} {
			m, err := decode(form)
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error")
				}
				continue
			}
			if vs := emv.Check(m); len(vs) > 0 {
				t.Fatalf("decoded an invalid message: %s", violations(vs))
			}
			again, err := emv.Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			back, err := decode(again)
			if err != nil || back != m {
				t.Fatalf("round trip: %+v, %v; want %+v", back, err, m)
			}
		}
	})
}

// FuzzEncodeCReq: any CReq, however strange its strings, survives
// Encode and base64url decoding byte for byte.
func FuzzEncodeCReq(f *testing.F) {
	f.Add("00000000-0000-4000-8000-000000000001", "05", "01")
	f.Add("\x00<&>\u2028", "", "\xff")
	f.Fuzz(func(t *testing.T, id, window, cancel string) {
		if !utf8.ValidString(id) || !utf8.ValidString(window) || !utf8.ValidString(cancel) {
			t.Skip("JSON carries text: invalid UTF-8 is replaced, by design")
		}
		m := emv.CReq{MessageType: emv.TypeCReq, MessageVersion: emv.Version, ThreeDSServerTransID: id,
			ACSTransID: id, ChallengeWindowSize: emv.WindowSize(window), ChallengeCancel: emv.ChallengeCancel(cancel)}
		form, err := emv.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		data, err := base64.RawURLEncoding.DecodeString(form)
		if err != nil {
			t.Fatal(err)
		}
		got, err := emv.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if got != m {
			t.Fatalf("got %+v, want %+v", got, m)
		}
	})
}
