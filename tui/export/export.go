// Package export takes values out of the TUI: to the terminal's clipboard
// with OSC 52, or to a file that never replaces another. Each says in words
// what it actually did, because an OSC 52 copy may silently go nowhere.
package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
)

// Terminal is what stands between walletsim and the person's clipboard.
type Terminal struct {
	Tmux, Screen bool
	// Open opens the terminal to write the sequence to (default
	// /dev/tty, else stderr; never stdout, which the TUI's renderer owns).
	Open func() (io.WriteCloser, error)
}

// FromEnv is the terminal walletsim runs in, from $TMUX and $STY.
func FromEnv() Terminal {
	return Terminal{Tmux: os.Getenv("TMUX") != "", Screen: os.Getenv("STY") != ""}
}

// Copy sends text to the clipboard with an OSC 52 sequence (wrapped for
// tmux or screen) and says what was done: that the sequence was sent, not
// that the text arrived, which no terminal confirms.
func (t Terminal) Copy(text string) (string, error) {
	seq := osc52.New(text)
	switch {
	case t.Tmux:
		seq = seq.Tmux()
	case t.Screen:
		seq = seq.Screen()
	}
	open := t.Open
	if open == nil {
		open = tty
	}
	out, err := open()
	if err != nil {
		return "", err
	}
	defer out.Close()
	if _, err := seq.WriteTo(out); err != nil {
		return "", err
	}
	return t.said(), nil
}

// said is what Copy did, in words.
func (t Terminal) said() string {
	switch {
	case t.Tmux:
		return "sent to the clipboard with OSC 52 through tmux, which passes it on only with " +
			"`set -g set-clipboard on` (or allow-passthrough)"
	case t.Screen:
		return "sent to the clipboard with OSC 52 through screen, which passes it on only if the terminal " +
			"outside accepts OSC 52"
	}
	return "sent to the clipboard with OSC 52 (terminals that do not support it ignore it)"
}

func tty() (io.WriteCloser, error) {
	if f, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		return f, nil
	}
	return nopCloser{os.Stderr}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// Save writes data to a new file in dir named base+ext, or base-2+ext,
// base-3+ext… when that exists: it never replaces a file. The file is
// readable by its owner only (it may hold an exchange's details). It
// returns the path written.
func Save(dir, base, ext string, data []byte) (string, error) {
	if dir == "" {
		dir = "."
	}
	for n := 1; n < 1000; n++ {
		name := base + ext
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", base, n, ext)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return "", err
		}
		return shown(dir, path), f.Close()
	}
	return "", fmt.Errorf("%s: too many files named %s-N%s already", dir, base, ext)
}

// shown is path as a person would type it: "./name" in the current
// directory.
func shown(dir, path string) string {
	if dir == "." && !strings.HasPrefix(path, ".") {
		return "." + string(filepath.Separator) + path
	}
	return path
}

// SafeName makes s usable in a file name: letters, digits, '.', '-', '_'.
func SafeName(s string) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
	return strings.Trim(safe, ".")
}
