package sandbox_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// enrollHeaders enrolls card n of a cardholder with a request id of its own.
func enrollHeaders(n int) http.Header {
	h := issuingHeaders("card-" + strconv.Itoa(n) + "-" + strings.Repeat("x", 200))
	h.Set("x-request-id", "enroll-"+strconv.Itoa(n))
	return h
}

// TestFullSandboxRefuses: once what the sandbox keeps reaches
// MaxStoredBytes, requests that would keep more get 429 in their API's
// shape, saying the sandbox is full and how to empty it, and change
// nothing; unenrolling makes room, and the same x-request-id then runs
// (a refusal is not an answer to replay).
func TestFullSandboxRefuses(t *testing.T) {
	inProcessOnly(t)
	e := newEnv(t, func(c *sandbox.Config) { c.MaxStoredBytes = 4 << 10 })
	const body = `{"otp_delivery_method":"SMS"}`
	n := 0
	for ; ; n++ {
		status, got := e.do("POST", enrollPath, enrollHeaders(n), body)
		if status == 429 {
			want := `{"code":429,"message":"The sandbox is full: `
			if !strings.HasPrefix(got, want) || !strings.Contains(got, "Unenroll cards") || !strings.Contains(got, "restart the sandbox") {
				t.Fatalf("full: %s", got)
			}
			break
		}
		if status != 200 || n > 100 {
			t.Fatalf("enroll %d: %d %s", n, status, got)
		}
	}
	st := e.sb.Stats()
	if n == 0 || st.Enrollments != n || st.StoredBytes > 4<<10 {
		t.Fatalf("after %d enrollments: %+v", n, st)
	}
	h := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
	auth := `{"number":"4000000000000010","month":6,"year":2030,"return_url":"https://x.example"}`
	if status, got := e.do("POST", "/v1/3ds/full/authenticate", h, auth); status != 429 || !strings.HasPrefix(got, `{"message":"The sandbox is full: `) {
		t.Fatalf("authenticate: %d %s", status, got)
	}
	if status, got := e.do("POST", "/v1/3ds", h, `{"amount":100}`); status != 429 || !strings.HasPrefix(got, `{"message":"The sandbox is full: `) {
		t.Fatalf("purchase: %d %s", status, got)
	}
	if st := e.sb.Stats(); st.Authentications != 0 {
		t.Fatalf("a refused authentication was kept: %+v", st)
	}
	unenroll := enrollHeaders(0)
	unenroll.Set("x-request-id", "unenroll-0")
	if status, got := e.do("DELETE", enrollPath, unenroll, ""); status != 200 {
		t.Fatalf("unenroll: %d %s", status, got)
	}
	if status, got := e.do("POST", enrollPath, enrollHeaders(n), body); status != 200 || strings.Contains(got, "full") {
		t.Fatalf("the refused request again, after room was made: %d %s", status, got)
	}
}

// TestStoredBytesAreGivenBack: what is forgotten is no longer counted, so
// a sandbox that is used and emptied again is as empty as a new one
// (inbox messages stay: they are kept until 50 newer ones push them out).
func TestStoredBytesAreGivenBack(t *testing.T) {
	inProcessOnly(t)
	e := newEnv(t)
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, "SMS")
	enrolled := e.sb.Stats().StoredBytes
	for i := range 5 {
		e.authenticate("back-"+strconv.Itoa(i), purchase(c, "browser"))
	}
	e.authenticate("back-frictionless", purchase(card(t, testcards.Visa, testcards.Frictionless), "browser"))
	during := e.sb.Stats().StoredBytes
	// Let the challenges expire and their results be forgotten; any
	// authentication sweeps.
	e.clock.Advance(time.Hour)
	e.authenticate("sweeper", purchase(card(t, testcards.Visa, testcards.Frictionless), "browser"))
	e.clock.Advance(time.Hour)
	e.authenticate("sweeper-2", purchase(card(t, testcards.Visa, testcards.Frictionless), "browser"))
	if _, err := e.issuing.Unenroll(t.Context(), ref(c)); err != nil {
		t.Fatal(err)
	}
	after := e.sb.Stats()
	if after.Authentications != 1 || after.Enrollments != 0 {
		t.Fatalf("not forgotten: %+v", after)
	}
	// Left: sweeper-2 and the five inbox messages.
	left := after.StoredBytes
	if enrolled <= 0 || during <= enrolled || left <= 0 || left >= during-enrolled || left > 5*1024+4096 {
		t.Fatalf("stored bytes: enrolled %d, during %d, after %d", enrolled, during, left)
	}
}

// TestPendingChallengesAreBoundedInBytes is the fuzz experiment of issue
// 11 at a small scale: challenges with the longest return_url accepted
// stop at the budget, with 429, long before MaxPending.
func TestPendingChallengesAreBoundedInBytes(t *testing.T) {
	inProcessOnly(t)
	const limit = 256 << 10
	e := newEnv(t, func(c *sandbox.Config) { c.MaxStoredBytes = limit })
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, "SMS")
	req := purchase(c, "browser")
	req.ReturnURL = "https://shop.example/" + strings.Repeat("r", sandbox.MaxReturnURL-len("https://shop.example/"))
	h := http.Header{"Authorization": {basicAuth("sk_test_1")}, "Content-Type": {"application/json"}}
	body := `{"number":"` + c.PAN + `","month":6,"year":2030,"return_url":"` + req.ReturnURL + `"}`
	accepted := 0
	for i := range 1000 {
		status, got := e.do("POST", "/v1/3ds/p-"+strconv.Itoa(i)+"/authenticate", h, body)
		if status == 429 {
			break
		}
		if status != 200 {
			t.Fatalf("%d: %d %s", i, status, got)
		}
		accepted++
	}
	st := e.sb.Stats()
	if accepted == 0 || accepted >= 1000 || st.Pending != accepted || st.StoredBytes > limit {
		t.Fatalf("accepted %d: %+v", accepted, st)
	}
	// Each kept challenge is counted at least for the bytes it holds: the
	// request's return_url, and the first answer, which echoes it.
	if per := st.StoredBytes / int64(accepted); per < 2*sandbox.MaxReturnURL+2048 {
		t.Fatalf("%d bytes counted per challenge: less than it keeps", per)
	}
}

// TestEscapedAnswerIsCounted: an answer that echoes the request with every
// byte escaped (a control character is \u0001 in JSON, six bytes) is
// counted whole.
func TestEscapedAnswerIsCounted(t *testing.T) {
	inProcessOnly(t)
	e := newEnv(t)
	c := card(t, testcards.Visa, testcards.Challenge)
	e.enroll(c, "SMS")
	before := e.sb.Stats().StoredBytes
	req := purchase(c, "browser")
	req.CustomerDevice = &threeds.Device{UserAgent: strings.Repeat("\x01", 2000)}
	e.authenticate("escaped", req)
	if got := e.sb.Stats().StoredBytes - before; got < 2000+6*2000 {
		t.Fatalf("counted %d bytes; the request and its answer hold %d of the user agent alone", got, 2000+6*2000)
	}
}

// TestFullWorkspaceRefuses: a workspace that reaches MaxWorkspaceBytes gets
// 429 naming its own budget, while another workspace and the default one
// still keep what they are sent; resetting it gives its bytes back.
func TestFullWorkspaceRefuses(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.MaxWorkspaceBytes, c.MaxStoredBytes = 4<<10, 64<<10 })
	full, other := e.workspace(), e.workspace()
	const body = `{"otp_delivery_method":"SMS"}`
	in := func(w *tenant, n int) http.Header {
		h := enrollHeaders(n)
		if w != nil {
			h.Set("x-api-key", w.view.Credentials.IssuingAPIKey)
			h.Set("Authorization", "Bearer "+w.view.Credentials.IssuingToken)
		}
		return h
	}
	n := 0
	for ; ; n++ {
		status, got := e.do("POST", enrollPath, in(full, n), body)
		if status == 429 {
			if !strings.HasPrefix(got, `{"code":429,"message":"This workspace is full: `) || !strings.Contains(got, "--max-workspace-bytes") ||
				!strings.Contains(got, "reset the workspace") {
				t.Fatalf("full: %s", got)
			}
			break
		}
		if status != 200 || n > 100 {
			t.Fatalf("enroll %d: %d %s", n, status, got)
		}
	}
	for _, w := range []*tenant{other, nil} {
		if status, got := e.do("POST", enrollPath, in(w, 0), body); status != 200 {
			t.Fatalf("another workspace is refused because one is full: %d %s", status, got)
		}
	}
	if status, got := e.do("POST", "/sandbox/workspaces/"+full.view.ID+"/reset", full.auth, ""); status != 200 && status != 204 {
		t.Fatalf("reset: %d %s", status, got)
	}
	if status, got := e.do("POST", enrollPath, in(full, n+1), body); status != 200 {
		t.Fatalf("after a reset: %d %s", status, got)
	}
}

// TestWorkspacesFillTheSandbox: each workspace costs the sandbox bytes of
// its own, so making workspaces in a loop ends in the sandbox's 429 (which
// says to delete unused ones) rather than in its memory; deleting one, or
// their expiring unused, makes room again.
func TestWorkspacesFillTheSandbox(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) {
		c.MaxStoredBytes, c.MaxWorkspaceBytes, c.WorkspaceIdle = 64<<10, 4<<10, time.Hour
	})
	create := func() (int, string) { return e.do("POST", "/sandbox/workspaces", nil, "") }
	first := e.workspace()
	n := 1
	for ; ; n++ {
		status, body := create()
		if status == http.StatusTooManyRequests {
			if !strings.Contains(body, "The sandbox is full") || !strings.Contains(body, "delete unused workspaces") {
				t.Fatalf("full: %s", body)
			}
			break
		}
		if status != http.StatusCreated || n > 64 {
			t.Fatalf("workspace %d: %d %s", n, status, body)
		}
	}
	if n < 8 {
		t.Fatalf("only %d workspaces fit in 64 KiB", n)
	}
	if s, b := e.do("DELETE", "/sandbox/workspaces/"+first.view.ID, first.auth, ""); s != http.StatusNoContent {
		t.Fatalf("delete: %d %s", s, b)
	}
	if s, b := create(); s != http.StatusCreated {
		t.Fatalf("after a delete: %d %s", s, b)
	}
	if s, b := create(); s != http.StatusTooManyRequests {
		t.Fatalf("made a workspace in a full sandbox: %d %s", s, b)
	}
	e.clock.Advance(2 * time.Hour)
	if s, b := e.do("GET", "/sandbox/inbox/"+testcards.CardholderID, nil, ""); s != http.StatusOK { // a request sweeps
		t.Fatalf("inbox: %d %s", s, b)
	}
	if got := e.sb.Stats().ExpiredWorkspaces; got != int64(n) {
		t.Fatalf("%d workspaces expired, want the %d left", got, n)
	}
	if s, b := create(); s != http.StatusCreated {
		t.Fatalf("after they expired: %d %s", s, b)
	}
}
