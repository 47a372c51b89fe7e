package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// inboxEnv is a sandbox whose authentications live in the store (as on
// SQLite or PostgreSQL), so that what a workspace's budget counts is its
// enrollments and its inbox messages only; its merchant's name is long,
// which makes each one-time code message weigh about 1 KiB, and its ids are
// of one length, which makes every message weigh the same.
func inboxEnv(t *testing.T, workspaceBytes int64) *env {
	var n atomic.Int64
	return newEnv(t, func(c *sandbox.Config) {
		c.Store = sharedOn(store.NewMemory(store.Limits{}))
		c.MerchantName = strings.Repeat("é", 100)
		c.MaxWorkspaceBytes = workspaceBytes
		c.NewID = func() string { return fmt.Sprintf("id-%08d", n.Add(1)) }
	})
}

// challenge starts challenge purchase n in workspace a: a message in the
// cardholder's inbox.
func (a *tenant) challenge(n int) error {
	_, err := a.tds.Authenticate(context.Background(), fmt.Sprintf("p%04d", n), purchase(card(nil, testcards.Visa, testcards.Challenge), threeds.Browser))
	return err
}

func (a *tenant) inboxLen(t *testing.T) int {
	t.Helper()
	box, err := a.acs.Inbox(context.Background(), testcards.CardholderID)
	if err != nil {
		t.Fatal(err)
	}
	return len(box)
}

// TestInboxFillsWorkspace: the cardholder's one-time code messages count
// against the workspace's byte budget; once it is full the authenticate
// that would send one more is refused with the workspace's 429, and
// nothing is kept for it; a reset gives back every byte its records
// took, and a delete the workspace's own cost too.
func TestInboxFillsWorkspace(t *testing.T) {
	e := inboxEnv(t, 8<<10)
	ctx := context.Background()
	empty := e.sb.Stats().StoredBytes
	a := e.workspace()
	base := e.sb.Stats().StoredBytes // with the workspace's own cost, which a reset keeps
	ch := card(t, testcards.Visa, testcards.Challenge)
	if _, err := a.issuing.Enroll(ctx, ref(ch), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	enrolled := e.sb.Stats().StoredBytes
	var sent int
	var err error
	for sent = 0; sent < 100; sent++ {
		if err = a.challenge(sent); err != nil {
			break
		}
	}
	var te *threeds.Error
	if !errors.As(err, &te) || te.HTTPStatus != http.StatusTooManyRequests || !strings.Contains(te.Message, "This workspace is full") {
		t.Fatalf("after %d messages: %v, want the workspace's 429", sent, err)
	}
	if sent < 3 {
		t.Fatalf("only %d messages fit in 8 KiB", sent)
	}
	used := e.sb.Stats().StoredBytes
	perMessage := (used - enrolled) / int64(sent)
	if perMessage < 600 || used-enrolled != perMessage*int64(sent) {
		t.Fatalf("%d messages count %d bytes, want at least 600 each", sent, used-enrolled)
	}
	if got := a.inboxLen(t); got != sent {
		t.Fatalf("the inbox has %d messages, want the %d sent before the 429", got, sent)
	}
	if _, err := a.tds.Get(ctx, fmt.Sprintf("p%04d", sent)); err == nil {
		t.Fatal("the refused authentication was kept")
	}

	if status, body := e.do("POST", "/sandbox/workspaces/"+a.view.ID+"/reset", a.auth, ""); status != http.StatusOK {
		t.Fatalf("reset: %d %s", status, body)
	}
	if got := e.sb.Stats().StoredBytes; got != base {
		t.Fatalf("after the reset %d bytes are counted, want %d", got, base)
	}
	if _, err := a.issuing.Enroll(ctx, ref(ch), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	if err := a.challenge(0); err != nil {
		t.Fatalf("after the reset: %v", err)
	}
	if status, body := e.do("DELETE", "/sandbox/workspaces/"+a.view.ID, a.auth, ""); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, body)
	}
	if got := e.sb.Stats().StoredBytes; got != empty {
		t.Fatalf("after the delete %d bytes are counted, want %d as before the workspace", got, empty)
	}
}

// TestInboxEvictionGivesBack: the store keeps a cardholder's newest 50
// messages; the bytes of each one it drops are given back, so a workspace
// that sends many codes counts 50 messages, not all it ever sent.
func TestInboxEvictionGivesBack(t *testing.T) {
	e := inboxEnv(t, 0)
	ctx := context.Background()
	a := e.workspace()
	if _, err := a.issuing.Enroll(ctx, ref(card(t, testcards.Visa, testcards.Challenge)), issuing.EnrollRequest{OTPDeliveryMethod: issuing.Email}); err != nil {
		t.Fatal(err)
	}
	enrolled := e.sb.Stats().StoredBytes
	if err := a.challenge(0); err != nil {
		t.Fatal(err)
	}
	one := e.sb.Stats().StoredBytes - enrolled
	for n := 1; n < 80; n++ {
		if err := a.challenge(n); err != nil {
			t.Fatal(err)
		}
	}
	if got := a.inboxLen(t); got != 50 {
		t.Fatalf("the inbox has %d messages, want 50", got)
	}
	if got, want := e.sb.Stats().StoredBytes-enrolled, 50*one; got != want {
		t.Fatalf("80 messages sent, 50 kept: %d bytes counted, want %d (50 × %d)", got, want, one)
	}
}

// TestInboxCounted: on every store (the memory store's in-process
// authentications too) a challenge counts its message: the same purchase
// at a merchant with a name 200 bytes longer counts 400 bytes more for
// the message, the name being in the email's subject and body, and 200
// more for the authenticate answer the memory store keeps (a shared
// store's authentications are not counted: inProcessOnly).
func TestInboxCounted(t *testing.T) {
	counted := func(merchant string) int64 {
		e := newEnv(t, func(c *sandbox.Config) { c.MerchantName = merchant })
		e.enroll(card(t, testcards.Visa, testcards.Challenge), issuing.Email)
		before := e.sb.Stats().StoredBytes
		e.authenticate("p1", purchase(card(t, testcards.Visa, testcards.Challenge), threeds.Browser))
		return e.sb.Stats().StoredBytes - before
	}
	short, long := counted("Shop"), counted("Shop"+strings.Repeat("é", 100))
	want := int64(600)
	if os.Getenv(sharedEnv) == "1" {
		want = 400
	}
	if long-short != want {
		t.Fatalf("a challenge counts %d bytes at a short-named merchant, %d at a long-named one: want %d more", short, long, want)
	}
}
