package wallet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/walletsim/walletsim/client"
)

// EventPath is where the platform POSTs ThreeDSecureEvents on the wallet's
// backend.
const EventPath = "/prepaid/card/threedsecure/events"

// SignatureHeader carries base64(HMAC-SHA256(hmacKey, raw body)).
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

// VerifySignature reports whether signature is body's signature under
// hmacKey, in constant time.
func VerifySignature(hmacKey, body []byte, signature string) bool {
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, hmacKey)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Pending is a 3DS authentication waiting for the wallet, as walletsim's
// sandbox extension GET …/3ds-authentications[/{auth3dsId}] shows it.
type Pending struct {
	Event
	Status       string    `json:"status"` // PENDING | VERIFIED | REJECTED | FAILED
	StatusReason string    `json:"statusReason,omitempty"`
	ExpiresAt    time.Time `json:"expiresAt"`
}
