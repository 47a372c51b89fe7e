package export

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type buffer struct{ bytes.Buffer }

func (*buffer) Close() error { return nil }

// TestCopySaysWhatItDid: the message names OSC 52 and, inside tmux, what
// tmux needs; it never claims the text arrived.
func TestCopySaysWhatItDid(t *testing.T) {
	for _, tc := range []struct {
		term Terminal
		want string
		wrap string
	}{
		{Terminal{}, "OSC 52", "\x1b]52;c;"},
		{Terminal{Tmux: true}, "set-clipboard on", "\x1bPtmux;"},
		{Terminal{Screen: true}, "through screen", "\x1bP"},
	} {
		var out buffer
		tc.term.Open = func() (io.WriteCloser, error) { return &out, nil }
		said, err := tc.term.Copy("AAIBBRQxMAAAAAPoaCAjdQAAAAA=")
		if err != nil || !strings.Contains(said, tc.want) || strings.Contains(strings.ToLower(said), "copied") {
			t.Errorf("%+v: %q %v", tc.term, said, err)
		}
		if !strings.HasPrefix(out.String(), tc.wrap) {
			t.Errorf("%+v: sequence %q", tc.term, out.String())
		}
	}
}

// TestSaveNeverOverwrites: a second save gets its own name; the first
// file keeps its content.
func TestSaveNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	first, err := Save(dir, "walletsim-curl-threeds.Get-3", ".sh", []byte("redacted"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := Save(dir, "walletsim-curl-threeds.Get-3", ".sh", []byte("real secrets"))
	if err != nil {
		t.Fatal(err)
	}
	if first == second || filepath.Base(second) != "walletsim-curl-threeds.Get-3-2.sh" {
		t.Fatalf("%s, %s", first, second)
	}
	if b, _ := os.ReadFile(first); string(b) != "redacted" {
		t.Fatalf("the first file was overwritten: %q", b)
	}
	if st, _ := os.Stat(second); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
}
