package wallet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"
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
	ID                string    `json:"id"`
	WalletOperationID string    `json:"walletOperationId"`
	CardID            string    `json:"cardId"`
	CustomerID        string    `json:"customerId"`
	Auth3dsID         string    `json:"auth3dsId"`
	Amount            int64     `json:"amount"` // minor units
	Currency          string    `json:"currency"`
	Timestamp         time.Time `json:"timestamp"`
	MerchantName      string    `json:"merchantName"`
	LastFourDigits    string    `json:"lastFourDigits"`
	CardScheme        string    `json:"cardScheme"` // VISA | MC
	CardType          string    `json:"cardType"`   // VIRTUAL | PHYSICAL
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
