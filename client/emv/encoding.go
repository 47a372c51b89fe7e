package emv

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Encode is a message's JSON in base64url without padding: how a CReq
// travels as the form field creq and a CRes as cres.
func Encode(m Message) (string, error) {
	data, err := compactJSON(m)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(data), nil
}

// MaxFormBytes bounds an encoded creq or cres: MaxMessageBytes in base64.
var MaxFormBytes = base64.RawURLEncoding.EncodedLen(MaxMessageBytes)

// FormError is a creq or cres that is not a valid message of its type.
type FormError struct {
	Field      string // creq or cres
	Err        error  // not base64url, not JSON, not the right messageType
	Violations []Violation
}

func (e *FormError) Error() string {
	if e.Err != nil {
		return e.Field + ": " + e.Err.Error()
	}
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.String()
	}
	return e.Field + ": " + strings.Join(parts, "; ")
}

// DecodeCReq reads the form field creq and checks the CReq against Rules.
// It accepts padding, which EMV leaves out but some senders add.
func DecodeCReq(form string) (CReq, error) {
	m, err := decodeForm("creq", TypeCReq, form)
	if err != nil {
		return CReq{}, err
	}
	return m.(CReq), nil
}

// DecodeCRes reads the form field cres and checks the CRes against Rules.
func DecodeCRes(form string) (CRes, error) {
	m, err := decodeForm("cres", TypeCRes, form)
	if err != nil {
		return CRes{}, err
	}
	return m.(CRes), nil
}

func decodeForm(field string, want MessageType, form string) (Message, error) {
	if len(form) > MaxFormBytes {
		return nil, &FormError{Field: field, Err: ErrTooLarge}
	}
	data, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(form), "="))
	if err != nil {
		return nil, &FormError{Field: field, Err: errors.New("not base64url")}
	}
	m, err := Decode(data)
	if err != nil {
		return nil, &FormError{Field: field, Err: err}
	}
	if m.Type() != want {
		return nil, &FormError{Field: field, Err: fmt.Errorf("a %s, not a %s", m.Type(), want)}
	}
	if vs := CheckJSON(data); len(vs) > 0 {
		return nil, &FormError{Field: field, Violations: vs}
	}
	return m, nil
}
