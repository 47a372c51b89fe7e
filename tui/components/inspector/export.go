package inspector

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	osc52 "github.com/aymanbagabas/go-osc52/v2"

	"github.com/walletsim/walletsim/client"
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

// copyCurl copies the selected exchange as cURL to the clipboard.
func (m *Model) copyCurl() {
	ex, ok := m.selected()
	if !ok {
		m.say(toneWarn, "Nothing to copy yet.")
		return
	}
	text, sec := m.curl(ex)
	if err := m.Clipboard(text); err != nil {
		m.say(toneBad, "Could not copy "+m.name()+": "+clean(err.Error()))
		return
	}
	switch sec {
	case revealed:
		m.say(toneWarn, "Copied "+m.name()+" as cURL WITH THE REAL SECRETS; reveal is off again.")
	case noSecrets:
		m.say(toneOK, "Copied "+m.name()+" as cURL (it has no secrets to reveal); reveal is off again.")
	default:
		m.say(toneOK, "Copied "+m.name()+" as cURL (secrets redacted)")
	}
}

// saveCurl saves the selected exchange as a cURL script in SaveDir, mode
// 0600.
func (m *Model) saveCurl() {
	ex, ok := m.selected()
	if !ok {
		m.say(toneWarn, "Nothing to save yet.")
		return
	}
	text, sec := m.curl(ex)
	dir := m.SaveDir
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, fileName(ex.Op, m.sel+1))
	shown := path
	if dir == "." {
		shown = "." + string(filepath.Separator) + path
	}
	if err := writeFile(path, script(ex, text, sec)); err != nil {
		m.say(toneBad, "Could not save "+m.name()+": "+clean(err.Error()))
		return
	}
	switch sec {
	case revealed:
		m.say(toneWarn, "Saved to "+shown+" WITH THE REAL SECRETS (readable by you only); reveal is off again.")
	case noSecrets:
		m.say(toneOK, "Saved to "+shown+" (it has no secrets to reveal); reveal is off again.")
	default:
		m.say(toneOK, "Saved to "+shown+" (secrets redacted)")
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

// fileName is walletsim-curl-<op>-<n>.sh, the op made safe for a file name.
func fileName(op string, n int) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, op)
	safe = strings.Trim(safe, ".")
	if safe == "" {
		safe = "http"
	}
	return fmt.Sprintf("walletsim-curl-%s-%d.sh", safe, n)
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

// writeFile writes data to path with mode 0600, also when the file was
// already there with another mode.
func writeFile(path string, data string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := io.WriteString(f, data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// osc52Clipboard copies text to the clipboard of the terminal walletsim
// runs in (also over SSH) with an OSC 52 escape sequence, wrapped for tmux
// or screen when they are in between. It writes to /dev/tty, or to stderr
// when there is no terminal to open; never to stdout, which belongs to the
// TUI's renderer.
func osc52Clipboard(text string) error {
	seq := osc52.New(text)
	switch {
	case os.Getenv("TMUX") != "":
		seq = seq.Tmux()
	case os.Getenv("STY") != "":
		seq = seq.Screen()
	}
	var out io.Writer = os.Stderr
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		out = tty
	}
	_, err := seq.WriteTo(out)
	return err
}
