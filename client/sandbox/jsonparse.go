package sandbox

import (
	"encoding/json"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonObject is a decoded JSON object: its members in order. Objects are
// kept as lists rather than maps: request bodies have a dozen members at
// most, so a scan is faster than hashing, and a list is one allocation.
type jsonObject []jsonPair

type jsonPair struct {
	key string
	val any
}

// get is the member named key, as a map would hold it: the last one of
// duplicates.
func (o jsonObject) get(key string) (any, bool) {
	for i := len(o) - 1; i >= 0; i-- {
		if o[i].key == key {
			return o[i].val, true
		}
	}
	return nil, false
}

// decodeObject parses a JSON object, keeping numbers as written
// (json.Number). Values are nil, bool, string, json.Number, []any and
// jsonObject. It accepts, rejects and produces exactly what encoding/json's
// Decoder with UseNumber does when decoding into a map[string]any and then
// checking More, objects read through get standing for maps: the first
// value must be an object (null is refused), anything after it must be
// white space or start with ']' or '}', strings are unquoted the same way
// (invalid UTF-8 and lone surrogates become U+FFFD), the last of duplicate
// keys wins, and nesting deeper than 10000 is refused. jsonparse_test.go
// checks this against encoding/json, by table and by fuzzing.
//
// It exists because the request decoders sit on the sandbox's hot path:
// encoding/json scans a body twice (once to find the value's end, once to
// decode it) through a byte-at-a-time state machine and builds maps by
// reflection; this single pass without maps is several times faster.
func decodeObject(b []byte) (jsonObject, bool) {
	return decodeObjectIn(b, nil)
}

// decodeObjectIn is decodeObject with the objects carved out of *arena
// while it has room (and allocated beyond). The caller recycles the arena
// (see scratch) once it no longer uses the result.
func decodeObjectIn(b []byte, arena *[]jsonPair) (jsonObject, bool) {
	ps := pairPool.Get().(*[]jsonPair)
	p := jsonParser{b: b, pairs: (*ps)[:0]}
	if arena != nil {
		p.arena = *arena
		defer func() { *arena = p.arena }()
	}
	defer func() {
		if cap(p.pairs) <= 1024 { // do not keep what a pathological body grew
			clear(p.pairs[:cap(p.pairs)])
			*ps = p.pairs[:0]
			pairPool.Put(ps)
		}
	}()
	p.skipSpace()
	if p.i >= len(b) || b[p.i] != '{' {
		return nil, false
	}
	m, ok := p.object()
	if !ok {
		return nil, false
	}
	p.skipSpace()
	if p.i < len(b) && b[p.i] != ']' && b[p.i] != '}' {
		return nil, false // Decoder.More would report another value
	}
	return m, true
}

// maxJSONDepth is encoding/json's limit on nested objects and arrays.
const maxJSONDepth = 10000

type jsonParser struct {
	b     []byte
	i     int
	depth int
	// pairs collects the members of the objects being parsed, so that each
	// object is made once at its final size (a stack shared by nested
	// objects).
	pairs []jsonPair
	// arena, when not nil, is where objects are made while it has room.
	arena []jsonPair
}

// newObject makes an object of members.
func (p *jsonParser) newObject(members []jsonPair) jsonObject {
	n := len(members)
	if p.arena != nil && cap(p.arena)-len(p.arena) >= n {
		start := len(p.arena)
		p.arena = append(p.arena, members...)
		return jsonObject(p.arena[start : start+n : start+n])
	}
	m := make(jsonObject, n)
	copy(m, members)
	return m
}

var pairPool = sync.Pool{New: func() any { s := make([]jsonPair, 0, 32); return &s }}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value parses any JSON value at p.i (after white space).
func (p *jsonParser) value() (any, bool) {
	if p.i >= len(p.b) {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		m, ok := p.object()
		return m, ok
	case c == '[':
		return p.array()
	case c == '"':
		raw, plain, ok := p.strRaw()
		if plain {
			if v, known := interned[string(raw)]; known {
				return v.boxed, ok // no string to make, nor to box
			}
		}
		return p.finishStr(raw, plain), ok
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *jsonParser) literal(word string) bool {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return false
	}
	p.i += len(word)
	return true
}

// object parses an object at p.i, which is '{'.
func (p *jsonParser) object() (jsonObject, bool) {
	if p.depth++; p.depth > maxJSONDepth {
		return nil, false
	}
	p.i++
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		p.depth--
		return jsonObject{}, true // empty, not nil: {} is an object
	}
	base := len(p.pairs)
	for {
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		raw, plain, ok := p.strRaw()
		if !ok {
			return nil, false
		}
		key, known := "", false
		if plain {
			var v internedString
			v, known = interned[string(raw)]
			key = v.s
		}
		if !known {
			key = p.finishStr(raw, plain)
		}
		p.skipSpace()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.skipSpace()
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		p.pairs = append(p.pairs, jsonPair{key, v})
		p.skipSpace()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case '}':
			p.i++
			p.depth--
			m := p.newObject(p.pairs[base:])
			clear(p.pairs[base:])
			p.pairs = p.pairs[:base]
			return m, true
		default:
			return nil, false
		}
	}
}

// array parses an array at p.i, which is '['.
func (p *jsonParser) array() (any, bool) {
	if p.depth++; p.depth > maxJSONDepth {
		return nil, false
	}
	p.i++
	a := []any{}
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		p.depth--
		return a, true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
		p.skipSpace()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			p.skipSpace()
		case ']':
			p.i++
			p.depth--
			return a, true
		default:
			return nil, false
		}
	}
}

// number parses -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? as written.
func (p *jsonParser) number() (any, bool) {
	b, start := p.b, p.i
	i := p.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return nil, false
		}
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return nil, false
		}
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	}
	p.i = i
	return json.Number(b[start:i]), true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// strRaw parses a string at p.i, which is '"', and returns what is
// between the quotes, and whether that is plain: no escapes, nothing but
// ASCII.
func (p *jsonParser) strRaw() (raw []byte, plain, ok bool) {
	b := p.b
	start := p.i + 1
	plain = true
	for i := start; i < len(b); {
		switch c := b[i]; {
		case c == '"':
			p.i = i + 1
			return b[start:i], plain, true
		case c == '\\':
			plain = false
			if i+1 >= len(b) {
				return nil, false, false
			}
			switch b[i+1] {
			case 'b', 'f', 'n', 'r', 't', '\\', '/', '"':
				i += 2
			case 'u':
				if i+5 >= len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return nil, false, false
				}
				i += 6
			default:
				return nil, false, false
			}
		case c < ' ':
			return nil, false, false
		default:
			if c >= utf8.RuneSelf {
				plain = false
			}
			i++
		}
	}
	return nil, false, false
}

// finishStr makes the string strRaw found.
func (p *jsonParser) finishStr(raw []byte, plain bool) string {
	if plain {
		return string(raw)
	}
	return unquoteJSON(raw)
}

// internedString is a string the request bodies keep sending, made (and
// boxed) once.
type internedString struct {
	s     string
	boxed any
}

// interned are the member names of the sandbox's request bodies and the
// values of their enumerations: decoding them makes no string, which saves
// a third of a body's allocations. Strings are immutable, so sharing them
// changes nothing else.
var interned = func() map[string]internedString {
	m := map[string]internedString{}
	for _, s := range []string{
		// seed 004, authenticate and create purchase
		"number", "month", "year", "channel", "return_url", "name", "challenge_preference",
		"customer", "email", "mobile", "billing_address", "shipping_address",
		"city", "country", "line_1", "line_2", "postal_code", "state",
		"customer_device", "ip_address", "user_agent", "accept_header", "javascript_enabled",
		"language", "color_depth", "screen_height", "screen_width", "timezone",
		"amount", "currency", "description",
		"browser", "decoupled", "no_preference", "no_challenge", "preferred", "mandated",
		// seed 000
		"otp_delivery_method", "EMAIL", "SMS",
		// seed 002
		"walletOperationId", "verification", "method", "status", "statusReason",
		"BIOMETRIC", "VERIFIED", "REJECTED", "FAILED",
		// the challenge page and the webhook settings
		"otp", "action", "cancel", "url", "hmac_key",
	} {
		m[s] = internedString{s, s}
	}
	return m
}()

// unquoteJSON decodes the inside of a string literal whose syntax str has
// checked, as encoding/json does: escapes resolved, surrogate pairs joined,
// lone surrogates and invalid UTF-8 bytes each replaced by U+FFFD.
func unquoteJSON(s []byte) string {
	out := make([]byte, 0, len(s)+utf8.UTFMax)
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			switch e := s[r+1]; e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				rr := getu4(s[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						r += 6
						out = utf8.AppendRune(out, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, rr)
				continue
			default: // '"', '\\', '/'
				out = append(out, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			out = utf8.AppendRune(out, rr)
			r += size
		}
	}
	return string(out)
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
