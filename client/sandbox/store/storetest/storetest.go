// Package storetest is the test suite every store.Store must pass: the
// memory store runs it, and so must a SQL one —
//
//	func TestSQLite(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, l store.Limits) store.Store { return openSQLite(t, l) })
//	}
//
// newStore must return an empty store with the given limits, cleaned up
// by the test's Cleanup.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// NewStore makes an empty store with limits l.
type NewStore func(t *testing.T, l store.Limits) store.Store

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Run runs the suite.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, newStore NewStore)
	}{
		{"Workspaces", testWorkspaces},
		{"Credentials", testCredentials},
		{"ResetAndClock", testResetAndClock},
		{"Enrollments", testEnrollments},
		{"Isolation", testIsolation},
		{"Inbox", testInbox},
		{"Webhook", testWebhook},
		{"Pending", testPending},
		{"TakePendingOnce", testTakePendingOnce},
		{"Idempotency", testIdempotency},
		{"IdempotencyTTL", testIdempotencyTTL},
		{"IdempotencyKeyBytes", testIdempotencyKeyBytes},
		{"IdempotencyBudget", testIdempotencyBudget},
		{"ClaimOnce", testClaimOnce},
		{"Copies", testCopies},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore) })
	}
}

func creds(n string) store.Credentials {
	return store.Credentials{IssuingAPIKey: "key-" + n, IssuingToken: "itok-" + n, ThreeDSKey: "sk_" + n,
		WalletToken: "wtok-" + n, WebhookHMACKey: "hmac-" + n}
}

// open makes a store with workspaces a and b.
func open(t *testing.T, newStore NewStore, l store.Limits) store.Store {
	t.Helper()
	s := newStore(t, l)
	for _, id := range []string{"a", "b"} {
		must(t, s.CreateWorkspace(context.Background(), store.Workspace{ID: id, Credentials: creds(id), Created: t0}))
	}
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Fatalf("%s: error %v, want %v", what, got, want)
	}
}

var ctx = context.Background()

func testWorkspaces(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	wantErr(t, "create a again", s.CreateWorkspace(ctx, store.Workspace{ID: "a", Credentials: creds("z")}), store.ErrExists)
	w, err := s.Workspace(ctx, "a")
	must(t, err)
	if w.ID != "a" || w.Credentials != creds("a") || !w.Created.Equal(t0) || w.ClockOffset != 0 {
		t.Fatalf("workspace a = %+v", w)
	}
	_, err = s.Workspace(ctx, "nope")
	wantErr(t, "read unknown", err, store.ErrNoWorkspace)
	must(t, s.DeleteWorkspace(ctx, "a"))
	_, err = s.Workspace(ctx, "a")
	wantErr(t, "read deleted", err, store.ErrNoWorkspace)
	wantErr(t, "delete twice", s.DeleteWorkspace(ctx, "a"), store.ErrNoWorkspace)
	wantErr(t, "enroll in deleted", s.Enroll(ctx, "a", store.Enrollment{Cardholder: "h", Card: "c"}), store.ErrNoWorkspace)
	// Its credentials are free again, and the id can be reused empty.
	must(t, s.CreateWorkspace(ctx, store.Workspace{ID: "a", Credentials: creds("a")}))
	if n, _ := s.Enrollments(ctx, "a"); n != 0 {
		t.Fatalf("recreated workspace has %d enrollments", n)
	}
}

func testCredentials(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	c := creds("a")
	for _, k := range []store.CredentialKind{store.IssuingAPIKey, store.IssuingToken, store.ThreeDSKey, store.WalletToken} {
		w, err := s.WorkspaceByCredential(ctx, k, c.Of(k))
		must(t, err)
		if w.ID != "a" {
			t.Errorf("credential %d found %q", k, w.ID)
		}
	}
	// A credential of one kind does not match another kind.
	_, err := s.WorkspaceByCredential(ctx, store.ThreeDSKey, c.IssuingAPIKey)
	wantErr(t, "wrong kind", err, store.ErrNoWorkspace)
	_, err = s.WorkspaceByCredential(ctx, store.ThreeDSKey, "")
	wantErr(t, "empty credential", err, store.ErrNoWorkspace)
	taken := creds("c")
	taken.WalletToken = c.WalletToken
	wantErr(t, "taken credential", s.CreateWorkspace(ctx, store.Workspace{ID: "c", Credentials: taken}), store.ErrCredentialTaken)
	if _, err := s.Workspace(ctx, "c"); !errors.Is(err, store.ErrNoWorkspace) {
		t.Fatal("a refused workspace was created")
	}
	_, err = s.WorkspaceByCredential(ctx, store.IssuingAPIKey, taken.IssuingAPIKey)
	wantErr(t, "half-created credential", err, store.ErrNoWorkspace)
	must(t, s.DeleteWorkspace(ctx, "a"))
	_, err = s.WorkspaceByCredential(ctx, store.WalletToken, c.WalletToken)
	wantErr(t, "deleted workspace's credential", err, store.ErrNoWorkspace)
}

func testResetAndClock(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	w, err := s.AdvanceClock(ctx, "a", 6*time.Minute)
	must(t, err)
	w, err = s.AdvanceClock(ctx, "a", time.Minute)
	must(t, err)
	if w.ClockOffset != 7*time.Minute {
		t.Fatalf("offset %v, want 7m", w.ClockOffset)
	}
	if b, _ := s.Workspace(ctx, "b"); b.ClockOffset != 0 {
		t.Fatalf("b's clock moved with a's: %v", b.ClockOffset)
	}
	fill(t, s, "a")
	must(t, s.ResetWorkspace(ctx, "a"))
	w, err = s.Workspace(ctx, "a")
	must(t, err)
	if w.ClockOffset != 0 || w.Credentials != creds("a") {
		t.Fatalf("after reset: %+v", w)
	}
	assertEmpty(t, s, "a")
	wantErr(t, "reset unknown", s.ResetWorkspace(ctx, "nope"), store.ErrNoWorkspace)
	_, err = s.AdvanceClock(ctx, "nope", time.Second)
	wantErr(t, "clock of unknown", err, store.ErrNoWorkspace)
}

// fill puts one of everything in ws.
func fill(t *testing.T, s store.Store, ws string) {
	t.Helper()
	must(t, s.Enroll(ctx, ws, store.Enrollment{Cardholder: "h", Card: "c", Wallet: "w", Method: "SMS"}))
	must(t, s.Deliver(ctx, ws, "h", store.Message{ID: "m1", Body: "123456 is your code"}, 50))
	must(t, s.SetWebhook(ctx, ws, store.Webhook{URL: "http://x/hook", Key: []byte("k"), OldKey: []byte("old"), OldUntil: t0.Add(time.Hour)}))
	must(t, s.RecordDelivery(ctx, ws, store.Delivery{EventID: "e1"}, 100))
	must(t, s.PutPending(ctx, ws, store.PendingRequest{Auth3dsID: "p1", CustomerID: "cu", CardID: "c", Expires: t0.Add(time.Hour)}))
	_, st, err := s.ClaimKey(ctx, ws, "k1", [32]byte{1}, t0)
	must(t, err)
	if st != store.Claimed {
		t.Fatalf("claim: %v", st)
	}
	must(t, s.CompleteKey(ctx, ws, "k1", 200, []byte("{}")))
}

func assertEmpty(t *testing.T, s store.Store, ws string) {
	t.Helper()
	if n, _ := s.Enrollments(ctx, ws); n != 0 {
		t.Errorf("%s: %d enrollments", ws, n)
	}
	if box, _ := s.Inbox(ctx, ws, "h"); len(box) != 0 {
		t.Errorf("%s: inbox %v", ws, box)
	}
	if h, _ := s.Webhook(ctx, ws); h.URL != "" || len(h.Key) != 0 || len(h.OldKey) != 0 || !h.OldUntil.IsZero() {
		t.Errorf("%s: webhook %+v", ws, h)
	}
	if d, _ := s.Deliveries(ctx, ws); len(d) != 0 {
		t.Errorf("%s: deliveries %v", ws, d)
	}
	if _, err := s.PendingRequest(ctx, ws, "p1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: pending request: %v", ws, err)
	}
	if n, b, _ := s.IdempotencyUsage(ctx, ws); n != 0 || b != 0 {
		t.Errorf("%s: %d idempotency records, %d bytes", ws, n, b)
	}
}

func testEnrollments(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	e := store.Enrollment{Cardholder: "h", Card: "c", Wallet: "w", Method: "EMAIL"}
	must(t, s.Enroll(ctx, "a", e))
	wantErr(t, "enroll twice", s.Enroll(ctx, "a", e), store.ErrExists)
	got, err := s.Enrollment(ctx, "a", "h", "c")
	must(t, err)
	if got != e {
		t.Fatalf("read %+v, want %+v", got, e)
	}
	must(t, s.UpdateEnrollment(ctx, "a", "h", "c", "SMS"))
	if got, _ = s.Enrollment(ctx, "a", "h", "c"); got.Method != "SMS" || got.Wallet != "w" {
		t.Fatalf("after update %+v", got)
	}
	wantErr(t, "update other card", s.UpdateEnrollment(ctx, "a", "h", "other", "SMS"), store.ErrNotFound)
	// The key is (cardholder, card): the same card of another cardholder is another enrollment.
	must(t, s.Enroll(ctx, "a", store.Enrollment{Cardholder: "h2", Card: "c", Method: "SMS"}))
	if n, _ := s.Enrollments(ctx, "a"); n != 2 {
		t.Fatalf("%d enrollments, want 2", n)
	}
	must(t, s.Unenroll(ctx, "a", "h", "c"))
	wantErr(t, "unenroll twice", s.Unenroll(ctx, "a", "h", "c"), store.ErrNotFound)
	_, err = s.Enrollment(ctx, "a", "h", "c")
	wantErr(t, "read unenrolled", err, store.ErrNotFound)
}

func testIsolation(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	fill(t, s, "a")
	assertEmpty(t, s, "b")
	// b can hold the same keys independently.
	fill(t, s, "b")
	must(t, s.DeleteWorkspace(ctx, "b"))
	if n, _ := s.Enrollments(ctx, "a"); n != 1 {
		t.Fatalf("deleting b touched a: %d enrollments", n)
	}
}

func testInbox(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	for i := range 5 {
		must(t, s.Deliver(ctx, "a", "h", store.Message{ID: fmt.Sprint(i), SentAt: t0.Add(time.Duration(i) * time.Second)}, 3))
	}
	must(t, s.Deliver(ctx, "a", "other", store.Message{ID: "x"}, 3))
	box, err := s.Inbox(ctx, "a", "h")
	must(t, err)
	if len(box) != 3 || box[0].ID != "2" || box[2].ID != "4" || !box[2].SentAt.Equal(t0.Add(4*time.Second)) {
		t.Fatalf("inbox %+v, want messages 2..4", box)
	}
	if box, _ := s.Inbox(ctx, "a", "nobody"); len(box) != 0 {
		t.Fatalf("empty inbox %+v", box)
	}
}

func testWebhook(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	must(t, s.SetWebhook(ctx, "a", store.Webhook{URL: "http://x", Key: []byte("k1")}))
	h, err := s.Webhook(ctx, "a")
	must(t, err)
	if h.URL != "http://x" || string(h.Key) != "k1" || len(h.OldKey) != 0 || !h.OldUntil.IsZero() {
		t.Fatalf("webhook %+v", h)
	}
	// A rotation's overlap is kept with the webhook.
	must(t, s.SetWebhook(ctx, "a", store.Webhook{URL: "http://x", Key: []byte("k2"), OldKey: []byte("k1"), OldUntil: t0.Add(time.Hour)}))
	if h, _ = s.Webhook(ctx, "a"); string(h.Key) != "k2" || string(h.OldKey) != "k1" || !h.OldUntil.Equal(t0.Add(time.Hour)) {
		t.Fatalf("rotated webhook %+v", h)
	}
	// So are the workspace's webhook faults; b's webhook is its own.
	must(t, s.SetWebhook(ctx, "a", store.Webhook{URL: "http://x", Key: []byte("k2"), Faults: "webhook=duplicate"}))
	if h, _ = s.Webhook(ctx, "a"); h.Faults != "webhook=duplicate" {
		t.Fatalf("webhook with faults %+v", h)
	}
	if h, _ = s.Webhook(ctx, "b"); h.Faults != "" {
		t.Fatalf("b's webhook has a's faults: %+v", h)
	}
	for i := range 4 {
		must(t, s.RecordDelivery(ctx, "a", store.Delivery{EventID: fmt.Sprint(i), Attempts: 1}, 3))
	}
	must(t, s.RecordDelivery(ctx, "a", store.Delivery{EventID: "2", Attempts: 2, Delivered: true, Fault: "webhook=duplicate", Duplicates: 1}, 3))
	d, err := s.Deliveries(ctx, "a")
	must(t, err)
	if len(d) != 3 || d[0].EventID != "1" || d[1].EventID != "2" || d[1].Attempts != 2 || !d[1].Delivered ||
		d[1].Fault != "webhook=duplicate" || d[1].Duplicates != 1 {
		t.Fatalf("deliveries %+v", d)
	}
}

func testPending(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	p := store.PendingRequest{Auth3dsID: "p1", AuthenticationID: "auth", CustomerID: "cu", CardID: "c",
		WalletOperationID: "op", Event: []byte(`{"id":"e"}`), Expires: t0.Add(5 * time.Minute)}
	must(t, s.PutPending(ctx, "a", p))
	wantErr(t, "put twice", s.PutPending(ctx, "a", p), store.ErrExists)
	p2 := p
	p2.Auth3dsID, p2.Expires = "p2", t0.Add(6*time.Minute)
	must(t, s.PutPending(ctx, "a", p2))
	p3 := p
	p3.Auth3dsID, p3.CardID = "p3", "other"
	must(t, s.PutPending(ctx, "a", p3))
	got, err := s.PendingRequest(ctx, "a", "p1")
	must(t, err)
	if got.Status != store.Pending || string(got.Event) != `{"id":"e"}` || got.WalletOperationID != "op" || !got.Expires.Equal(p.Expires) {
		t.Fatalf("read %+v", got)
	}
	list, err := s.ListPending(ctx, "a", "cu", "c", t0)
	must(t, err)
	if len(list) != 2 || list[0].Auth3dsID != "p1" || list[1].Auth3dsID != "p2" {
		t.Fatalf("list %+v", list)
	}
	// At 5½ minutes p1 has expired: not listed, and not takeable.
	later := t0.Add(330 * time.Second)
	if list, _ = s.ListPending(ctx, "a", "cu", "c", later); len(list) != 1 || list[0].Auth3dsID != "p2" {
		t.Fatalf("list later %+v", list)
	}
	got, taken, err := s.TakePending(ctx, "a", "p1", []byte("ans"), []byte("201"), later)
	must(t, err)
	if taken || got.Status != store.Expired || got.Answer != nil {
		t.Fatalf("took an expired request: %+v %v", got, taken)
	}
	did, err := s.ExpirePending(ctx, "a", "p3")
	must(t, err)
	if !did {
		t.Fatal("ExpirePending did not expire a pending request")
	}
	if did, _ = s.ExpirePending(ctx, "a", "p3"); did {
		t.Fatal("ExpirePending expired twice")
	}
	must(t, s.ForgetPending(ctx, "a", "p3"))
	_, err = s.PendingRequest(ctx, "a", "p3")
	wantErr(t, "read forgotten", err, store.ErrNotFound)
	_, _, err = s.TakePending(ctx, "a", "nope", nil, nil, t0)
	wantErr(t, "take unknown", err, store.ErrNotFound)
}

// testTakePendingOnce: of many concurrent answers, exactly one is taken,
// and every other caller sees that one's answer.
func testTakePendingOnce(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	must(t, s.PutPending(ctx, "a", store.PendingRequest{Auth3dsID: "p", CustomerID: "cu", CardID: "c", Expires: t0.Add(time.Minute)}))
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners, answers := 0, map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, taken, err := s.TakePending(ctx, "a", "p", []byte(fmt.Sprint(i)), []byte("body"), t0)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if taken {
				winners++
			}
			answers[string(p.Answer)]++
		}()
	}
	wg.Wait()
	if winners != 1 || len(answers) != 1 {
		t.Fatalf("%d callers took the request; answers seen %v", winners, answers)
	}
}

// testCopies: what a caller passes or gets back is its own.
func testCopies(t *testing.T, newStore NewStore) {
	s := open(t, newStore, store.Limits{})
	key := []byte("secret")
	must(t, s.SetWebhook(ctx, "a", store.Webhook{URL: "http://x", Key: key}))
	key[0] = 'X'
	h, _ := s.Webhook(ctx, "a")
	h.Key[1] = 'Y'
	if h2, _ := s.Webhook(ctx, "a"); string(h2.Key) != "secret" {
		t.Fatalf("webhook key aliased: %q", h2.Key)
	}
	ev := []byte("event")
	must(t, s.PutPending(ctx, "a", store.PendingRequest{Auth3dsID: "p", Event: ev, Expires: t0.Add(time.Minute)}))
	ev[0] = 'X'
	if p, _ := s.PendingRequest(ctx, "a", "p"); string(p.Event) != "event" {
		t.Fatalf("event aliased: %q", p.Event)
	}
	body := []byte("body")
	s.ClaimKey(ctx, "a", "k", [32]byte{}, t0)
	must(t, s.CompleteKey(ctx, "a", "k", 200, body))
	body[0] = 'X'
	if rec, _, _ := s.ClaimKey(ctx, "a", "k", [32]byte{}, t0); string(rec.Body) != "body" {
		t.Fatalf("idempotent body aliased: %q", rec.Body)
	}
}
