package client

import (
	"regexp"
	"strings"
	"sync"
)

// urlPassword finds the password of a URL's userinfo
// (scheme://user:PASSWORD@host), wherever a URL appears in a text. It is
// compiled when first needed, not while every binary that links the
// client starts.
var urlPassword = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s:]*:)([^/?#@\s]*)@`)
})

// RedactURL replaces the password in every URL in s (one URL, or a text
// such as an error message that quotes some) with Redacted:
// https://user:PASS@host becomes https://user:***@host. It is the one
// place a URL is redacted, used wherever one is shown or written:
// profiles, exchanges (so transcripts, the inspector and cURL exports),
// the sandbox's webhook deliveries and logs.
func RedactURL(s string) string {
	if !strings.Contains(s, "@") { // every exchange passes here: most have no userinfo
		return s
	}
	return urlPassword().ReplaceAllString(s, "${1}"+Redacted+"@")
}
