package flows

import (
	"context"
	"sync"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/wallet"
)

// Match says which wallet request belongs to a purchase. The wallet
// platform's event names no purchase, so a purchase is recognised as its
// cardholder would recognise it: by its auth3dsId when that is known, else
// by amount, currency and card, among the requests that arrived after the
// purchase started. The zero Match takes any request.
type Match struct {
	Auth3dsID string
	Amount    int64
	Currency  string
	LastFour  string
	// After leaves out requests received before this mark (see
	// Session.RequestMark): those belong to earlier purchases.
	After uint64
	// workspace, when set, leaves out requests that another sandbox
	// workspace's webhook delivered to a shared listener (one serving
	// several sessions). WalletFlow.For sets it to the session's own: it
	// is the session's to say, not the caller's.
	workspace string
}

// matches reports whether queued request r is m's.
func (m Match) matches(r queuedRequest) bool {
	if m.workspace != "" && r.route != m.workspace {
		return false
	}
	return m.Auth3dsID != "" && r.ev.Auth3dsID == m.Auth3dsID || m.Auth3dsID == "" && r.seq > m.After && m.Matches(r.ev)
}

// Matches reports whether ev fits m, whenever it was received.
func (m Match) Matches(ev wallet.Event) bool {
	switch {
	case m.Auth3dsID != "":
		return ev.Auth3dsID == m.Auth3dsID
	case m.Amount != 0 && ev.Amount != m.Amount,
		m.Currency != "" && ev.Currency != m.Currency,
		m.LastFour != "" && ev.LastFourDigits != m.LastFour:
		return false
	}
	return true
}

// requests are the 3DS requests the wallet received and nobody has taken
// yet, in arrival order. Each waiter takes the first that matches it;
// the others stay for their own purchases. One queue can serve several
// purchases (and several scenarios sharing a listener) at once.
type requests struct {
	mu      sync.Mutex
	seq     uint64 // requests received so far
	queued  []queuedRequest
	limit   int
	arrived chan struct{} // closed, and replaced, when a request arrives
}

type queuedRequest struct {
	seq   uint64
	ev    wallet.Event
	route string // the workspace its webhook URL named (see routedURL)
	// The delivery that brought it, for a shared listener's taker to
	// report (see ListenerConfig.Shared).
	exchange client.Exchange
	note     string
}

func newRequests(limit int) *requests {
	return &requests{limit: limit, arrived: make(chan struct{})}
}

// full reports whether the queue has no room: the platform is told to
// retry later.
func (q *requests) full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queued) >= q.limit
}

// push queues r and wakes the waiters.
func (q *requests) push(r queuedRequest) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	r.seq = q.seq
	q.queued = append(q.queued, r)
	close(q.arrived)
	q.arrived = make(chan struct{})
}

// mark is the number of requests received so far.
func (q *requests) mark() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.seq
}

// take removes and returns the first queued request m matches, waiting for
// one until ctx ends.
func (q *requests) take(ctx context.Context, m Match) (queuedRequest, error) {
	for {
		q.mu.Lock()
		for i, r := range q.queued {
			if m.matches(r) {
				q.queued = append(q.queued[:i:i], q.queued[i+1:]...)
				q.mu.Unlock()
				return r, nil
			}
		}
		arrived := q.arrived
		q.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return queuedRequest{}, ctx.Err()
		}
	}
}
