package sandbox

import (
	"bytes"
	"sync"

	"github.com/segmentio/encoding/json"
)

// JSON goes through github.com/segmentio/encoding/json: encoding/json's
// behaviour (the tests check it against encoding/json), at the speed the
// authenticate handler needs — it parses and encodes without encoding/json's
// second scanning pass and per-call reflection.

// jsonObject is a decoded JSON object.
type jsonObject = map[string]any

// decodeObject parses a request body that must be a JSON object, as
// encoding/json's Decoder with UseNumber decoding into a map and then
// checking More does: numbers kept as written (json.Number), invalid UTF-8
// and lone surrogates as U+FFFD, the last of duplicate keys wins, null is
// not an object, and after the object only white space — or a ']' or '}',
// which More does not count as another value.
func decodeObject(b []byte) (jsonObject, bool) {
	if len(b) > 2*maxJSONDepth && tooDeep(b) {
		return nil, false
	}
	m := make(map[string]any, 8) // segmentio would make room for 64 members
	rest, err := json.Parse(b, &m, json.UseNumber)
	if err != nil || m == nil || len(rest) > 0 && rest[0] != ']' && rest[0] != '}' {
		return nil, false
	}
	return m, true
}

// maxJSONDepth is encoding/json's limit on nested objects and arrays, which
// segmentio's parser does not have.
const maxJSONDepth = 10000

// tooDeep reports whether the first value in b nests deeper than
// maxJSONDepth. It needs 2·maxJSONDepth bytes to, so only long bodies are
// scanned.
func tooDeep(b []byte) bool {
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString && c == '\\':
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > maxJSONDepth {
				return true
			}
		case c == '}' || c == ']':
			if depth--; depth <= 0 {
				return false // the first value ends here
			}
		}
	}
	return false
}

// appendJSON appends v's encoding to dst as encoding/json encodes it (map
// keys sorted), without HTML escaping (URLs stay readable) and without a
// newline.
func appendJSON(dst []byte, v any) ([]byte, error) { return json.Append(dst, v, json.SortMapKeys) }

// marshal encodes v as appendJSON does, into a slice of its exact size (the
// sandbox keeps thousands of answers for replay).
func marshal(v any) ([]byte, error) {
	buf := encodeBuffers.Get().(*[]byte)
	defer encodeBuffers.Put(buf)
	b, err := appendJSON((*buf)[:0], v)
	if cap(b) <= 64<<10 {
		*buf = b
	}
	if err != nil {
		return nil, err
	}
	return bytes.Clone(b), nil
}

var encodeBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
