package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// tenant is one workspace with clients that use its credentials.
type tenant struct {
	view    sandbox.WorkspaceView
	issuing *issuing.Client
	tds     *threeds.Client
	wallet  *wallet.Client
	acs     *acs.Client
	auth    http.Header // the 3DS key, as HTTP Basic: for the /sandbox/… endpoints
}

func (e *env) workspace() *tenant {
	e.t.Helper()
	status, body := e.do("POST", "/sandbox/workspaces", nil, "")
	if status != http.StatusCreated {
		e.t.Fatalf("create workspace: %d %s", status, body)
	}
	var v sandbox.WorkspaceView
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		e.t.Fatal(err)
	}
	c := v.Credentials
	if !strings.HasPrefix(v.ID, "ws_") || c.IssuingAPIKey == "" || c.IssuingToken == "" || c.ThreeDSKey == "" || c.WalletToken == "" || c.WebhookHMACKey == "" {
		e.t.Fatalf("workspace without its credentials: %s", body)
	}
	return e.tenant(v)
}

// tenant is workspace v as seen through e's sandbox (another replica's,
// say).
func (e *env) tenant(v sandbox.WorkspaceView) *tenant {
	c := v.Credentials
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(c.ThreeDSKey, "")
	ccfg := client.Config{BaseURL: e.srv.URL, Retries: -1}
	acfg := ccfg
	acfg.Header = http.Header{"Authorization": req.Header["Authorization"]}
	return &tenant{
		view:    v,
		issuing: issuing.New(ccfg, issuing.Credentials{APIKey: c.IssuingAPIKey, ProductID: "prod", Token: c.IssuingToken}),
		tds:     threeds.New(ccfg, threeds.Credentials{SecretKey: c.ThreeDSKey}),
		wallet:  wallet.New(ccfg, wallet.Credentials{Token: c.WalletToken}),
		acs:     acs.New(acfg),
		auth:    http.Header{"Authorization": req.Header["Authorization"]},
	}
}

// TestWorkspacesAreIsolated: two workspaces and the default one enroll the
// same card, start purchases with the same ids, and never see each other's
// enrollments, authentications, inboxes or pending wallet requests.
func TestWorkspacesAreIsolated(t *testing.T) {
	e := newEnv(t)
	a, b := e.workspace(), e.workspace()
	ctx := context.Background()
	ch := card(t, testcards.Visa, testcards.Challenge)
	for _, c := range []*issuing.Client{a.issuing, b.issuing, e.issuing} {
		if _, err := c.Enroll(ctx, ref(ch), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
			t.Fatalf("enroll the same card in each workspace: %v", err)
		}
	}
	if _, err := a.tds.Authenticate(ctx, "same-id", purchase(ch, threeds.Browser)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.tds.Get(ctx, "same-id"); err == nil {
		t.Fatal("workspace b reads workspace a's authentication")
	}
	if _, err := e.tds.Get(ctx, "same-id"); err == nil {
		t.Fatal("the default workspace reads workspace a's authentication")
	}
	// b can use the same id for its own purchase: another authentication.
	dec := card(t, testcards.Visa, testcards.Decoupled)
	if _, err := b.issuing.Enroll(ctx, ref(dec), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.tds.Authenticate(ctx, "same-id", purchase(dec, threeds.Decoupled)); err != nil {
		t.Fatalf("b reuses a's id: %v", err)
	}
	inbox := func(c *acs.Client) []acs.Message {
		msgs, err := c.Inbox(ctx, testcards.CardholderID)
		if err != nil {
			t.Fatal(err)
		}
		return msgs
	}
	if n := len(inbox(a.acs)); n != 1 {
		t.Fatalf("a's inbox has %d messages, want 1", n)
	}
	if n := len(inbox(b.acs)); n != 0 {
		t.Fatalf("b's inbox has %d messages, want 0", n)
	}
	// Without credentials the inbox is the default workspace's.
	if status, body := e.do("GET", "/sandbox/inbox/"+testcards.CardholderID, nil, ""); status != 200 || strings.Contains(body, "code") {
		t.Fatalf("default inbox: %d %s", status, body)
	}
	pending, err := b.wallet.List(ctx, testcards.CustomerID, dec.CardID)
	if err != nil || len(pending) != 1 {
		t.Fatalf("b's pending requests: %v %v", pending, err)
	}
	if other, _ := a.wallet.List(ctx, testcards.CustomerID, dec.CardID); len(other) != 0 {
		t.Fatalf("a sees b's pending requests: %v", other)
	}
	if _, err := a.wallet.Verify(ctx, testcards.CustomerID, dec.CardID, pending[0].Auth3dsID, wallet.VerifyRequest{
		WalletOperationID: pending[0].WalletOperationID, Status: wallet.Verified, Verification: wallet.Verification{Method: wallet.Biometric},
	}); err == nil {
		t.Fatal("a approves b's pending request")
	}
}

// TestWorkspaceLifecycle: reset empties a workspace and keeps its
// credentials; delete removes it; both need the workspace's own
// credentials, and errors name the field at fault.
func TestWorkspaceLifecycle(t *testing.T) {
	e := newEnv(t)
	a, b := e.workspace(), e.workspace()
	ctx := context.Background()
	fr := card(t, testcards.Visa, testcards.Frictionless)
	if _, err := a.issuing.Enroll(ctx, ref(fr), issuing.EnrollRequest{OTPDeliveryMethod: issuing.Email}); err != nil {
		t.Fatal(err)
	}
	path := "/sandbox/workspaces/" + a.view.ID
	for _, tc := range []struct {
		name   string
		method string
		path   string
		header http.Header
		status int
		field  string
	}{
		{"reset with b's credentials", "POST", path + "/reset", b.auth, 403, "credentials"},
		{"reset with none", "POST", path + "/reset", nil, 403, "credentials"},
		{"reset an unknown workspace", "POST", "/sandbox/workspaces/ws_nope/reset", a.auth, 404, "id"},
		{"delete with b's credentials", "DELETE", path, b.auth, 403, "credentials"},
		{"delete the default", "DELETE", "/sandbox/workspaces/default", nil, 400, "id"},
	} {
		status, body := e.do(tc.method, tc.path, tc.header, "")
		if status != tc.status || !strings.Contains(body, `"field":"`+tc.field+`"`) {
			t.Errorf("%s: %d %s, want %d naming %s", tc.name, status, body, tc.status, tc.field)
		}
	}
	if _, err := a.issuing.Get(ctx, ref(fr)); err != nil {
		t.Fatalf("refused requests changed a: %v", err)
	}
	if status, body := e.do("POST", path+"/reset", a.auth, ""); status != 200 || !strings.Contains(body, a.view.Credentials.ThreeDSKey) {
		t.Fatalf("reset: %d %s", status, body)
	}
	if _, err := a.issuing.Get(ctx, ref(fr)); err == nil {
		t.Fatal("the enrollment survived a reset")
	}
	if _, err := a.issuing.Enroll(ctx, ref(fr), issuing.EnrollRequest{OTPDeliveryMethod: issuing.Email}); err != nil {
		t.Fatalf("the credentials did not survive a reset: %v", err)
	}
	if status, body := e.do("DELETE", path, a.auth, ""); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	// a's credentials now belong to no workspace: the default one answers.
	if _, err := a.issuing.Get(ctx, ref(fr)); err == nil {
		t.Fatal("a's enrollment survived its deletion")
	}
	if status, _ := e.do("DELETE", path, a.auth, ""); status != 404 {
		t.Fatalf("delete twice: %d, want 404", status)
	}
}

// TestWorkspaceClock: moving a workspace's clock expires its challenge and
// no other workspace's; bad durations are refused, naming the field.
func TestWorkspaceClock(t *testing.T) {
	e := newEnv(t)
	a, b := e.workspace(), e.workspace()
	ctx := context.Background()
	ch := card(t, testcards.Visa, testcards.Challenge)
	for _, w := range []*tenant{a, b} {
		if _, err := w.issuing.Enroll(ctx, ref(ch), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.tds.Authenticate(ctx, "p1", purchase(ch, threeds.Browser)); err != nil {
			t.Fatal(err)
		}
	}
	path := "/sandbox/workspaces/" + a.view.ID + "/clock"
	for _, body := range []string{``, `{}`, `{"advance":"soon"}`, `{"advance":"-1m"}`, `{"advance":"0s"}`, `{"advance":"9000h"}`, `[1]`} {
		if status, got := e.do("POST", path, a.auth, body); status != 400 || !strings.Contains(got, `"field":"advance"`) {
			t.Errorf("clock %q: %d %s, want 400 naming advance", body, status, got)
		}
	}
	status, body := e.do("POST", path, a.auth, `{"advance":"6m"}`)
	if status != 200 || !strings.Contains(body, `"clock_offset":"6m0s"`) {
		t.Fatalf("advance: %d %s", status, body)
	}
	got, err := a.tds.Get(ctx, "p1")
	if err != nil || got.AuthStatus != "U" {
		t.Fatalf("a's challenge after 6 minutes: %+v %v, want expired (U)", got, err)
	}
	if got, err := b.tds.Get(ctx, "p1"); err != nil || got.AuthStatus != "C" {
		t.Fatalf("b's challenge after a's time travel: %+v %v, want still C", got, err)
	}
}

// TestWorkspaceWebhook: each workspace has its own webhook, signed with
// its own key unless it gives one; the default's is untouched.
func TestWorkspaceWebhook(t *testing.T) {
	e := newEnv(t)
	a := e.workspace()
	if status, body := e.do("PUT", "/sandbox/webhook", a.auth, `{"url":"http://127.0.0.1:1/hook"}`); status != 200 {
		t.Fatalf("put webhook: %d %s", status, body)
	}
	ctx := context.Background()
	dec := card(t, testcards.Visa, testcards.Decoupled)
	if _, err := a.issuing.Enroll(ctx, ref(dec), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.tds.Authenticate(ctx, "d1", purchase(dec, threeds.Decoupled)); err != nil {
		t.Fatal(err)
	}
	_, mine := e.do("GET", "/sandbox/webhook/deliveries", a.auth, "")
	_, theirs := e.do("GET", "/sandbox/webhook/deliveries", nil, "")
	if !strings.Contains(mine, "127.0.0.1:1/hook") || strings.Contains(theirs, "127.0.0.1:1/hook") {
		t.Fatalf("deliveries: a's %s; default's %s", mine, theirs)
	}
}

// TestResetDefaultKeepsConfiguredWebhook: resetting the default workspace
// empties it but keeps the webhook the sandbox was started with.
func TestResetDefaultKeepsConfiguredWebhook(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.WebhookURL = "http://127.0.0.1:1/hook" })
	ctx := context.Background()
	fr := card(t, testcards.Visa, testcards.Frictionless)
	e.enroll(fr, issuing.SMS)
	if status, body := e.do("POST", "/sandbox/workspaces/default/reset", nil, ""); status != 200 {
		t.Fatalf("reset default: %d %s", status, body)
	}
	if _, err := e.issuing.Get(ctx, ref(fr)); err == nil {
		t.Fatal("the default workspace's enrollment survived its reset")
	}
	dec := card(t, testcards.Visa, testcards.Decoupled)
	e.enroll(dec, issuing.SMS)
	e.authenticate("d1", purchase(dec, threeds.Decoupled))
	if _, body := e.do("GET", "/sandbox/webhook/deliveries", nil, ""); !strings.Contains(body, "127.0.0.1:1/hook") {
		t.Fatalf("the configured webhook did not survive the reset: %s", body)
	}
}

// TestResetGivesBytesBack: what a workspace kept counts against the
// sandbox's byte budget until the workspace is reset or deleted.
func TestResetGivesBytesBack(t *testing.T) {
	e := newEnv(t)
	a := e.workspace()
	ctx := context.Background()
	base := e.sb.Stats().StoredBytes
	ch := card(t, testcards.Visa, testcards.Challenge)
	if _, err := a.issuing.Enroll(ctx, ref(ch), issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.tds.Authenticate(ctx, "p1", purchase(ch, threeds.Browser)); err != nil {
		t.Fatal(err)
	}
	if e.sb.Stats().StoredBytes <= base {
		t.Fatal("the workspace's enrollment and purchase are not counted")
	}
	if status, body := e.do("POST", "/sandbox/workspaces/"+a.view.ID+"/reset", a.auth, ""); status != 200 {
		t.Fatalf("reset: %d %s", status, body)
	}
	if got := e.sb.Stats().StoredBytes; got != base {
		t.Fatalf("after the reset %d bytes are counted, want %d", got, base)
	}
}
