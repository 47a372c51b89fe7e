package sandbox

import (
	"net"
	"testing"
)

// oneByteConn is a connection that always has one byte to read and whose
// Close costs nothing, to time the cap's own work.
type oneByteConn struct{ net.Conn }

func (oneByteConn) Read(p []byte) (int, error) { return 1, nil }
func (oneByteConn) Close() error               { return nil }

// BenchmarkConnCapAdmitAtTheCap: what the accept loop spends per new
// client when the cap is full of slow clients (each admit closes one).
func BenchmarkConnCapAdmitAtTheCap(b *testing.B) {
	l := newConnCap(512)
	buf := make([]byte, 1)
	for b.Loop() {
		c := &capConn{Conn: oneByteConn{}, cap: l}
		if !l.admit(c) {
			b.Fatal("refused")
		}
		c.Read(buf) // it sends its first byte
	}
}
