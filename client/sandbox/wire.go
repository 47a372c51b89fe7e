package sandbox

import (
	"bytes"
	"strings"

	"github.com/segmentio/encoding/json"

	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// The hot request bodies — authenticate and the wallet's verify — are
// decoded straight into typed fields. A body the typed decode cannot give
// exactly as the field-by-field reading (decodeObject, then a fieldReader)
// would is handed to that reading, which also names every problem.

// authenticateWire is an authenticate body as its types say. The nested
// objects stay raw until the body is read, so that a key sent twice gives
// the last value whole, as the field-by-field reading gives it (decoding
// twice into one struct would merge the two).
type authenticateWire struct {
	Number              string          `json:"number"`
	Month               int             `json:"month"`
	Year                int             `json:"year"`
	Channel             string          `json:"channel"`
	ReturnURL           string          `json:"return_url"`
	Name                string          `json:"name"`
	ChallengePreference string          `json:"challenge_preference"`
	Customer            json.RawMessage `json:"customer"`
	BillingAddress      json.RawMessage `json:"billing_address"`
	ShippingAddress     json.RawMessage `json:"shipping_address"`
	CustomerDevice      json.RawMessage `json:"customer_device"`
}

// The nested objects, with exactly the fields decodeAuthenticate reads.
type (
	customerWire struct {
		Name   string `json:"name"`
		Email  string `json:"email"`
		Mobile string `json:"mobile"`
	}
	addressWire struct {
		City       string `json:"city"`
		Country    string `json:"country"`
		Line1      string `json:"line_1"`
		Line2      string `json:"line_2"`
		PostalCode string `json:"postal_code"`
		State      string `json:"state"`
	}
	deviceWire struct {
		IPAddress         string `json:"ip_address"`
		UserAgent         string `json:"user_agent"`
		AcceptHeader      string `json:"accept_header"`
		JavascriptEnabled *bool  `json:"javascript_enabled"`
		Language          string `json:"language"`
		ColorDepth        string `json:"color_depth"`
		ScreenHeight      int    `json:"screen_height"`
		ScreenWidth       int    `json:"screen_width"`
		Timezone          string `json:"timezone"`
	}
)

// wireFlags: keys match exactly (encoding/json would also take "NUMBER"),
// and raw objects point into the body, which is read before it is reused.
const wireFlags = json.DontMatchCaseInsensitiveStructFields | json.DontCopyRawMessage

// maxWireInt bounds the integers the field-by-field reading accepts.
const maxWireInt = 1e9

// decodeAuthenticateFast decodes an authenticate body straight into a
// request, and reports false for any body whose request it cannot give
// exactly as decodeAuthenticate would: one with a null anywhere (a null
// after a value of the same key would leave the value), a value of the
// wrong type, a month or year of 0, an integer beyond ±1e9, anything but
// white space (or what Decoder.More ignores) after the object.
func decodeAuthenticateFast(body []byte) (threeds.AuthenticateRequest, bool) {
	var req threeds.AuthenticateRequest
	var w authenticateWire
	if bytes.Contains(body, []byte("null")) || len(body) > 2*maxJSONDepth && tooDeep(body) || !parseWire(body, &w) ||
		w.Month == 0 || w.Year == 0 || !inRange(w.Month, w.Year) {
		return req, false
	}
	req = threeds.AuthenticateRequest{
		Number: trim(w.Number), Month: w.Month, Year: w.Year, Channel: threeds.Channel(trim(w.Channel)),
		ReturnURL: trim(w.ReturnURL), Name: trim(w.Name), ChallengePreference: threeds.ChallengePreference(trim(w.ChallengePreference)),
	}
	if !w.nested(&req) {
		return req, false
	}
	withDefaults(&req)
	return req, true
}

// nested decodes the customer, the addresses and the device into req.
func (w *authenticateWire) nested(req *threeds.AuthenticateRequest) bool {
	var c customerWire
	var billing, shipping addressWire
	var d deviceWire
	if !parseObject(w.Customer, &c) || !parseObject(w.BillingAddress, &billing) ||
		!parseObject(w.ShippingAddress, &shipping) || !parseObject(w.CustomerDevice, &d) ||
		!inRange(d.ScreenHeight, d.ScreenWidth) {
		return false
	}
	if w.Customer != nil {
		req.Customer = &threeds.Customer{Name: trim(c.Name), Email: trim(c.Email), Mobile: trim(c.Mobile)}
	}
	if w.BillingAddress != nil {
		req.BillingAddress = billing.address()
	}
	if w.ShippingAddress != nil {
		req.ShippingAddress = shipping.address()
	}
	if w.CustomerDevice != nil {
		req.CustomerDevice = d.device()
	}
	return true
}

func (d deviceWire) device() *threeds.Device {
	return &threeds.Device{
		IPAddress: trim(d.IPAddress), UserAgent: trim(d.UserAgent), AcceptHeader: trim(d.AcceptHeader),
		JavascriptEnabled: d.JavascriptEnabled, Language: trim(d.Language), ColorDepth: trim(d.ColorDepth),
		ScreenHeight: d.ScreenHeight, ScreenWidth: d.ScreenWidth, Timezone: trim(d.Timezone),
	}
}

func (a addressWire) address() *threeds.Address {
	return &threeds.Address{City: trim(a.City), Country: trim(a.Country), Line1: trim(a.Line1), Line2: trim(a.Line2),
		PostalCode: trim(a.PostalCode), State: trim(a.State)}
}

// parseWire decodes a whole body into v.
func parseWire(b []byte, v any) bool {
	rest, err := json.Parse(b, v, wireFlags)
	return err == nil && (len(rest) == 0 || rest[0] == ']' || rest[0] == '}')
}

// parseObject decodes raw, when present, into v; raw must be an object (a
// struct takes nothing else).
func parseObject(raw json.RawMessage, v any) bool {
	return raw == nil || parseWire(raw, v)
}

func inRange(ns ...int) bool {
	for _, n := range ns {
		if n > maxWireInt || n < -maxWireInt {
			return false
		}
	}
	return true
}

func trim(s string) string { return strings.TrimSpace(s) }

// verifyWire is the wallet's verify body as its types say.
type verifyWire struct {
	WalletOperationID string          `json:"walletOperationId"`
	Verification      json.RawMessage `json:"verification"`
	Status            string          `json:"status"`
	StatusReason      string          `json:"statusReason"`
}

type verificationWire struct {
	Method string `json:"method"`
}

// decodeVerifyFast decodes a verify body whose values all have their types
// and whose verification is an object, as decodeVerify's reading would
// (which does not trim); any other body it hands on.
func decodeVerifyFast(body []byte) (wallet.VerifyRequest, bool) {
	var w verifyWire
	var v verificationWire
	if bytes.Contains(body, []byte("null")) || len(body) > 2*maxJSONDepth && tooDeep(body) ||
		!parseWire(body, &w) || w.Verification == nil || !parseWire(w.Verification, &v) {
		return wallet.VerifyRequest{}, false
	}
	return wallet.VerifyRequest{
		WalletOperationID: w.WalletOperationID, Verification: wallet.Verification{Method: wallet.Method(v.Method)},
		Status: wallet.Status(w.Status), StatusReason: w.StatusReason,
	}, true
}
