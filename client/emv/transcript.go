package emv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Transcript is an exchange as plain text, one message after another: its
// number, type and route, the form value a browser posts, then the message
// as indented JSON. Golden files and headless transcripts use it.
func Transcript(steps []Step) string {
	var b strings.Builder
	for i, s := range steps {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "── %d. %s · %s → %s", i+1, s.Message.Type(), s.From, s.To)
		if s.Via != "" {
			fmt.Fprintf(&b, ", via the %s's browser", s.Via)
		}
		b.WriteString("\n")
		switch s.Message.Type() {
		case TypeCReq:
			fmt.Fprintf(&b, "creq=%s\n", s.Form)
		case TypeCRes:
			fmt.Fprintf(&b, "cres=%s\n", s.Form)
		}
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s.Message); err != nil {
			fmt.Fprintf(&b, "(cannot encode: %v)\n", err)
			continue
		}
		b.Write(out.Bytes())
	}
	return b.String()
}
