package sandbox

import (
	"bytes"
	"strings"
	"sync"

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
// request, with the string fields sent empty (or blank) named as the
// field-by-field reading names them, and reports false for any body whose
// request it cannot give exactly as decodeAuthenticate would: one with a
// null anywhere (a null after a value of the same key would leave the
// value), a value of the wrong type, a month or year of 0, an integer
// beyond ±1e9, a NUL (see unsent), anything but white space (or what
// Decoder.More ignores) after the object.
func decodeAuthenticateFast(body []byte) (threeds.AuthenticateRequest, []string, bool) {
	var req threeds.AuthenticateRequest
	if bytes.Contains(body, []byte("null")) || hasNUL(body) || len(body) > 2*maxJSONDepth && tooDeep(body) {
		return req, nil, false
	}
	ws := wires.Get().(*wireScratch)
	defer ws.release()
	w := &ws.body
	*w = authenticateWire{Number: unsent, Channel: unsent, ReturnURL: unsent, Name: unsent, ChallengePreference: unsent}
	if !parseWire(body, w) || w.Month == 0 || w.Year == 0 || !inRange(w.Month, w.Year) {
		return req, nil, false
	}
	var r wireReader
	req = threeds.AuthenticateRequest{
		Number: r.str(w.Number, "number"), Month: w.Month, Year: w.Year, Channel: threeds.Channel(r.str(w.Channel, "channel")),
		ReturnURL: r.str(w.ReturnURL, "return_url"), Name: r.str(w.Name, "name"),
		ChallengePreference: threeds.ChallengePreference(r.str(w.ChallengePreference, "challenge_preference")),
	}
	if !r.nested(ws, &req) {
		return req, nil, false
	}
	withDefaults(&req)
	return req, r.empty, true
}

// wireScratch holds the wire structs of one authenticate body while it is
// decoded. Decoding takes them as interfaces, so local ones would each be
// moved to the heap (about 600 bytes in five allocations a request); they
// are recycled instead. Nothing decoded points into them: strings are
// copies and the raw objects point into the body.
type wireScratch struct {
	body              authenticateWire
	customer          customerWire
	billing, shipping addressWire
	device            deviceWire
}

var wires = sync.Pool{New: func() any { return new(wireScratch) }}

// release clears ws (it keeps nothing of the body, whose buffer is reused)
// and returns it to wires.
func (ws *wireScratch) release() {
	*ws = wireScratch{}
	wires.Put(ws)
}

// unsent is what a string field of a wire struct holds before decoding, so
// that one the body sent empty can be told from one it did not send (seed
// 004's min:1 rules refuse the first). No JSON text but one holding a NUL
// decodes to it, and such bodies take the field-by-field reading.
const unsent = "\x00unsent"

func hasNUL(b []byte) bool {
	return bytes.IndexByte(b, 0) >= 0 || bytes.Contains(b, []byte(`\u0000`))
}

// wireReader trims a decoded string field and notes one sent empty, as
// fieldReader.str does.
type wireReader struct{ empty []string }

func (r *wireReader) str(v, field string) string {
	if v == unsent {
		return ""
	}
	v = trim(v)
	if v == "" {
		r.empty = append(r.empty, field)
	}
	return v
}

// nested decodes the customer, the addresses and the device into req.
func (r *wireReader) nested(ws *wireScratch, req *threeds.AuthenticateRequest) bool {
	w, c, billing, shipping, d := &ws.body, &ws.customer, &ws.billing, &ws.shipping, &ws.device
	*c = customerWire{Name: unsent, Email: unsent, Mobile: unsent}
	*billing, *shipping = unsentAddress(), unsentAddress()
	*d = deviceWire{IPAddress: unsent, UserAgent: unsent, AcceptHeader: unsent, Language: unsent, ColorDepth: unsent, Timezone: unsent}
	if !parseObject(w.Customer, c) || !parseObject(w.BillingAddress, billing) ||
		!parseObject(w.ShippingAddress, shipping) || !parseObject(w.CustomerDevice, d) ||
		!inRange(d.ScreenHeight, d.ScreenWidth) {
		return false
	}
	if w.Customer != nil {
		req.Customer = &threeds.Customer{
			Name: r.str(c.Name, "customer.name"), Email: r.str(c.Email, "customer.email"), Mobile: r.str(c.Mobile, "customer.mobile"),
		}
	}
	if w.BillingAddress != nil {
		req.BillingAddress = r.address(billing, "billing_address")
	}
	if w.ShippingAddress != nil {
		req.ShippingAddress = r.address(shipping, "shipping_address")
	}
	if w.CustomerDevice != nil {
		req.CustomerDevice = r.device(d)
	}
	return true
}

func (r *wireReader) device(d *deviceWire) *threeds.Device {
	const p = "customer_device."
	return &threeds.Device{
		IPAddress: r.str(d.IPAddress, p+"ip_address"), UserAgent: r.str(d.UserAgent, p+"user_agent"),
		AcceptHeader: r.str(d.AcceptHeader, p+"accept_header"), JavascriptEnabled: d.JavascriptEnabled,
		Language: r.str(d.Language, p+"language"), ColorDepth: r.str(d.ColorDepth, p+"color_depth"),
		ScreenHeight: d.ScreenHeight, ScreenWidth: d.ScreenWidth, Timezone: r.str(d.Timezone, p+"timezone"),
	}
}

func unsentAddress() addressWire {
	return addressWire{City: unsent, Country: unsent, Line1: unsent, Line2: unsent, PostalCode: unsent, State: unsent}
}

func (r *wireReader) address(a *addressWire, key string) *threeds.Address {
	n := addressFields[key]
	return &threeds.Address{City: r.str(a.City, n[0]), Country: r.str(a.Country, n[1]), Line1: r.str(a.Line1, n[2]),
		Line2: r.str(a.Line2, n[3]), PostalCode: r.str(a.PostalCode, n[4]), State: r.str(a.State, n[5])}
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
