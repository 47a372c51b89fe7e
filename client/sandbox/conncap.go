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
// client comes and every slot is taken, a connection is closed for it: the
// one idle longest between keep-alive requests first, then the one that
// began sending a request longest ago and has not finished it (a slow
// client; the sandbox has acted on nothing it sent), then the oldest yet to
// send anything (most likely a new client whose goroutine has not run yet).
// Connections whose request is being handled are never closed; when they
// alone fill the cap, the new client is answered 503 at once and closed.
//
// Each kind of connection waits in a list in the order it became that
// kind, so choosing whom to close costs the same however many are open: the
// choice is made in the accept loop, once per new client, and under a flood
// of reconnecting slow clients that loop is what a new client waits behind.
//
// It sees connections through three hooks: the listener it wraps, the
// server's ConnState and a handler that marks a request as handled.
type connCap struct {
	max int
	mu  sync.Mutex
	// Every open connection is in one of these, or handling a request.
	idle, sending, unread connList
	open                  int

	evicted, refused atomic.Int64
}

func newConnCap(max int) *connCap { return &connCap{max: max} }

// capConn is a connection the cap counts.
type capConn struct {
	net.Conn
	cap        *connCap
	list       *connList   // which kind it is now; nil: handling a request or closed; guarded by cap.mu
	prev, next *capConn    // in list; guarded by cap.mu
	closed     bool        // guarded by cap.mu
	partial    atomic.Bool // bytes of a request came since the last answer
}

// connList is a doubly linked list of connections, oldest first.
type connList struct {
	head, tail *capConn
	n          int
}

func (q *connList) push(c *capConn) {
	c.list, c.prev, c.next = q, q.tail, nil
	if q.tail != nil {
		q.tail.next = c
	} else {
		q.head = c
	}
	q.tail = c
	q.n++
}

func (q *connList) unlink(c *capConn) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		q.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		q.tail = c.prev
	}
	c.list, c.prev, c.next = nil, nil, nil
	q.n--
}

// move puts c at the end of q, out of its own list; the caller holds
// cap.mu. A closed connection stays out.
func (l *connCap) move(c *capConn, q *connList) {
	if c.closed {
		return
	}
	if c.list != nil {
		c.list.unlink(c)
	}
	if q != nil {
		q.push(c)
	}
}

// Read notes that a request has begun: Go's server reports a connection
// active only once the request's headers are all in, so a slow client
// would look idle.
func (c *capConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.partial.Load() {
		c.partial.Store(true)
		c.cap.mu.Lock()
		if c.list != nil { // not handling a request
			c.cap.move(c, &c.cap.sending)
		}
		c.cap.mu.Unlock()
	}
	return n, err
}

func (c *capConn) Close() error {
	c.cap.remove(c) // once: remove checks closed
	return c.Conn.Close()
}

func (l *connCap) remove(c *capConn) {
	l.mu.Lock()
	if !c.closed {
		l.move(c, nil)
		c.closed = true
		l.open--
	}
	l.mu.Unlock()
}

// admit counts c in, closing a connection to make room when it must; it
// reports false when every connection is handling a request.
func (l *connCap) admit(c *capConn) bool {
	l.mu.Lock()
	var victim *capConn
	if l.open >= l.max {
		victim = l.victim()
		if victim == nil {
			l.mu.Unlock()
			return false
		}
		l.move(victim, nil)
		victim.closed = true
		l.open--
	}
	l.unread.push(c)
	l.open++
	l.mu.Unlock()
	if victim != nil {
		l.evicted.Add(1)
		victim.Close()
	}
	return true
}

// victim is the first idle connection, else the first still sending a
// request, else the first not read from yet, else nil. The caller holds
// l.mu.
func (l *connCap) victim() *capConn {
	for _, q := range []*connList{&l.idle, &l.sending, &l.unread} {
		if q.head != nil {
			return q.head
		}
	}
	return nil
}

// connState is the server's ConnState hook.
func (l *connCap) connState(conn net.Conn, state http.ConnState) {
	c, ok := conn.(*capConn)
	if !ok {
		return
	}
	switch state {
	case http.StateIdle:
		l.mu.Lock()
		c.partial.Store(false)
		l.move(c, &l.idle)
		l.mu.Unlock()
	case http.StateHijacked, http.StateClosed:
		l.remove(c)
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
			l.move(c, nil)
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
	Unread              int   // of Reading, those not read from yet
	Evicted             int64 // closed to make room for a new client
	Refused             int64 // new clients answered 503 because all were busy
}

func (l *connCap) stats() ConnStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	reading := l.sending.n + l.unread.n
	return ConnStats{Open: l.open, Idle: l.idle.n, Reading: reading, Busy: l.open - l.idle.n - reading,
		Unread: l.unread.n, Evicted: l.evicted.Load(), Refused: l.refused.Load()}
}
