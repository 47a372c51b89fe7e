package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Answers are decoded in two halves (see DecodeSuccess): leniently what
// walletsim only shows — dates, descriptive strings — so that a server
// choosing another format or type than the seed's example does not break a
// flow; strictly what walletsim acts on — statuses, transStatus, ids, the
// challenge URL — so that a wrong one is reported, naming the field, rather
// than acted on.

// Time is a date-time in an answer. Seed 004 types its dates only as
// "string", so servers send what they like: RFC 3339, EMV's YYYYMMDDHHMMSS,
// a space instead of the T, an offset without a colon, epoch seconds. Time
// reads all of these; anything else is kept as sent, in Raw, and shown as
// it came. Decoding a Time never fails.
type Time struct {
	time.Time
	// Raw is the value as sent when it could not be read as a time (and
	// "" when it could, or when it was absent or null).
	Raw string
}

// At is t as a Time.
func At(t time.Time) Time { return Time{Time: t} }

// Readable reports whether the value was read as a time (or was absent).
func (t Time) Readable() bool { return t.Raw == "" }

// String is the time in RFC 3339 (UTC), or the value as sent, or "" when
// there was none.
func (t Time) String() string {
	switch {
	case t.Raw != "":
		return t.Raw
	case t.Time.IsZero():
		return ""
	}
	return t.Time.UTC().Format(time.RFC3339)
}

// timeLayouts are the formats Time reads, most common first. A layout
// without a zone reads as UTC (EMV's purchaseDate is UTC).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700", // an offset without a colon (+0300), as Java writes it
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05",
	"20060102150405", // EMV purchaseDate
	"2006-01-02",
}

// UnmarshalJSON reads a date-time from a string or a number, never failing.
func (t *Time) UnmarshalJSON(b []byte) error {
	t.read(b)
	t.Raw = strings.ToValidUTF8(t.Raw, "\uFFFD") // shown as sent, but never as broken text
	return nil
}

func (t *Time) read(b []byte) {
	*t = Time{}
	b = bytes.TrimSpace(b)
	var s string
	switch {
	case len(b) == 0 || string(b) == "null":
		return
	case b[0] == '"':
		if err := json.Unmarshal(b, &s); err != nil {
			t.Raw = string(b)
			return
		}
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		s = string(b)
		if parsed, ok := epoch(s); ok {
			t.Time = parsed
			return
		}
	default: // an object, an array, a boolean: not a time
		var buf bytes.Buffer
		if json.Compact(&buf, b) == nil {
			b = buf.Bytes()
		}
		t.Raw = string(b)
		return
	}
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if parsed, err := time.Parse(layout, s); err == nil {
			t.Time = parsed
			return
		}
	}
	if parsed, ok := epoch(s); ok {
		t.Time = parsed
		return
	}
	t.Raw = s
	if t.Raw == "" {
		t.Raw = `""`
	}
}

// epoch reads a number as a date: 14 digits are EMV's YYYYMMDDHHMMSS,
// 10 or fewer digits seconds since 1970, 13 digits milliseconds.
func epoch(s string) (time.Time, bool) {
	if strings.Trim(s, "0123456789") != "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		return time.Time{}, false
	case len(s) == 14:
		parsed, err := time.Parse("20060102150405", s)
		return parsed, err == nil
	case len(s) <= 10:
		return time.Unix(n, 0).UTC(), true
	case len(s) == 13:
		return time.UnixMilli(n).UTC(), true
	}
	return time.Time{}, false
}

// MarshalJSON writes the time as time.Time does, or the value as sent.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.Raw != "" {
		return json.Marshal(t.Raw)
	}
	return t.Time.MarshalJSON()
}

// AnswerError is a 2xx answer walletsim cannot act on: not JSON, or a
// field walletsim acts on that is missing, of the wrong type or value.
type AnswerError struct {
	Op      string
	Status  int
	Field   string // dotted, as in the answer ("meta.ares.transStatus"); "" for the whole body
	Problem string
}

func (e *AnswerError) Error() string {
	where := ""
	if e.Field != "" {
		where = e.Field + ": "
	}
	if e.Status == 0 {
		return fmt.Sprintf("%s: cannot be used: %s%s", e.Op, where, e.Problem)
	}
	return fmt.Sprintf("%s: the %d answer cannot be used: %s%s", e.Op, e.Status, where, e.Problem)
}

// DecodeSuccess unmarshals a 2xx reply into v leniently: a field of another
// type than v's is left empty rather than failing the answer (the API
// package checks, with Strict, the fields it acts on). It fails only when
// the body is not JSON, or not the kind of value v is (an array for an
// object, say).
func DecodeSuccess(op string, r *Reply, v any) error {
	err := json.Unmarshal(r.Body, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return nil // a shown field of another type: left empty
	}
	if err != nil {
		return &AnswerError{Op: op, Status: r.Status, Problem: "not a JSON " + kindOf(v) + ": " + err.Error()}
	}
	return nil
}

// Strict unmarshals a 2xx reply into shadow, a struct of only the fields
// the caller acts on, with their types enforced: the first field of the
// wrong type is reported by name.
func Strict(op string, r *Reply, shadow any) error {
	err := json.Unmarshal(r.Body, shadow)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &AnswerError{Op: op, Status: r.Status, Field: te.Field, Problem: "must be " + jsonKind(te.Type.String()) + ", not " + te.Value}
	}
	if err != nil {
		return &AnswerError{Op: op, Status: r.Status, Problem: err.Error()}
	}
	return nil
}

func kindOf(v any) string {
	if t := reflect.TypeOf(v); t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Slice {
		return "array"
	}
	return "object"
}

// jsonKind names a Go type as JSON would ("*string" → "a string").
func jsonKind(goType string) string {
	t := strings.TrimLeft(goType, "*")
	switch {
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "int"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	}
	return "an object"
}
