package client

import (
	"strings"
	"unicode/utf8"
)

// Snippet is the start of a body that is not in the API's error shape (an
// HTML page from a proxy, say), for an error message.
func Snippet(body []byte) string {
	const max = 200
	s := strings.TrimSpace(string(body))
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// CheckHeaderValues refuses header values net/http would reject on the wire
// (control characters), naming the header, so the user sees which one.
func CheckHeaderValues(fe *FieldErrors, headers [][2]string) {
	for _, h := range headers {
		if strings.ContainsFunc(h[1], func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			fe.Add(h[0], "must not contain control characters")
		}
	}
}
