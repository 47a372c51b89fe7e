package wallet_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/wallet"
)

func TestReadEvent(t *testing.T) {
	key := []byte("the-hmac-key")
	event := []byte(`{"id":"ev-1","walletOperationId":"op","customerId":"cu","cardId":"ca","auth3dsId":"a-1","amount":100,"currency":"SAR"}`)
	// No customerId: the wallet cannot answer it (DecodeEvent's rule).
	partial := []byte(`{"id":"ev-1","walletOperationId":"op","cardId":"ca","auth3dsId":"a-1","amount":100}`)
	big := append([]byte(`{"id":"ev-1","auth3dsId":"a-1","merchantName":"`), bytes.Repeat([]byte("x"), wallet.MaxEventBytes)...)
	big = append(big, `"}`...)
	for _, tc := range []struct {
		name, method string
		body         []byte
		sig          string
		status       int // 0: accepted
		err          error
	}{
		{"good", "POST", event, wallet.Sign(key, event), 0, nil},
		{"unsigned", "POST", event, "", 401, wallet.ErrNotSigned},
		{"wrong key", "POST", event, wallet.Sign([]byte("other"), event), 401, wallet.ErrBadSignature},
		{"tampered", "POST", bytes.Replace(event, []byte("100"), []byte("999"), 1), wallet.Sign(key, event), 401, wallet.ErrBadSignature},
		{"not base64", "POST", event, "%%%", 401, wallet.ErrBadSignature},
		{"signed but not an event", "POST", []byte(`{"hello":1}`), wallet.Sign(key, []byte(`{"hello":1}`)), 400, wallet.ErrNotEvent},
		{"signed but an id missing", "POST", partial, wallet.Sign(key, partial), 400, wallet.ErrNotEvent},
		{"signed but not JSON", "POST", []byte(`hello`), wallet.Sign(key, []byte(`hello`)), 400, wallet.ErrNotEvent},
		{"too large, even if signed", "POST", big, wallet.Sign(key, big), 413, wallet.ErrTooLarge},
		{"GET", "GET", nil, "", 405, wallet.ErrNotPost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, wallet.EventPath, bytes.NewReader(tc.body))
			if tc.sig != "" {
				r.Header.Set(wallet.SignatureHeader, tc.sig)
			}
			ev, body, err := wallet.ReadEvent(r, key)
			if len(body) > wallet.MaxEventBytes {
				t.Errorf("returned %d bytes of body, more than the limit", len(body))
			}
			if tc.status == 0 {
				if err != nil || ev.Auth3dsID != "a-1" || ev.Amount != 100 || !bytes.Equal(body, tc.body) {
					t.Fatalf("ReadEvent = %+v, %q, %v", ev, body, err)
				}
				return
			}
			var ee *wallet.EventError
			if !errors.As(err, &ee) || ee.Status != tc.status || !errors.Is(err, tc.err) {
				t.Fatalf("ReadEvent error = %v (%#v), want status %d and %v", err, ee, tc.status, tc.err)
			}
			if ev != (wallet.Event{}) {
				t.Errorf("a refused delivery decoded %+v", ev)
			}
		})
	}
}

// A refusal's text is what the wallet tells the platform: it names the
// header and never quotes the key.
func TestConstructEventErrorText(t *testing.T) {
	key := []byte("SECRET-KEY")
	_, err := wallet.ConstructEvent([]byte(`{}`), "bad", key)
	if err == nil || !strings.Contains(err.Error(), "Signature header") || strings.Contains(err.Error(), string(key)) {
		t.Fatalf("error = %v", err)
	}
	var ee *wallet.EventError
	if !errors.As(err, &ee) || ee.Status != http.StatusUnauthorized {
		t.Fatalf("error = %#v", err)
	}
}
