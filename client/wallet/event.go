package wallet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/walletsim/walletsim/client"
)

// EventPath is where the platform POSTs ThreeDSecureEvents on the wallet's
// backend.
const EventPath = "/prepaid/card/threedsecure/events"

// SignatureHeader carries base64(HMAC-SHA256(hmacKey, raw body)). While
// the platform rotates its key it carries one signature per key, separated
// by commas (as Stripe-Signature carries several v1 entries): the receiver
// accepts the event when any of them verifies.
const SignatureHeader = "Signature"

// Event is the ThreeDSecureEvent the platform sends the wallet when a card's
// 3DS authentication needs the cardholder's decision. The wallet answers it
// with Verify, echoing WalletOperationID.
type Event struct {
	ID                string      `json:"id"`
	WalletOperationID string      `json:"walletOperationId"`
	CardID            string      `json:"cardId"`
	CustomerID        string      `json:"customerId"`
	Auth3dsID         string      `json:"auth3dsId"`
	Amount            int64       `json:"amount"` // minor units
	Currency          string      `json:"currency"`
	Timestamp         client.Time `json:"timestamp"`
	MerchantName      string      `json:"merchantName"`
	LastFourDigits    string      `json:"lastFourDigits"`
	CardScheme        string      `json:"cardScheme"` // VISA | MC
	CardType          string      `json:"cardType"`   // VIRTUAL | PHYSICAL
}

// DecodeEvent reads a webhook body. Like the answers, it is lenient with
// what the wallet only shows (a timestamp in any format is kept as sent) and
// strict with what it acts on: the ids it answers with must be strings and
// present, and the amount a whole number of minor units.
func DecodeEvent(body []byte) (Event, error) {
	const op = "webhook.ThreeDSecureEvent"
	r := &client.Reply{Body: body}
	var ev Event
	if err := client.DecodeSuccess(op, r, &ev); err != nil {
		return Event{}, err
	}
	var s struct {
		ID                *string `json:"id"`
		WalletOperationID *string `json:"walletOperationId"`
		CardID            *string `json:"cardId"`
		CustomerID        *string `json:"customerId"`
		Auth3dsID         *string `json:"auth3dsId"`
		Amount            *int64  `json:"amount"`
	}
	if err := client.Strict(op, r, &s); err != nil {
		return Event{}, err
	}
	for _, f := range []struct {
		name  string
		value string
	}{{"auth3dsId", ev.Auth3dsID}, {"walletOperationId", ev.WalletOperationID}, {"customerId", ev.CustomerID}, {"cardId", ev.CardID}} {
		if f.value == "" {
			return Event{}, &client.AnswerError{Op: op, Field: f.name, Problem: "missing: the wallet answers with it"}
		}
	}
	return ev, nil
}

// Sign returns the Signature header value for body.
func Sign(hmacKey, body []byte) string {
	mac := hmac.New(sha256.New, hmacKey)
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignAll returns the Signature header value for body under several keys
// (a rotation's overlap: the new key first).
func SignAll(body []byte, hmacKeys ...[]byte) string {
	sigs := make([]string, len(hmacKeys))
	for i, k := range hmacKeys {
		sigs[i] = Sign(k, body)
	}
	return strings.Join(sigs, ",")
}

// maxSignatures bounds the signatures one header may carry, so that a
// forged header cannot make the receiver compute HMACs without end.
const maxSignatures = 8

// VerifySignature reports whether signature — one base64 signature, or
// several separated by commas — holds body's signature under hmacKey. Each
// comparison is constant-time, and every entry is compared, so the time
// taken says nothing about which one matched. An empty key verifies
// nothing.
func VerifySignature(hmacKey, body []byte, signature string) bool {
	if len(hmacKey) == 0 {
		return false
	}
	mac := hmac.New(sha256.New, hmacKey)
	mac.Write(body)
	want := mac.Sum(nil)
	entries := strings.Split(signature, ",")
	if len(entries) > maxSignatures {
		return false
	}
	ok := false
	for _, e := range entries {
		got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(e))
		if err == nil && hmac.Equal(got, want) {
			ok = true
		}
	}
	return ok
}

// Pending is a 3DS authentication waiting for the wallet, as walletsim's
// sandbox extension GET …/3ds-authentications[/{auth3dsId}] shows it.
type Pending struct {
	Event
	Status       string    `json:"status"` // PENDING | VERIFIED | REJECTED | FAILED
	StatusReason string    `json:"statusReason,omitempty"`
	ExpiresAt    time.Time `json:"expiresAt"`
}
