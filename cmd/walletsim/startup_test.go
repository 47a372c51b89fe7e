package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// BenchmarkStartupToFirstFrame measures what a person waits for: from
// starting the walletsim binary in an 80×24 terminal to the home screen
// being drawn (the embedded sandbox and the wallet's listener started, the
// first frame written).
func BenchmarkStartupToFirstFrame(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "walletsim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "TERM=xterm-256color", "WALLETSIM_CONFIG="+filepath.Join(b.TempDir(), "none.yaml"))
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
		if err != nil {
			b.Fatal(err)
		}
		var seen bytes.Buffer
		buf := make([]byte, 4096)
		deadline := time.Now().Add(10 * time.Second)
		for !bytes.Contains(seen.Bytes(), []byte("Walk through")) {
			f.SetReadDeadline(deadline)
			n, err := f.Read(buf)
			if err != nil {
				b.Fatalf("no first frame: %v\n%q", err, seen.String())
			}
			seen.Write(buf[:n])
			answer(f, buf[:n])
		}
		b.StopTimer()
		f.Write([]byte("q"))
		cmd.Wait()
		f.Close()
		b.StartTimer()
	}
}

// answer replies to the queries a terminal answers at start-up: the
// background colour (OSC 11), the device attributes (DA1) and the cursor
// position; without a reply, libraries wait for their timeouts.
func answer(f *os.File, out []byte) {
	if bytes.Contains(out, []byte("\x1b]11;?")) {
		f.Write([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\"))
	}
	if bytes.Contains(out, []byte("\x1b[c")) {
		f.Write([]byte("\x1b[?62;22c"))
	}
	if bytes.Contains(out, []byte("\x1b[6n")) {
		f.Write([]byte("\x1b[1;1R"))
	}
}
