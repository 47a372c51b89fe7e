package sandbox

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// connCap keeps at most max connections open, so that slow or idle
// clients cannot use up the file descriptors new clients need. When a new
// client comes and every slot is taken, the connection that has waited
// longest without a request being handled is closed for it: an idle
// keep-alive connection first, then one still sending its headers (a slow
// client; the sandbox has acted on nothing it sent), then one yet to send
// anything. Oldest first: a new client's own connection is the youngest. Connections
// whose request is being handled are never closed; when they alone fill
// the cap, the new client is answered 503 at once and closed.
//
// It sees connections through three hooks: the listener it wraps, the
// server's ConnState and a handler that marks a request as handled.
type connCap struct {
	max   int
	mu    sync.Mutex
	conns map[*capConn]struct{}
	seq   uint64

	evicted, refused atomic.Int64
}

func newConnCap(max int) *connCap {
	return &connCap{max: max, conns: make(map[*capConn]struct{}, max)}
}

// capConn is a connection the cap counts.
type capConn struct {
	net.Conn
	cap     *connCap
	seq     uint64      // accept order
	busy    bool        // a request is being handled; guarded by cap.mu
	served  bool        // it has been answered at least once; guarded by cap.mu
	partial atomic.Bool // bytes of a request came since the last answer
	once    sync.Once   // removes it from the cap once
}

// idleNow reports whether c is a keep-alive connection between requests.
// A new connection counts as reading: it is about to send a request, or
// it is a client that connects and sends nothing, as slow as the slowest.
// The caller holds cap.mu.
func (c *capConn) idleNow() bool { return c.served && !c.partial.Load() }

// Read notes that a request has begun: Go's server reports a connection
// active only once the request's headers are all in, so a slow client
// would look idle.
func (c *capConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.partial.Load() {
		c.partial.Store(true)
	}
	return n, err
}

func (c *capConn) Close() error {
	c.once.Do(func() { c.cap.remove(c) })
	return c.Conn.Close()
}

func (l *connCap) remove(c *capConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// admit counts c in, closing a connection to make room when it must; it
// reports false when every connection is handling a request.
func (l *connCap) admit(c *capConn) bool {
	l.mu.Lock()
	l.seq++
	c.seq = l.seq
	var victim *capConn
	if len(l.conns) >= l.max {
		victim = l.victim()
		if victim == nil {
			l.mu.Unlock()
			return false
		}
		delete(l.conns, victim)
	}
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	if victim != nil {
		l.evicted.Add(1)
		victim.Close()
	}
	return true
}

// victim is the oldest idle connection, else the oldest that has sent part
// of a request and not finished it, else the oldest that has sent nothing
// yet, else nil. A connection not read from yet is most likely a new
// client whose request is waiting for its goroutine (under a flood of
// reconnecting slow clients, hundreds of newer connections can come before
// that); a slow client has sent its first bytes. The caller holds l.mu.
func (l *connCap) victim() *capConn {
	var idle, sending, unread *capConn
	older := func(c, than *capConn) bool { return than == nil || c.seq < than.seq }
	for c := range l.conns {
		switch {
		case c.busy:
		case c.idleNow():
			if older(c, idle) {
				idle = c
			}
		case c.partial.Load():
			if older(c, sending) {
				sending = c
			}
		default:
			if older(c, unread) {
				unread = c
			}
		}
	}
	switch {
	case idle != nil:
		return idle
	case sending != nil:
		return sending
	}
	return unread
}

// connState is the server's ConnState hook.
func (l *connCap) connState(conn net.Conn, state http.ConnState) {
	c, ok := conn.(*capConn)
	if !ok {
		return
	}
	if state == http.StateIdle {
		l.mu.Lock()
		c.busy, c.served = false, true
		c.partial.Store(false)
		l.mu.Unlock()
	}
	if state == http.StateHijacked || state == http.StateClosed {
		c.once.Do(func() { l.remove(c) })
	}
}

type capConnKey struct{}

// connContext is the server's ConnContext hook: it lets handled mark the
// request's connection.
func (l *connCap) connContext(ctx context.Context, conn net.Conn) context.Context {
	if c, ok := conn.(*capConn); ok {
		return context.WithValue(ctx, capConnKey{}, c)
	}
	return ctx
}

// handled marks a connection busy from the moment its request reaches the
// handler until it is idle again (after the answer is written).
func (l *connCap) handled(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(capConnKey{}).(*capConn); ok {
			l.mu.Lock()
			c.busy = true
			l.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// listener wraps ln so that every connection it accepts is counted.
func (l *connCap) listener(ln net.Listener) net.Listener { return capListener{ln, l} }

type capListener struct {
	net.Listener
	cap *connCap
}

func (l capListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		c := &capConn{Conn: conn, cap: l.cap}
		if l.cap.admit(c) {
			return c, nil
		}
		l.cap.refused.Add(1)
		refuse(conn)
	}
}

// busyAnswer is what a client gets when every connection is handling a
// request: the sandbox's own error shape (no request has been read, so
// which API it was for is unknown).
var busyAnswer = func() []byte {
	body := `{"error":"The sandbox has too many connections handling requests; try again shortly."}`
	return []byte("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

// refuse answers 503 and closes, without waiting for a slow client.
func refuse(conn net.Conn) {
	conn.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	conn.Write(busyAnswer)
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.CloseWrite()
	}
	conn.Close()
}

// ConnStats counts what the connection cap did.
type ConnStats struct {
	Open                int   // connections open now, of which
	Idle, Reading, Busy int   // between requests; new or sending a request; handling one
	Evicted             int64 // closed to make room for a new client
	Refused             int64 // new clients answered 503 because all were busy
}

func (l *connCap) stats() ConnStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := ConnStats{Open: len(l.conns), Evicted: l.evicted.Load(), Refused: l.refused.Load()}
	for c := range l.conns {
		switch {
		case c.busy:
			st.Busy++
		case c.idleNow():
			st.Idle++
		default:
			st.Reading++
		}
	}
	return st
}
