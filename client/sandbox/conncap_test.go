package sandbox_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox"
)

// TestServerLimits: the standalone server has every timeout and the header
// limit set, from the Config or its defaults.
func TestServerLimits(t *testing.T) {
	def := sandbox.New(sandbox.Config{}).HTTPServer()
	if def.ReadHeaderTimeout != 10*time.Second || def.ReadTimeout != 30*time.Second || def.WriteTimeout != 30*time.Second ||
		def.IdleTimeout != time.Minute || def.MaxHeaderBytes != 2*32<<10 {
		t.Errorf("defaults: header %v, read %v, write %v, idle %v, max header %d",
			def.ReadHeaderTimeout, def.ReadTimeout, def.WriteTimeout, def.IdleTimeout, def.MaxHeaderBytes)
	}
	set := sandbox.New(sandbox.Config{ReadHeaderTimeout: 1, ReadTimeout: 2, WriteTimeout: 3, IdleTimeout: 4, MaxHeaderBytes: 5000}).HTTPServer()
	if set.ReadHeaderTimeout != 1 || set.ReadTimeout != 2 || set.WriteTimeout != 3 || set.IdleTimeout != 4 || set.MaxHeaderBytes != 10000 {
		t.Errorf("configured: %+v", set)
	}
}

// TestLatencyFaultOutlastsTheWriteTimeout: the fault's delay is not the
// client's slowness; its answer still arrives.
func TestLatencyFaultOutlastsTheWriteTimeout(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{WriteTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/issuing/api/v1/card/3DS", nil)
	req.Header = issuingHeader("latency")
	req.Header.Set("x-walletsim-fault", "latency=1200ms")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal("no answer:", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatal(resp.Status)
	}
}

// rawConn is a client connection written to by hand.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, srv *sandbox.Server) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{c, bufio.NewReader(c)}
}

// get sends a keep-alive request and reads its answer.
func (c *rawConn) get(t *testing.T, header string) int {
	t.Helper()
	io.WriteString(c, "GET /sandbox/cards HTTP/1.1\r\nHost: x\r\n"+header+"\r\n")
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// closed reports whether the server closed the connection.
func (c *rawConn) closed() bool {
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.r.ReadByte()
	return err != nil && !isTimeout(err)
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// waitConns waits until the server's connections are as want says.
func waitConns(t *testing.T, srv *sandbox.Server, want func(sandbox.ConnStats) bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !want(srv.Conns()); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("connections: %+v", srv.Conns())
		}
	}
}

// TestConnCapClosesIdleForANewClient: with every slot taken by idle
// keep-alive connections and a slow client still sending its headers, a
// new client is served, and the connection closed for it is the idle one.
func TestConnCapClosesIdleForANewClient(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	slow := dial(t, srv)
	io.WriteString(slow, "GET /sandbox/cards HTTP/1.1\r\nHo")
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Reading == 1 && s.Unread == 0 })
	idle := dial(t, srv)
	if s := idle.get(t, ""); s != 200 {
		t.Fatal(s)
	}
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Idle == 1 && s.Reading == 1 })

	if s := dial(t, srv).get(t, ""); s != 200 {
		t.Fatalf("the new client: %d", s)
	}
	if !idle.closed() {
		t.Error("the idle connection was not closed")
	}
	if st := srv.Conns(); st.Evicted != 1 || st.Refused != 0 {
		t.Errorf("%+v", st)
	}
	// Then the slow client's turn: the new client is idle now, and newer.
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Idle == 1 && s.Reading == 1 })
	if s := dial(t, srv).get(t, ""); s != 200 {
		t.Fatalf("another new client: %d", s)
	}
	if st := srv.Conns(); st.Evicted != 2 {
		t.Errorf("%+v", st)
	}
}

// TestConnCapClosesSlowClientsForANewClient: slow clients that have not
// finished their headers give way to a new client.
func TestConnCapClosesSlowClientsForANewClient(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{MaxConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var slow []*rawConn
	for i := range 3 {
		c := dial(t, srv)
		io.WriteString(c, "GET /sandbox/cards HTTP/1.1\r\nX-Slow: ")
		slow = append(slow, c)
		waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Reading == i+1 && s.Unread == 0 })
	}
	if s := dial(t, srv).get(t, ""); s != 200 {
		t.Fatalf("the new client: %d", s)
	}
	if !slow[0].closed() {
		t.Error("the oldest slow client was not closed")
	}
	if st := srv.Conns(); st.Evicted != 1 {
		t.Errorf("%+v", st)
	}
}

// TestConnCapRefusesWhenAllAreBusy: connections whose requests are being
// handled are never closed; a new client then gets 503 at once.
func TestConnCapRefusesWhenAllAreBusy(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var held []*rawConn
	for range 2 {
		c := dial(t, srv)
		io.WriteString(c, "GET /issuing/api/v1/card/3DS HTTP/1.1\r\nHost: x\r\nX-Walletsim-Fault: timeout\r\n\r\n")
		held = append(held, c)
	}
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Busy == 2 })
	c := dial(t, srv)
	io.WriteString(c, "GET /sandbox/cards HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 503 || !strings.Contains(string(body), "too many connections") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if st := srv.Conns(); st.Refused != 1 || st.Evicted != 0 || st.Busy != 2 {
		t.Errorf("%+v", st)
	}
	for _, h := range held {
		h.Close()
	}
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Open == 0 })
	if s := dial(t, srv).get(t, ""); s != 200 {
		t.Fatalf("once they are done: %d", s)
	}
}

// TestConnCapKeepsANewConnection: a connection that has sent nothing yet
// is not idle: it is a client about to send its request, and an older
// slow client goes before it.
func TestConnCapKeepsANewConnection(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	slow := dial(t, srv)
	io.WriteString(slow, "GET /sandbox/cards HTTP/1.1\r\nHo")
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Reading == 1 && s.Unread == 0 })
	quiet := dial(t, srv)
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Open == 2 })
	if s := dial(t, srv).get(t, ""); s != 200 {
		t.Fatalf("the new client: %d", s)
	}
	if !slow.closed() {
		t.Error("the older slow client was not closed")
	}
	if s := quiet.get(t, ""); s != 200 {
		t.Errorf("the quiet connection: %d", s)
	}
}

// TestConnCapClosesTheLongestIdle: of two idle keep-alive connections, the
// one idle longer is closed for a new client, though it connected later.
func TestConnCapClosesTheLongestIdle(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	first, second := dial(t, srv), dial(t, srv)
	for i, c := range []*rawConn{first, second, first} {
		if s := c.get(t, ""); s != 200 {
			t.Fatal(s)
		}
		// The answer can reach the client before its connection is idle
		// again: wait, so that they become idle in this order.
		waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Idle == min(i+1, 2) && s.Busy == 0 })
	}
	if s := dial(t, srv).get(t, ""); s != 200 {
		t.Fatalf("the new client: %d", s)
	}
	if !second.closed() {
		t.Error("the connection idle longest was not closed")
	}
	if s := first.get(t, ""); s != 200 {
		t.Errorf("the connection used last: %d", s)
	}
}

// TestConnCapCountsEveryEviction: a stream of slow clients, each evicting
// one, leaves exactly the cap open, and nothing once they are gone.
func TestConnCapCountsEveryEviction(t *testing.T) {
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Config{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var slow []*rawConn
	for i := range 20 {
		c := dial(t, srv)
		io.WriteString(c, "GET /sandbox/cards HTTP/1.1\r\nX-Slow: ")
		slow = append(slow, c)
		want := sandbox.ConnStats{Open: min(i+1, 4), Reading: min(i+1, 4), Evicted: int64(max(i-3, 0))}
		waitConns(t, srv, func(s sandbox.ConnStats) bool { return s == want })
	}
	for i, c := range slow[:16] {
		if !c.closed() {
			t.Errorf("slow client %d was not closed", i)
		}
	}
	for _, c := range slow[16:] {
		c.Close()
	}
	waitConns(t, srv, func(s sandbox.ConnStats) bool { return s.Open == 0 && s.Reading == 0 })
}
