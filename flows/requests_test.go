package flows

import (
	"context"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/wallet"
)

func TestMatch(t *testing.T) {
	ev := wallet.Event{Auth3dsID: "a-2", Amount: 4999, Currency: "SAR", LastFourDigits: "0044"}
	for name, tc := range map[string]struct {
		m     Match
		seq   uint64
		want  bool
		route string // the workspace its webhook URL named
	}{
		"anything":            {Match{}, 1, true, ""},
		"its auth3dsId":       {Match{Auth3dsID: "a-2"}, 1, true, ""},
		"another auth3dsId":   {Match{Auth3dsID: "a-1", Amount: 4999}, 1, false, ""},
		"id wins over mark":   {Match{Auth3dsID: "a-2", After: 5}, 1, true, ""},
		"amount, card":        {Match{Amount: 4999, Currency: "SAR", LastFour: "0044"}, 1, true, ""},
		"another amount":      {Match{Amount: 5000, LastFour: "0044"}, 1, false, ""},
		"another currency":    {Match{Amount: 4999, Currency: "USD"}, 1, false, ""},
		"another card":        {Match{Amount: 4999, LastFour: "0036"}, 1, false, ""},
		"before the purchase": {Match{Amount: 4999, After: 3}, 3, false, ""},
		"after the purchase":  {Match{Amount: 4999, After: 3}, 4, true, ""},
		"its workspace":       {Match{Amount: 4999, workspace: "ws_a"}, 1, true, "ws_a"},
		"another workspace":   {Match{Amount: 4999, workspace: "ws_a"}, 1, false, "ws_b"},
		"no workspace named":  {Match{workspace: "ws_a"}, 1, false, ""},
		"id, other workspace": {Match{Auth3dsID: "a-2", workspace: "ws_a"}, 1, false, "ws_b"},
		"any workspace":       {Match{Amount: 4999}, 1, true, "ws_b"},
	} {
		if got := tc.m.matches(queuedRequest{seq: tc.seq, ev: ev, route: tc.route}); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

// TestRequestsStayForTheirPurchase: a waiter takes its own request; the
// others stay queued, in order, for theirs.
func TestRequestsStayForTheirPurchase(t *testing.T) {
	q := newRequests(8)
	q.push(queuedRequest{ev: wallet.Event{Auth3dsID: "first", Amount: 1000}})
	q.push(queuedRequest{ev: wallet.Event{Auth3dsID: "second", Amount: 2000}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // liveness guard
	defer cancel()
	for _, want := range []struct {
		m  Match
		id string
	}{{Match{Amount: 2000}, "second"}, {Match{}, "first"}} {
		r, err := q.take(ctx, want.m)
		if err != nil || r.ev.Auth3dsID != want.id {
			t.Fatalf("took %q (%v), want %q", r.ev.Auth3dsID, err, want.id)
		}
	}
	// A waiter whose request has not arrived yet gets it when it does.
	got := make(chan string)
	go func() {
		r, _ := q.take(ctx, Match{Auth3dsID: "third"})
		got <- r.ev.Auth3dsID
	}()
	q.push(queuedRequest{ev: wallet.Event{Auth3dsID: "other"}})
	q.push(queuedRequest{ev: wallet.Event{Auth3dsID: "third"}})
	if id := <-got; id != "third" || q.mark() != 4 || len(q.queued) != 1 {
		t.Fatalf("%q, mark %d, %d queued", id, q.mark(), len(q.queued))
	}
}
