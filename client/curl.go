package client

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// CurlOptions tunes Curl.
type CurlOptions struct {
	// Reveal puts the real secret header values, and the URL's password if
	// it has one, in the command. Only on the user's explicit request.
	Reveal bool
}

// Curl renders the request of ex as a copy-pasteable cURL command in the
// style of the seeds' examples: --location --request, --url, one --header per
// line, --data with indented JSON. Secrets stay redacted unless opts.Reveal.
func Curl(ex Exchange, opts CurlOptions) string {
	u, h := RedactURL(ex.Request.URL), ex.Request.Header
	if opts.Reveal && ex.revealed != nil {
		u, h = ex.revealed()
	}
	var b strings.Builder
	b.WriteString("curl --location --request " + ex.Request.Method + " \\\n")
	b.WriteString("--url " + shellQuote(u))
	for _, name := range SortedNames(h) {
		for _, v := range h[name] {
			b.WriteString(" \\\n--header " + shellQuote(name+": "+v))
		}
	}
	if len(ex.Request.Body) > 0 {
		b.WriteString(" \\\n--data " + shellQuote(string(PrettyJSON(ex.Request.Body))))
	}
	b.WriteString("\n")
	return b.String()
}

// SortedNames returns the header names of h sorted case-insensitively, so
// that renderings are stable.
func SortedNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := strings.ToLower(names[i]), strings.ToLower(names[j])
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	return names
}

// PrettyJSON indents a JSON document with two spaces, keeping numbers as
// written. Anything that is not JSON is returned unchanged.
func PrettyJSON(body []byte) []byte {
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		return body
	}
	return out.Bytes()
}

// shellQuote wraps s in single quotes for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
