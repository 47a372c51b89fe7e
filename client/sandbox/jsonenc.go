package sandbox

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/walletsim/walletsim/client/threeds"
)

// appendAuthenticationJSON appends seed 004's authentication body to dst,
// byte for byte as marshal (encoding/json, HTML escaping off) encodes it,
// without reflection: it is the body of every authenticate answer, the
// sandbox's hottest path. jsonenc_test.go checks the equality on random
// values of every field. Values encoding/json refuses (a time outside RFC
// 3339) go through marshal, so that errors stay the same too: dst is then
// returned as it was, with the error.
func appendAuthenticationJSON(dst []byte, a *threeds.Authentication) ([]byte, error) {
	if b, ok := appendAuthentication(dst, a); ok {
		return b, nil
	}
	v := *a // a copy, so that a itself does not escape (render's result stays on the stack)
	b, err := marshal(v)
	return append(dst, b...), err
}

func appendAuthentication(b []byte, a *threeds.Authentication) ([]byte, bool) {
	ok := true
	b = append(b, `{"merchant_id":`...)
	b = appendJSONString(b, a.MerchantID)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, a.Status)
	b = append(b, `,"return_url":`...)
	b = appendJSONString(b, a.ReturnURL)
	b = append(b, `,"challenge_preference":`...)
	b = appendJSONString(b, string(a.ChallengePreference))
	b = append(b, `,"customer":`...)
	if c := a.Customer; c == nil {
		b = append(b, "null"...)
	} else {
		var f fieldList
		b = f.str(b, `"name":`, c.Name)
		b = f.str(b, `"email":`, c.Email)
		b = f.str(b, `"mobile":`, c.Mobile)
		b = f.end(b)
	}
	b = append(b, `,"billing_address":`...)
	b = appendAddress(b, a.BillingAddress)
	b = append(b, `,"shipping_address":`...)
	b = appendAddress(b, a.ShippingAddress)
	b = append(b, `,"device":`...)
	if d := a.Device; d == nil {
		b = append(b, "null"...)
	} else {
		var f fieldList
		b = f.str(b, `"ip_address":`, d.IPAddress)
		b = f.str(b, `"user_agent":`, d.UserAgent)
		b = f.str(b, `"accept_header":`, d.AcceptHeader)
		if d.JavascriptEnabled != nil {
			b = f.name(b, `"javascript_enabled":`)
			b = strconv.AppendBool(b, *d.JavascriptEnabled)
		}
		b = f.str(b, `"language":`, d.Language)
		b = f.str(b, `"color_depth":`, d.ColorDepth)
		b = f.int(b, `"screen_height":`, d.ScreenHeight)
		b = f.int(b, `"screen_width":`, d.ScreenWidth)
		b = f.str(b, `"timezone":`, d.Timezone)
		b = f.end(b)
	}
	b = append(b, `,"id":`...)
	b = appendJSONString(b, a.ID)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, a.Amount, 10)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, a.Currency)
	b = append(b, `,"fingerprint":`...)
	b = appendJSONString(b, a.Fingerprint)
	b = append(b, `,"year":`...)
	b = strconv.AppendInt(b, int64(a.Year), 10)
	b = append(b, `,"month":`...)
	b = strconv.AppendInt(b, int64(a.Month), 10)
	b = append(b, `,"challenge_url":`...)
	b = appendJSONStringPtr(b, a.ChallengeURL)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, a.Message)
	b = append(b, `,"is_frictionless":`...)
	b = strconv.AppendBool(b, a.IsFrictionless)
	b = append(b, `,"auth_value":`...)
	b = appendJSONStringPtr(b, a.AuthValue)
	b = append(b, `,"eci":`...)
	b = appendJSONStringPtr(b, a.ECI)
	b = append(b, `,"auth_status":`...)
	b = appendJSONString(b, a.AuthStatus)
	b = append(b, `,"version":`...)
	b = appendJSONString(b, a.Version)
	b = append(b, `,"purchase_date":`...)
	b, ok = appendJSONTime(b, a.PurchaseDate.Time, ok)
	b = append(b, `,"tds_ref":`...)
	b = appendJSONString(b, a.TDSRef)
	b = append(b, `,"ds_id":`...)
	b = appendJSONString(b, a.DSID)
	b = append(b, `,"ds_ref":`...)
	b = appendJSONString(b, a.DSRef)
	b = append(b, `,"acs_id":`...)
	b = appendJSONString(b, a.ACSID)
	b = append(b, `,"acs_ref":`...)
	b = appendJSONString(b, a.ACSRef)
	m := &a.Meta
	b = append(b, `,"meta":{"merchant_id":`...)
	b = appendJSONString(b, m.MerchantID)
	b = append(b, `,"dsEndProtocolVersion":`...)
	b = appendJSONString(b, m.DSEndProtocolVersion)
	b = append(b, `,"acsEndProtocolVersion":`...)
	b = appendJSONString(b, m.ACSEndProtocolVersion)
	b = append(b, `,"dsStartProtocolVersion":`...)
	b = appendJSONString(b, m.DSStartProtocolVersion)
	b = append(b, `,"acsStartProtocolVersion":`...)
	b = appendJSONString(b, m.ACSStartProtocolVersion)
	b = append(b, `,"statement_descriptor":`...)
	b = appendJSONString(b, m.StatementDescriptor)
	r := &m.ARes
	b = append(b, `,"ares":{"messageVersion":`...)
	b = appendJSONString(b, r.MessageVersion)
	b = append(b, `,"messageType":`...)
	b = appendJSONString(b, r.MessageType)
	b = append(b, `,"dsTransID":`...)
	b = appendJSONString(b, r.DSTransID)
	b = append(b, `,"dsReferenceNumber":`...)
	b = appendJSONString(b, r.DSReferenceNumber)
	b = append(b, `,"threeDSServerTransID":`...)
	b = appendJSONString(b, r.ThreeDSServerTransID)
	b = append(b, `,"acsTransID":`...)
	b = appendJSONString(b, r.ACSTransID)
	b = append(b, `,"acsReferenceNumber":`...)
	b = appendJSONString(b, r.ACSReferenceNumber)
	b = append(b, `,"acsOperatorID":`...)
	b = appendJSONString(b, r.ACSOperatorID)
	b = append(b, `,"authenticationType":`...)
	b = appendJSONString(b, r.AuthenticationType)
	b = append(b, `,"acsChallengeMandated":`...)
	b = appendJSONString(b, r.ACSChallengeMandated)
	b = append(b, `,"acsURL":`...)
	b = appendJSONString(b, r.ACSURL)
	b = append(b, `,"transStatus":`...)
	b = appendJSONString(b, r.TransStatus)
	b = append(b, `,"authenticationValue":`...)
	b = appendJSONString(b, r.AuthenticationValue)
	b = append(b, `}},"created_at":`...)
	b, ok = appendJSONTime(b, a.CreatedAt.Time, ok)
	b = append(b, `,"updated_at":`...)
	b, ok = appendJSONTime(b, a.UpdatedAt.Time, ok)
	b = append(b, `,"scheme":`...)
	b = appendJSONString(b, a.Scheme)
	b = append(b, `,"channel":`...)
	b = appendJSONString(b, string(a.Channel))
	b = append(b, `,"failure_reason":`...)
	b = appendJSONStringPtr(b, a.FailureReason)
	b = append(b, '}')
	return b, ok
}

func appendAddress(b []byte, a *threeds.Address) []byte {
	if a == nil {
		return append(b, "null"...)
	}
	var f fieldList
	b = f.str(b, `"city":`, a.City)
	b = f.str(b, `"country":`, a.Country)
	b = f.str(b, `"line_1":`, a.Line1)
	b = f.str(b, `"line_2":`, a.Line2)
	b = f.str(b, `"postal_code":`, a.PostalCode)
	b = f.str(b, `"state":`, a.State)
	return f.end(b)
}

// fieldList writes an object whose fields are all omitempty.
type fieldList struct{ started bool }

func (f *fieldList) name(b []byte, name string) []byte {
	if f.started {
		b = append(b, ',')
	} else {
		b = append(b, '{')
		f.started = true
	}
	return append(b, name...)
}

func (f *fieldList) str(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	return appendJSONString(f.name(b, name), v)
}

func (f *fieldList) int(b []byte, name string, v int) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(f.name(b, name), int64(v), 10)
}

func (f *fieldList) end(b []byte) []byte {
	if !f.started {
		return append(b, "{}"...)
	}
	return append(b, '}')
}

func appendJSONStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// appendJSONTime writes t as time.Time's MarshalJSON does; ok turns false
// where MarshalJSON would fail.
func appendJSONTime(b []byte, t time.Time, ok bool) ([]byte, bool) {
	b = append(b, '"')
	n0 := len(b)
	b = t.AppendFormat(b, time.RFC3339Nano)
	// time.Time.MarshalJSON's checks: a four-digit year, a zone hour below 24.
	switch {
	case b[n0+len("9999")] != '-':
		ok = false
	case b[len(b)-1] != 'Z':
		c := b[len(b)-len("Z07:00")]
		if '0' <= c && c <= '9' || 10*(b[len(b)-5]-'0')+(b[len(b)-4]-'0') >= 24 {
			ok = false
		}
	}
	return append(b, '"'), ok
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping off:
// '"', '\\' and control characters escaped, invalid UTF-8 bytes as
// \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
