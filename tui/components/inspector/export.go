package inspector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/export"
)

// secrets says what a cURL export did with the secrets.
type secrets int

const (
	redacted  secrets = iota // "***" in place of keys and tokens
	revealed                 // the real values, on request
	noSecrets                // reveal was asked, but there was nothing to reveal
)

// curl renders ex as a cURL command, with the real secrets only when
// reveal is on; using it turns reveal off.
func (m *Model) curl(ex client.Exchange) (string, secrets) {
	text := client.Curl(ex, client.CurlOptions{})
	if !m.reveal {
		return text, redacted
	}
	m.reveal = false
	real := client.Curl(ex, client.CurlOptions{Reveal: true})
	if real == text {
		return text, noSecrets
	}
	return real, revealed
}

// name names an exchange in status lines: "threeds.Authenticate #5".
func (m *Model) name() string {
	return fmt.Sprintf("%s #%d", clean(m.exchanges[m.sel].Op), m.sel+1)
}

// copyCurl copies the selected exchange as cURL to the clipboard, and says
// what was actually done, with the file as the way out.
func (m *Model) copyCurl() {
	ex, ok := m.selected()
	if !ok {
		m.say(toneWarn, "Nothing to copy yet.")
		return
	}
	text, sec := m.curl(ex)
	said, err := m.Clipboard(text)
	if err != nil {
		m.say(toneBad, "Could not copy "+m.name()+": "+clean(err.Error())+". w saves it to a file.")
		return
	}
	fallback := ". Nothing arrived? w saves it to a file."
	switch sec {
	case revealed:
		m.say(toneWarn, m.name()+" as cURL WITH THE REAL SECRETS "+said+"; reveal is off again"+fallback)
	case noSecrets:
		m.say(toneOK, m.name()+" as cURL (it has no secrets to reveal) "+said+"; reveal is off again"+fallback)
	default:
		m.say(toneOK, m.name()+" as cURL (secrets redacted) "+said+fallback)
	}
}

// saveCurl saves the selected exchange as a cURL script in SaveDir, mode
// 0600. It never replaces a file: a second save gets its own name, and one
// with the real secrets is named so.
func (m *Model) saveCurl() {
	ex, ok := m.selected()
	if !ok {
		m.say(toneWarn, "Nothing to save yet.")
		return
	}
	text, sec := m.curl(ex)
	base := fileBase(ex.Op, m.sel+1)
	if sec == revealed {
		base += "-SECRETS"
	}
	path, err := export.Save(m.SaveDir, base, ".sh", []byte(script(ex, text, sec)))
	if err != nil {
		m.say(toneBad, "Could not save "+m.name()+": "+clean(err.Error()))
		return
	}
	switch sec {
	case revealed:
		m.say(toneWarn, "Saved to "+path+" WITH THE REAL SECRETS (readable by you only; do not share it); reveal is off again.")
	case noSecrets:
		m.say(toneOK, "Saved to "+path+" (it has no secrets to reveal); reveal is off again.")
	default:
		m.say(toneOK, "Saved to "+path+" (secrets redacted)")
	}
}

// toggleReveal turns the reveal mode on or off.
func (m *Model) toggleReveal() {
	m.reveal = !m.reveal
	m.status = ""
	if !m.reveal {
		m.say(toneOK, "Reveal is off: copies and saves keep the secrets redacted.")
	}
}

func (m *Model) say(t tone, text string) { m.status, m.tone = text, t }

// fileBase is walletsim-curl-<op>-<n>, the op made safe for a file name.
func fileBase(op string, n int) string {
	safe := export.SafeName(op)
	if safe == "" {
		safe = "http"
	}
	return fmt.Sprintf("walletsim-curl-%s-%d", safe, n)
}

// script is the saved file: a shell script whose comments say what it is.
func script(ex client.Exchange, curl string, sec secrets) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# walletsim: %s, attempt %d, %s\n", oneLine(ex.Op), max(ex.Attempt, 1), ex.Started.Format(time.RFC3339))
	if sec == revealed {
		b.WriteString("# Contains real secrets: do not share it.\n")
	} else {
		b.WriteString("# Secrets are redacted (***): put the real values in before running it.\n")
	}
	b.WriteString(curl)
	return b.String()
}

func oneLine(s string) string { return strings.ReplaceAll(clean(s), "\n", " ") }

// maxValues bounds the values offered from one exchange.
const maxValues = 200

// values are the single values of an exchange a person may want to copy:
// its URL, its headers, and every value of its JSON bodies, by path
// ("response.auth_value"). Secrets stay redacted, as shown.
func values(ex client.Exchange) []flows.Field {
	out := []flows.Field{{Label: "url", Value: clean(client.RedactURL(ex.Request.URL))}}
	for _, name := range client.SortedNames(ex.Request.Header) {
		out = append(out, flows.Field{Label: "request header " + clean(name), Value: clean(strings.Join(ex.Request.Header[name], ", "))})
	}
	out = flatten(out, "request", ex.Request.Body)
	if ex.Response != nil {
		out = flatten(out, "response", ex.Response.Body)
	}
	return out[:min(len(out), maxValues)]
}

// flatten adds every scalar of a JSON body under prefix.
func flatten(out []flows.Field, prefix string, body []byte) []flows.Field {
	if len(body) == 0 {
		return out
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return out
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		if len(out) >= maxValues {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(path+"."+k, v[k])
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case nil:
		default:
			out = append(out, flows.Field{Label: clean(path), Value: clean(fmt.Sprint(v))})
		}
	}
	walk(prefix, v)
	return out
}
