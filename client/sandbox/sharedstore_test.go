package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/sqlite"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// onStore runs the sandbox on st, with ids that differ from one sandbox
// to the next (two runs on one database must not make the same ones).
func onStore(st store.Store) func(*sandbox.Config) {
	return func(c *sandbox.Config) { c.Store, c.NewID = st, nil }
}

// stop shuts an env's sandbox down before the test ends: a restart.
func (e *env) stop() {
	e.srv.Close()
	e.sb.Close()
}

func openSQLite(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(path, store.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// pendingOf is the card's one pending wallet request, as the wallet lists it.
func (e *env) pendingOf(c testcards.Card) wallet.Pending {
	e.t.Helper()
	status, body := e.do("GET", "/customers/"+testcards.CustomerID+"/prepaid/cards/"+c.CardID+"/3ds-authentications",
		http.Header{"Authorization": {"Bearer t"}}, "")
	var list struct {
		Authentications []wallet.Pending `json:"authentications"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Authentications) != 1 {
		e.t.Fatalf("pending list: %d %s", status, body)
	}
	return list.Authentications[0]
}

// TestRestartFinishesPurchases is issue 11's "a sandbox on SQLite restarted
// mid-flow finishes the pending purchase": a decoupled purchase waiting for
// the wallet, a browser challenge waiting for its code, and a challenge
// left to expire are started, the sandbox stops, a new one opens the same
// file, and the wallet's answer, the code and the clock finish them.
func TestRestartFinishesPurchases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	first := openSQLite(t, path)
	e := newEnv(t, onStore(first))
	dec := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(dec, issuing.SMS)
	if a := e.authenticate("dec", purchase(dec, threeds.Decoupled)); a.AuthStatus != "D" {
		t.Fatalf("decoupled: %s", a.AuthStatus)
	}
	ch, ac := e.startChallenge("chal", issuing.SMS)
	code := e.code(ac).Code
	exp, _ := e.startChallenge("expires", issuing.SMS)
	e.stop()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	e = newEnv(t, onStore(openSQLite(t, path)))
	ac = acs.New(client.Config{BaseURL: e.srv.URL, Retries: -1})
	p := e.pendingOf(dec)
	if p.Status != "PENDING" || p.Amount != 100 {
		t.Fatalf("after the restart, the wallet sees %+v", p)
	}
	if res, err := e.verify(p.Event, decision(p.Event, wallet.Verified, "")); err != nil || res.Status != wallet.Verified {
		t.Fatalf("verify after the restart: %+v %v", res, err)
	}
	if got := e.result("dec"); got.AuthStatus != "Y" || len(deref(got.AuthValue)) != 28 {
		t.Fatalf("decoupled after the restart: %s %q", got.AuthStatus, deref(got.AuthValue))
	}
	page, err := ac.Submit(context.Background(), rebase(e, *ch.ChallengeURL), code)
	if err != nil || page.TransStatus != "Y" {
		t.Fatalf("code after the restart: %+v %v", page, err)
	}
	if got := e.result("chal"); got.AuthStatus != "Y" || got.Status != "authenticated" {
		t.Fatalf("challenge after the restart: %s %s", got.AuthStatus, got.Status)
	}
	e.clock.Advance(time.Hour) // past the challenge's deadline, on the new sandbox's clock
	got := e.result("expires")
	if got.AuthStatus != "U" || deref(got.FailureReason) != "Challenge expired before the cardholder completed it." {
		t.Fatalf("expired across the restart: %s %q", got.AuthStatus, deref(got.FailureReason))
	}
	if page, err := ac.Challenge(context.Background(), rebase(e, *exp.ChallengeURL)); err != nil || page.TransStatus != "U" {
		t.Fatalf("expired challenge's page: %+v %v", page, err)
	}
}

// rebase points a challenge URL made by an earlier sandbox at e's: the
// restarted sandbox listens on another port.
func rebase(e *env, challengeURL string) string {
	const prefix = "/acs/challenge/"
	for i := range len(challengeURL) - len(prefix) {
		if challengeURL[i:i+len(prefix)] == prefix {
			return e.srv.URL + challengeURL[i:]
		}
	}
	e.t.Fatalf("not a challenge URL: %s", challengeURL)
	return ""
}

// TestReadingStoresNothing: with a shared store, reading an authentication
// that nothing changes writes nothing back (its encoding is stable), so
// the merchant polling a result costs a read, not a write.
func TestReadingStoresNothing(t *testing.T) {
	m := store.NewMemory(store.Limits{})
	auths := m.Auths()
	e := newEnv(t, onStore(sharedOn(m)))
	dec := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(dec, issuing.SMS)
	e.authenticate("dec", purchase(dec, threeds.Decoupled))
	ch, ac := e.startChallenge("chal", issuing.SMS)
	if _, err := ac.Submit(context.Background(), *ch.ChallengeURL, e.code(ac).Code); err != nil {
		t.Fatal(err)
	}
	p := e.pendingOf(dec)
	for _, id := range []string{"dec", "chal"} {
		before, err := auths.Auth(context.Background(), store.DefaultWorkspace, id)
		if err != nil {
			t.Fatal(err)
		}
		e.result(id)
		e.result(id)
		e.do("GET", "/v1/3ds/"+id+"/messages", http.Header{"Authorization": {basicAuth("sk_test_1")}}, "")
		e.pendingOf(dec)
		after, _ := auths.Auth(context.Background(), store.DefaultWorkspace, id)
		if after.Version != before.Version {
			t.Fatalf("%s: reading it stored it again (version %d, then %d)", id, before.Version, after.Version)
		}
	}
	if p.Status != "PENDING" {
		t.Fatalf("pending: %+v", p)
	}
}

// TestSharedStoreBounds: with a shared store the workspace's bounds hold
// as in memory — MaxPending authentications in progress, then 503; past
// MaxFinished finished ones, the oldest are removed.
func TestSharedStoreBounds(t *testing.T) {
	m := store.NewMemory(store.Limits{})
	auths := m.Auths()
	e := newEnv(t, onStore(sharedOn(m)), func(c *sandbox.Config) { c.MaxPending, c.MaxFinished = 3, 5 })
	ch := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(ch, issuing.SMS)
	h := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
	body := `{"number":"` + ch.PAN + `","month":6,"year":2030,"return_url":"https://x.example"}`
	for i := range 4 {
		status, got := e.do("POST", "/v1/3ds/wait-"+strconv.Itoa(i)+"/authenticate", h, body)
		if want := map[bool]int{true: 200, false: 503}[i < 3]; status != want {
			t.Fatalf("challenge %d: %d %s, want %d", i, status, got, want)
		}
	}
	if status, got := e.do("POST", "/v1/3ds/wait-0/authenticate", h, body); status != 200 || !strings.Contains(got, `"auth_status":"C"`) {
		t.Fatalf("a repeat while busy: %d %s, want the first answer", status, got)
	}
	if status, got := e.do("POST", "/v1/3ds", h, `{"amount":100}`); status != 503 || !strings.Contains(got, "too many authentications") {
		t.Fatalf("a purchase with 3 in progress: %d %s", status, got)
	}
	fr := card(t, testcards.Visa, testcards.Frictionless)
	for i := range 8 {
		e.authenticate("done-"+strconv.Itoa(i), purchase(fr, threeds.Browser))
		e.clock.Advance(2 * time.Second) // the sweep runs at most once a second
	}
	total, unfinished, err := auths.AuthCounts(context.Background(), store.DefaultWorkspace)
	if err != nil || unfinished != 3 || total > 3+5+1 {
		t.Fatalf("after 8 finished: %d records, %d unfinished (%v); want at most 5 finished (and the newest) kept", total, unfinished, err)
	}
	if _, err := auths.Auth(context.Background(), store.DefaultWorkspace, "done-0"); err == nil {
		t.Fatal("the oldest finished authentication is still kept")
	}
}

// failingUpdates is a shared memory store whose updates fail, as a lost
// database would.
type failingUpdates struct{ sharedStore }

func (failingUpdates) UpdateAuth(context.Context, string, store.AuthRecord) (store.AuthRecord, error) {
	return store.AuthRecord{}, errors.New("connection lost")
}

// TestSharedStoreFailureIs503: a code submission whose change cannot be
// stored is a 503 to retry — not a 404, and, under an Idempotency-Key,
// not an answer replayed — and the attempt is not used.
func TestSharedStoreFailureIs503(t *testing.T) {
	m := store.NewMemory(store.Limits{})
	e := newEnv(t, onStore(failingUpdates{sharedOn(m)}))
	ch, ac := e.startChallenge("fails", issuing.SMS)
	path := strings.TrimPrefix(*ch.ChallengeURL, e.srv.URL)
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "Idempotency-Key": {"k1"}}
	for range 2 {
		if status, body := e.do("POST", path, h, `{"otp":"000000"}`); status != 503 || !strings.Contains(body, "unavailable") {
			t.Fatalf("submission not stored: %d %s, want 503", status, body)
		}
	}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if status, _ := e.do("POST", path, form, "otp=000000"); status != 503 {
		t.Fatalf("form submission not stored: %d, want 503", status)
	}
	if page, err := ac.Challenge(context.Background(), *ch.ChallengeURL); err != nil || page.AttemptsLeft != 3 {
		t.Fatalf("after failed submissions: %+v %v, want 3 attempts left", page, err)
	}
}
