package wallet_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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

// TestNoKeyVerifiesNothing: HMAC("", body) is computable by anyone, so an
// empty key must refuse every event — even one signed with it.
func TestNoKeyVerifiesNothing(t *testing.T) {
	event := []byte(`{"id":"ev-1","walletOperationId":"op","customerId":"cu","cardId":"ca","auth3dsId":"a-1","amount":100}`)
	for _, key := range [][]byte{nil, {}} {
		if wallet.VerifySignature(key, event, wallet.Sign(key, event)) {
			t.Fatalf("key %q verified a signature", key)
		}
		_, err := wallet.ConstructEvent(event, wallet.Sign(key, event), key)
		if !errors.Is(err, wallet.ErrNoKey) {
			t.Fatalf("key %q: %v, want ErrNoKey", key, err)
		}
	}
}

// TestSeveralSignatures: during a key rotation the header carries one
// signature per key; any that verifies is enough, none is not.
func TestSeveralSignatures(t *testing.T) {
	oldKey, newKey, other := []byte("old-key"), []byte("new-key"), []byte("other")
	body := []byte(`{"id":"ev-1"}`)
	for _, tc := range []struct {
		name string
		sig  string
		ok   bool
	}{
		{"new then old", wallet.SignAll(body, newKey, oldKey), true},
		{"old then new", wallet.SignAll(body, oldKey, newKey), true},
		{"with spaces", wallet.Sign(newKey, body) + ", " + wallet.Sign(oldKey, body), true},
		{"neither", wallet.SignAll(body, newKey, other), false},
		{"garbage then good", "%%%," + wallet.Sign(oldKey, body), true},
		{"empty entries", ",,", false},
		{"too many", strings.Repeat("x,", 8) + wallet.Sign(oldKey, body), false},
	} {
		if got := wallet.VerifySignature(oldKey, body, tc.sig); got != tc.ok {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.ok)
		}
	}
}

// TestTimestampWindow: an event is refused when its timestamp is more than
// the tolerance away from the receiver's (injected) clock, either way.
func TestTimestampWindow(t *testing.T) {
	key := []byte("the-hmac-key")
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	at := func(ts string) []byte {
		return []byte(`{"id":"ev-1","walletOperationId":"op","customerId":"cu","cardId":"ca","auth3dsId":"a-1","amount":100,"timestamp":"` + ts + `"}`)
	}
	for _, tc := range []struct {
		name      string
		body      []byte
		tolerance time.Duration
		stale     bool
	}{
		{"now", at("2026-01-01T09:00:00Z"), 0, false},
		{"4m59s old", at("2026-01-01T08:55:01Z"), 0, false},
		{"5m01s old", at("2026-01-01T08:54:59Z"), 0, true},
		{"an hour old", at("2026-01-01T08:00:00Z"), 0, true},
		{"from the future", at("2026-01-01T09:06:00Z"), 0, true},
		{"an hour old, window 2h", at("2026-01-01T08:00:00Z"), 2 * time.Hour, false},
		{"30s old, window 10s", at("2026-01-01T08:59:30Z"), 10 * time.Second, true},
		{"unreadable: let through", at("yesterday"), 0, false},
		{"absent: let through", []byte(`{"id":"ev-1","walletOperationId":"op","customerId":"cu","cardId":"ca","auth3dsId":"a-1","amount":100}`), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wallet.ConstructEventWithOptions(tc.body, wallet.Sign(key, tc.body), key,
				wallet.EventOptions{Tolerance: tc.tolerance, Now: func() time.Time { return now }})
			var ee *wallet.EventError
			switch {
			case tc.stale && (!errors.Is(err, wallet.ErrStale) || !errors.As(err, &ee) || ee.Status != 400):
				t.Fatalf("%v, want a 400 ErrStale", err)
			case tc.stale && !strings.Contains(err.Error(), "window"):
				t.Fatalf("the reason does not say why: %v", err)
			case !tc.stale && err != nil:
				t.Fatalf("refused: %v", err)
			}
		})
	}
}
