package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// The compact encoding of an authWire: a version byte, then every field in
// a fixed order, strings and byte slices as a uvarint length and the
// bytes, integers as varints, times as a length and time.MarshalBinary's
// bytes (none for the zero time). A frictionless authentication's record
// is about 500 bytes where its JSON was about 1,200: every authenticate
// writes one, and on SQLite each byte is written to the WAL, then again to
// the database by the checkpoint. The challenge and decoupled states,
// rarer and holding the wallet's own types, stay JSON inside it.
//
// A record is read only as the version it starts with: a change of fields
// is a new version byte, and the old one stays readable (as JSON records
// are). TestAuthBinEveryField fails for a field of authWire or of the
// request that the encoding leaves out.

// authBinV1 starts a record in this encoding (a JSON one starts with '{').
const authBinV1 = 1

func appendAuthBin(b []byte, w *authWire) ([]byte, error) {
	b = append(b, authBinV1)
	b = appendStr(b, w.ID)
	b = binary.AppendVarint(b, w.Amount)
	b = appendStr(b, w.Currency)
	b = appendStr(b, w.Description)
	b = appendTime(b, w.Created)
	b = appendTime(b, w.Updated)
	b = appendTime(b, w.Expires)
	b = appendReq(b, w.Req)
	b = append(binary.AppendUvarint(b, uint64(len(w.FP))), w.FP...)
	for _, s := range [...]string{w.MerchID, string(w.Scheme), w.DSTransID, w.ServerID, w.ACSTransID, w.ACSURL,
		w.AResStatus, w.TransStatus, w.CAVV, w.Failure, w.Reason, w.Cancel} {
		b = appendStr(b, s)
	}
	b = append(b, w.Interact, w.Flags)
	var err error
	if b, err = appendPartJSON(b, w.Challenge, w.Challenge != nil); err != nil {
		return nil, err
	}
	return appendPartJSON(b, w.Dec, w.Dec != nil)
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	tb, err := t.MarshalBinary()
	if err != nil { // a zone offset that is not a whole minute: keep the instant
		tb, _ = t.UTC().MarshalBinary()
	}
	return append(append(b, byte(len(tb))), tb...)
}

// appendPartJSON is v as a length and its JSON, or a zero length for none.
func appendPartJSON(b []byte, v any, present bool) ([]byte, error) {
	if !present {
		return append(b, 0), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(b, uint64(len(j))), j...), nil
}

// Presence of the request's optional parts, one bit each.
const (
	reqHas = 1 << iota
	reqCustomer
	reqBilling
	reqShipping
	reqDevice
	reqJSEnabled // Device.JavascriptEnabled is set …
	reqJSTrue    // … to true
)

func appendReq(b []byte, r *threeds.AuthenticateRequest) []byte {
	if r == nil {
		return append(b, 0)
	}
	bits := byte(reqHas)
	set := func(on bool, f byte) {
		if on {
			bits |= f
		}
	}
	set(r.Customer != nil, reqCustomer)
	set(r.BillingAddress != nil, reqBilling)
	set(r.ShippingAddress != nil, reqShipping)
	d := r.CustomerDevice
	set(d != nil, reqDevice)
	set(d != nil && d.JavascriptEnabled != nil, reqJSEnabled)
	set(d != nil && d.JavascriptEnabled != nil && *d.JavascriptEnabled, reqJSTrue)
	b = append(b, bits)
	b = appendStr(b, r.Number)
	b = binary.AppendVarint(b, int64(r.Month))
	b = binary.AppendVarint(b, int64(r.Year))
	b = appendStr(b, string(r.Channel))
	b = appendStr(b, r.ReturnURL)
	b = appendStr(b, r.Name)
	b = appendStr(b, string(r.ChallengePreference))
	if c := r.Customer; c != nil {
		b = appendStr(appendStr(appendStr(b, c.Name), c.Email), c.Mobile)
	}
	for _, a := range [...]*threeds.Address{r.BillingAddress, r.ShippingAddress} {
		if a != nil {
			for _, s := range [...]string{a.City, a.Country, a.Line1, a.Line2, a.PostalCode, a.State} {
				b = appendStr(b, s)
			}
		}
	}
	if d != nil {
		for _, s := range [...]string{d.IPAddress, d.UserAgent, d.AcceptHeader, d.Language, d.ColorDepth, d.Timezone} {
			b = appendStr(b, s)
		}
		b = binary.AppendVarint(b, int64(d.ScreenHeight))
		b = binary.AppendVarint(b, int64(d.ScreenWidth))
	}
	return b
}

// errAuthBin is a record that is not a valid encoding (a damaged file).
var errAuthBin = errors.New("stored authentication: malformed record")

// binReader reads the encoding; the first failure sticks, and every read
// after it yields zero values.
type binReader struct {
	b   []byte
	err error
}

func (r *binReader) fail() {
	if r.err == nil {
		r.err = errAuthBin
	}
	r.b = nil
}

func (r *binReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *binReader) bytes() []byte {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)-k) {
		r.fail()
		return nil
	}
	v := r.b[k : k+int(n)]
	r.b = r.b[k+int(n):]
	return v
}

func (r *binReader) str() string { return string(r.bytes()) }

func (r *binReader) varint() int64 {
	v, k := binary.Varint(r.b)
	if k <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[k:]
	return v
}

func (r *binReader) int() int {
	v := r.varint()
	if int64(int(v)) != v {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *binReader) time() time.Time {
	n := int(r.byte())
	if n == 0 || r.err != nil {
		return time.Time{}
	}
	if n > len(r.b) {
		r.fail()
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalBinary(r.b[:n]); err != nil {
		r.fail()
		return time.Time{}
	}
	r.b = r.b[n:]
	return t
}

// json decodes a part appendJSON wrote into v, reporting whether there
// was one.
func (r *binReader) json(v any) bool {
	j := r.bytes()
	if len(j) == 0 || r.err != nil {
		return false
	}
	if err := json.Unmarshal(j, v); err != nil {
		r.err = fmt.Errorf("%w: %w", errAuthBin, err)
		return false
	}
	return true
}

func decodeAuthBin(data []byte, w *authWire) error {
	if len(data) == 0 || data[0] != authBinV1 {
		return errAuthBin
	}
	r := &binReader{b: data[1:]}
	w.ID = r.str()
	w.Amount = r.varint()
	w.Currency = r.str()
	w.Description = r.str()
	w.Created, w.Updated, w.Expires = r.time(), r.time(), r.time()
	w.Req = r.req()
	if fp := r.bytes(); len(fp) > 0 {
		w.FP = append([]byte(nil), fp...)
	}
	w.MerchID, w.Scheme, w.DSTransID, w.ServerID = r.str(), testcards.Scheme(r.str()), r.str(), r.str()
	w.ACSTransID, w.ACSURL, w.AResStatus, w.TransStatus = r.str(), r.str(), r.str(), r.str()
	w.CAVV, w.Failure, w.Reason, w.Cancel = r.str(), r.str(), r.str(), r.str()
	w.Interact, w.Flags = r.byte(), r.byte()
	if c := new(challengeWire); r.json(c) {
		w.Challenge = c
	}
	if d := new(decWire); r.json(d) {
		w.Dec = d
	}
	if r.err == nil && len(r.b) > 0 {
		r.fail() // bytes after the last field this binary knows
	}
	return r.err
}

func (r *binReader) req() *threeds.AuthenticateRequest {
	bits := r.byte()
	if bits&reqHas == 0 {
		return nil
	}
	q := &threeds.AuthenticateRequest{Number: r.str(), Month: r.int(), Year: r.int(), Channel: threeds.Channel(r.str()),
		ReturnURL: r.str(), Name: r.str(), ChallengePreference: threeds.ChallengePreference(r.str())}
	if bits&reqCustomer != 0 {
		q.Customer = &threeds.Customer{Name: r.str(), Email: r.str(), Mobile: r.str()}
	}
	addr := func() *threeds.Address {
		return &threeds.Address{City: r.str(), Country: r.str(), Line1: r.str(), Line2: r.str(), PostalCode: r.str(), State: r.str()}
	}
	if bits&reqBilling != 0 {
		q.BillingAddress = addr()
	}
	if bits&reqShipping != 0 {
		q.ShippingAddress = addr()
	}
	if bits&reqDevice != 0 {
		d := &threeds.Device{IPAddress: r.str(), UserAgent: r.str(), AcceptHeader: r.str(), Language: r.str(),
			ColorDepth: r.str(), Timezone: r.str()}
		d.ScreenHeight, d.ScreenWidth = r.int(), r.int()
		if bits&reqJSEnabled != 0 {
			on := bits&reqJSTrue != 0
			d.JavascriptEnabled = &on
		}
		q.CustomerDevice = d
	}
	return q
}
