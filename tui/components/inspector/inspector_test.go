package inspector_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/inspector"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

func TestMain(m *testing.M) {
	// Goldens are plain text: no colour, whatever the terminal running
	// the tests.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// Test secrets: they must never reach a golden or a redacted export.
const (
	apiKey = "sk_test_SECRET_API_KEY"
	token  = "SECRET_BEARER_TOKEN"
)

const (
	sandboxURL = "http://127.0.0.1:7420"
	authID     = "fd0448cd-9d1b-4d27-80f0-e24522bbabd9"
	verifyPath = "/customers/5435323362/prepaid/cards/ff3713e7-61f5-4c54-9131-81ba820c2efa/3ds-authentications/41260ee6-4b29-43c8-8e00-4c911f0179f9"
)

var t0 = time.Date(2025, 3, 14, 10, 15, 0, 0, time.UTC)

func at(sec, ms int) time.Time {
	return t0.Add(time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond)
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func reqHeader(extra ...string) http.Header {
	h := http.Header{
		"Accept":       {"application/json"},
		"Content-Type": {"application/json"},
		"User-Agent":   {"walletsim/test"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = []string{extra[i+1]}
	}
	return h
}

// fixtures is a session's exchanges in the order they happened: an
// enrollment, a purchase refused by validation (422), one whose first
// attempt got a 503 and was retried, a webhook received, and a wallet call
// that got no response.
func fixtures() []client.Exchange {
	return []client.Exchange{
		{
			Op: "issuing.Enroll", Tag: "issuer/enroll", Attempt: 1, Started: at(2, 120), Duration: 87 * time.Millisecond,
			Request: client.Request{
				Method: "POST", URL: sandboxURL + "/issuing/api/v1/card/3DS",
				Header: reqHeader("x-api-key", "***", "x-card-id", "card-001", "x-cardholder-id", "ch-001", "x-request-id", "00000000-0000-4000-8000-000000000001"),
				Body:   []byte(`{"otp_delivery_method":"EMAIL"}`),
			},
			Response: &client.Response{Status: 200, Header: jsonHeader(), Body: []byte(`{"code":200,"data":[],"message":"3DS enrollment successful.","status":"Success"}`)},
		},
		{
			Op: "threeds.Authenticate", Tag: "merchant/authenticate", Attempt: 1, Started: at(11, 5), Duration: 31 * time.Millisecond,
			Request: client.Request{
				Method: "POST", URL: sandboxURL + "/v1/3ds/" + authID + "/authenticate",
				Header: reqHeader("Authorization", "Basic ***"),
				Body:   []byte(`{"challenge_preference":"no_preference","channel":"browser","month":6,"name":"John Doe","number":"4111111111111112","year":2029}`),
			},
			Response: &client.Response{Status: 422, Header: jsonHeader(), Body: []byte(`{"errors":{"number":["The value must be a proper credit/debit card number."],"return_url":["This field is missing."]},"message":"Data validation failed"}`)},
		},
		{
			Op: "threeds.Authenticate", Tag: "merchant/authenticate", Attempt: 1, Started: at(20, 0), Duration: 9 * time.Millisecond,
			Request: client.Request{
				Method: "POST", URL: sandboxURL + "/v1/3ds/" + authID + "/authenticate",
				Header: reqHeader("Authorization", "Basic ***"),
				Body:   []byte(`{"channel":"decoupled","number":"4000000000001091"}`),
			},
			Response: &client.Response{Status: 503, Header: jsonHeader(), Body: []byte(`{"message":"Service Unavailable"}`)},
		},
		{
			Op: "threeds.Authenticate", Tag: "merchant/authenticate", Attempt: 2, Started: at(20, 214), Duration: 1240 * time.Millisecond,
			Request: client.Request{
				Method: "POST", URL: sandboxURL + "/v1/3ds/" + authID + "/authenticate",
				Header: reqHeader("Authorization", "Basic ***"),
				Body:   []byte(`{"channel":"decoupled","number":"4000000000001091"}`),
			},
			Response: &client.Response{Status: 200, Header: jsonHeader(), Body: []byte(`{"id":"` + authID + `","status":"pending"}`)},
		},
		{
			Op: "webhook.ThreeDSecureEvent", Tag: "wallet/webhook", Attempt: 1, Started: at(21, 480), Duration: 412 * time.Microsecond,
			Request: client.Request{
				Method: "POST", URL: "/prepaid/card/threedsecure/events",
				Header: http.Header{"Content-Type": {"application/json"}, "Signature": {"t=1741947321,v1=5f2c…"}},
				Body:   []byte(`{"auth3dsId":"41260ee6-4b29-43c8-8e00-4c911f0179f9","id":"evt_1"}`),
			},
			Response: &client.Response{Status: 200, Header: jsonHeader(), Body: []byte(`{"result":"accepted: signature verified"}`)},
		},
		{
			Op: "wallet.Verify", Tag: "wallet/approve", Attempt: 1, Started: at(34, 700), Duration: 3 * time.Millisecond,
			Request: client.Request{
				Method: "POST", URL: sandboxURL + verifyPath,
				Header: reqHeader("Authorization", "Bearer ***"),
				Body:   []byte(`{"status":"VERIFIED","verification":{"method":"BIOMETRIC"},"walletOperationId":"bbbd87eb-08a9-437b-a9a7-df47b601593b"}`),
			},
			Error: `Post "` + sandboxURL + verifyPath + `": dial tcp 127.0.0.1:7420: connect: connection refused`,
		},
	}
}

// clip is an injected clipboard that remembers what it was given.
type clip struct{ got []string }

func (c *clip) write(text string) (string, error) {
	c.got = append(c.got, text)
	return "sent to the test clipboard", nil
}

func newModel(t *testing.T, w, h int, exs ...client.Exchange) (*inspector.Model, *clip) {
	t.Helper()
	c := &common.Common{Styles: styles.New(), Keys: keymap.New(), Ctx: context.Background()}
	m := inspector.New(c)
	cb := &clip{}
	m.Clipboard = cb.write
	m.SaveDir = t.TempDir()
	m.SetSize(w, h)
	for _, ex := range exs {
		m.Add(ex)
	}
	return m, cb
}

// press sends keys: "enter", "esc", "up", "down", "pgdown", "pgup", "home",
// "end", or runes such as "y".
func press(m *inspector.Model, keys ...string) *inspector.Model {
	special := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "home": tea.KeyHome, "end": tea.KeyEnd,
	}
	for _, k := range keys {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		if t, ok := special[k]; ok {
			msg = tea.KeyMsg{Type: t}
		}
		m, _ = m.Update(msg)
	}
	return m
}

// checkSize fails unless view is exactly w×h.
func checkSize(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw != w {
			t.Errorf("line %d is %d wide, want %d: %q", i+1, lw, w, l)
		}
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		w, h int
		exs  []client.Exchange
		keys []string
	}{
		{"empty", 80, 20, nil, nil},
		{"list", 80, 20, fixtures(), nil},
		// The 422: request and the start of the response.
		{"detail", 80, 20, fixtures(), []string{"down", "down", "down", "down", "enter"}},
		{"detail_scrolled", 80, 20, fixtures(), []string{"down", "down", "down", "down", "enter", "pgdown"}},
		{"detail_transport_error", 80, 20, fixtures(), []string{"enter", "end"}},
		{"detail_webhook", 80, 20, fixtures(), []string{"down", "enter"}},
		{"reveal", 80, 20, fixtures(), []string{"down", "R"}},
		{"copied", 80, 20, fixtures(), []string{"down", "down", "y"}},
		{"list_160x50", 160, 50, fixtures(), nil},
		{"detail_160x50", 160, 50, fixtures(), []string{"down", "down", "down", "down", "enter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newModel(t, tt.w, tt.h, tt.exs...)
			m = press(m, tt.keys...)
			view := m.View()
			checkSize(t, view, tt.w, tt.h)
			golden.RequireEqual(t, []byte(view))
		})
	}
}

// TestNewestFirstAndStableSelection: the newest exchange is on top, and the
// selection stays on its exchange when new ones arrive.
func TestNewestFirstAndStableSelection(t *testing.T) {
	exs := fixtures()
	m, _ := newModel(t, 80, 20, exs[:3]...)
	lines := strings.Split(m.View(), "\n")
	// Rows start on line 3; the newest (the 503) first, selected.
	if !strings.HasPrefix(lines[2], "▸ 10:15:20") || !strings.Contains(lines[2], "503") {
		t.Fatalf("first row is not the newest, selected:\n%s", m.View())
	}
	if !strings.Contains(lines[4], "issuing.Enroll") {
		t.Fatalf("last row is not the oldest:\n%s", m.View())
	}
	m = press(m, "down") // the 422
	for _, ex := range exs[3:] {
		m.Add(ex)
	}
	if m.Len() != len(exs) {
		t.Fatalf("Len = %d, want %d", m.Len(), len(exs))
	}
	view := m.View()
	var selected string
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(l, "▸") {
			selected = l
		}
	}
	if !strings.Contains(selected, "422") {
		t.Fatalf("selection moved off the 422:\n%s", view)
	}
	if !strings.Contains(strings.Split(view, "\n")[2], "wallet.Verify") {
		t.Fatalf("the newest exchange is not on top:\n%s", view)
	}
}

// TestScroll: a list longer than the height scrolls with the selection.
func TestScroll(t *testing.T) {
	var exs []client.Exchange
	for i := range 40 {
		ex := fixtures()[0]
		ex.Started = at(i, 0)
		exs = append(exs, ex)
	}
	m, _ := newModel(t, 80, 20, exs...)
	m = press(m, "end")
	view := m.View()
	if !strings.Contains(view, "▸ 10:15:00") {
		t.Fatalf("the oldest exchange is not shown selected after end:\n%s", view)
	}
	if strings.Contains(view, "10:15:39") {
		t.Fatalf("the newest exchange is still shown:\n%s", view)
	}
	m = press(m, "home")
	if view := m.View(); !strings.Contains(view, "▸ 10:15:39") {
		t.Fatalf("the newest exchange is not selected after home:\n%s", view)
	}
	for range 25 {
		m = press(m, "down")
	}
	if view := m.View(); !strings.Contains(view, "▸ 10:15:14") {
		t.Fatalf("the selection scrolled out of view:\n%s", view)
	}
	checkSize(t, m.View(), 80, 20)
}

// clockFunc is a client clock made of a function.
type clockFunc func() time.Time

func (f clockFunc) Now() time.Time { return f() }

// recorded makes an exchange the way the client layer does, through
// client.New, so that it carries the secrets a revealed export can show.
func recorded(t *testing.T) client.Exchange {
	t.Helper()
	var got []client.Exchange
	now := t0
	core := client.New(client.Config{
		BaseURL:  "https://issuer.example",
		Retries:  -1,
		Observer: func(ex client.Exchange) { got = append(got, ex) },
		Clock:    clockFunc(func() time.Time { now = now.Add(40 * time.Millisecond); return now }),
		Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: 200, Header: jsonHeader(), Request: r,
				Body: io.NopCloser(strings.NewReader(`{"code":200,"message":"3DS enrollment successful."}`)),
			}, nil
		}),
	})
	_, err := core.Do(context.Background(), client.Call{
		Op: "issuing.Enroll", Method: "POST", Path: "/issuing/api/v1/card/3DS",
		Header: [][2]string{{"x-api-key", apiKey}, {"Authorization", "Bearer " + token}, {"x-card-id", "card-001"}},
		Body:   map[string]string{"otp_delivery_method": "EMAIL"},
	})
	if err != nil || len(got) != 1 {
		t.Fatalf("recording an exchange: %v, %d exchanges", err, len(got))
	}
	return got[0]
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestCopyRedacted(t *testing.T) {
	m, cb := newModel(t, 80, 20, recorded(t))
	m = press(m, "y")
	if len(cb.got) != 1 {
		t.Fatalf("clipboard got %d writes, want 1", len(cb.got))
	}
	text := cb.got[0]
	for _, want := range []string{"curl --location --request POST", "x-api-key: ***", "Authorization: Bearer ***"} {
		if !strings.Contains(text, want) {
			t.Errorf("copied cURL lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, apiKey) || strings.Contains(text, token) {
		t.Errorf("copied cURL has a secret:\n%s", text)
	}
	if view := m.View(); !strings.Contains(view, "issuing.Enroll #1 as cURL (secrets redacted) sent to the test") ||
		!strings.Contains(view, "w saves it to a file") {
		t.Errorf("no status line saying what was done, with the file as the way out:\n%s", view)
	}
}

// TestRevealOnce: R puts the real secrets in the next copy only, and says
// so on screen while it is on.
func TestRevealOnce(t *testing.T) {
	m, cb := newModel(t, 80, 20, recorded(t))
	m = press(m, "R")
	if view := m.View(); !strings.Contains(view, "REVEAL SECRETS ON") {
		t.Fatalf("no reveal warning:\n%s", view)
	}
	if strings.Contains(m.View(), apiKey) {
		t.Fatal("the screen shows a secret")
	}
	m = press(m, "y", "y")
	if len(cb.got) != 2 {
		t.Fatalf("clipboard got %d writes, want 2", len(cb.got))
	}
	for _, want := range []string{"x-api-key: " + apiKey, "Authorization: Bearer " + token} {
		if !strings.Contains(cb.got[0], want) {
			t.Errorf("revealed copy lacks %q:\n%s", want, cb.got[0])
		}
	}
	if strings.Contains(cb.got[1], apiKey) || !strings.Contains(cb.got[1], "x-api-key: ***") {
		t.Errorf("reveal did not turn itself off; second copy:\n%s", cb.got[1])
	}
	if view := m.View(); strings.Contains(view, "REVEAL SECRETS ON") {
		t.Errorf("the reveal warning is still shown:\n%s", view)
	}

	// R twice: off again, nothing revealed.
	press(m, "R", "R", "y")
	if strings.Contains(cb.got[2], apiKey) {
		t.Errorf("reveal toggled off still revealed:\n%s", cb.got[2])
	}
}

func TestSave(t *testing.T) {
	m, cb := newModel(t, 120, 20, recorded(t))
	m = press(m, "w")
	path := filepath.Join(m.SaveDir, "walletsim-curl-issuing.Enroll-1.sh")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("not saved: %v\n%s", err, m.View())
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "#!/bin/sh\n") || !strings.Contains(string(data), "x-api-key: ***") || strings.Contains(string(data), apiKey) {
		t.Errorf("saved file:\n%s", data)
	}
	if view := strings.Join(strings.Fields(m.View()), " "); !strings.Contains(view, "Saved to "+path+" (secrets redacted)") {
		t.Errorf("no status line with the path:\n%s", view)
	}
	if len(cb.got) != 0 {
		t.Error("saving also copied")
	}

	// Revealed: a file of its own, named for what it holds, and a warning.
	// The redacted file just saved is never overwritten.
	press(m, "R", "w")
	revealedPath := filepath.Join(m.SaveDir, "walletsim-curl-issuing.Enroll-1-SECRETS.sh")
	data, _ = os.ReadFile(revealedPath)
	if !strings.Contains(string(data), "x-api-key: "+apiKey) {
		t.Errorf("revealed save lacks the secret:\n%s", data)
	}
	if info, err := os.Stat(revealedPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("revealed file: %v %v, want mode 0600", info, err)
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), apiKey) {
		t.Errorf("the redacted file was overwritten with the secrets:\n%s", data)
	}
	if view := m.View(); !strings.Contains(view, "WITH THE REAL SECRETS") {
		t.Errorf("no warning:\n%s", view)
	}
	// Saved again: yet another name.
	press(m, "w")
	if _, err := os.Stat(filepath.Join(m.SaveDir, "walletsim-curl-issuing.Enroll-1-2.sh")); err != nil {
		t.Errorf("a second save: %v", err)
	}
}

// TestFileName: the op is made safe for a file name.
func TestFileName(t *testing.T) {
	ex := fixtures()[0]
	ex.Op = "../../etc/passwd"
	m, _ := newModel(t, 80, 20, ex)
	m = press(m, "w")
	want := filepath.Join(m.SaveDir, "walletsim-curl-_.._etc_passwd-1.sh")
	if _, err := os.Stat(want); err != nil {
		entries, _ := os.ReadDir(m.SaveDir)
		t.Fatalf("want %s: %v; dir has %v", want, err, entries)
	}
}

// TestWidth: every state fits its area at every width, in colour too
// (escape sequences must not count, nor be cut in half).
func TestWidth(t *testing.T) {
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.TrueColor} {
		lipgloss.SetColorProfile(p)
		testWidth(t, p)
	}
	lipgloss.SetColorProfile(termenv.Ascii)
}

func testWidth(t *testing.T, profile termenv.Profile) {
	long := fixtures()[5]
	long.Op = "wallet.VerifyWithAnExtremelyLongOperationNameThatCannotFit"
	long.Request.URL += "?" + strings.Repeat("q=1&", 30)
	long.Request.Body = []byte(`{"a":"` + strings.Repeat("x", 300) + `"}`)
	exs := append(fixtures(), long)
	states := map[string][]string{
		"list":            nil,
		"detail":          {"down", "down", "enter"},
		"detail_long":     {"enter"},
		"detail_scrolled": {"enter", "end"},
		"reveal":          {"R"},
		"status":          {"w"},
		"reveal_detail":   {"down", "enter", "R"},
	}
	for _, w := range []int{60, 80, 120} {
		for _, h := range []int{10, 22, 50} {
			for name, keys := range states {
				t.Run(fmt.Sprintf("%s_%dx%d_profile%d", name, w, h, profile), func(t *testing.T) {
					m, _ := newModel(t, w, h, exs...)
					m = press(m, keys...)
					checkSize(t, m.View(), w, h)
				})
			}
			t.Run(fmt.Sprintf("empty_%dx%d_profile%d", w, h, profile), func(t *testing.T) {
				m, _ := newModel(t, w, h)
				checkSize(t, m.View(), w, h)
			})
		}
	}
}

// TestResize: the details follow a change of size.
func TestResize(t *testing.T) {
	m, _ := newModel(t, 80, 20, fixtures()...)
	m = press(m, "down", "down", "down", "down", "enter")
	m.SetSize(120, 30)
	checkSize(t, m.View(), 120, 30)
	m.SetSize(60, 12)
	checkSize(t, m.View(), 60, 12)
	if !m.InDetail() {
		t.Fatal("resizing closed the details")
	}
	m = press(m, "esc")
	if m.InDetail() {
		t.Fatal("esc did not close the details")
	}
}

// TestNoSecretsInGoldens guards the goldens like the client's.
func TestNoSecretsInGoldens(t *testing.T) {
	err := filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range []string{apiKey, token} {
			if strings.Contains(string(data), s) {
				t.Errorf("%s contains a test secret", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCopyFails: a clipboard error is reported, not swallowed.
func TestCopyFails(t *testing.T) {
	m, _ := newModel(t, 80, 20, fixtures()...)
	m.Clipboard = func(string) (string, error) { return "", fmt.Errorf("no terminal") }
	m = press(m, "y")
	if view := m.View(); !strings.Contains(view, "Could not copy wallet.Verify #6: no terminal") {
		t.Errorf("no error status:\n%s", view)
	}
}

// TestDefaults: New sets a clipboard and saves in the current directory.
func TestDefaults(t *testing.T) {
	m := inspector.New(&common.Common{Styles: styles.New(), Keys: keymap.New()})
	if m.Clipboard == nil || m.SaveDir != "." {
		t.Errorf("Clipboard set: %v, SaveDir %q", m.Clipboard != nil, m.SaveDir)
	}
	if m.View() != "" || m.Len() != 0 || m.InDetail() || len(m.ShortHelp()) != 0 {
		t.Error("a model without size or exchanges draws or offers keys")
	}
}

// TestFollowsNewestUntilMoved: until the user moves the selection, it is
// on the newest exchange; keys that are not the inspector's do not pin it.
func TestFollowsNewestUntilMoved(t *testing.T) {
	exs := fixtures()
	m, _ := newModel(t, 80, 20, exs[0])
	m = press(m, "x")
	m.Add(exs[1])
	if !strings.HasPrefix(strings.Split(m.View(), "\n")[2], "▸ 10:15:11") {
		t.Fatalf("the selection did not follow the newest:\n%s", m.View())
	}
	m = press(m, "up") // already on top: stays, but from now on pinned
	m.Add(exs[2])
	if !strings.HasPrefix(strings.Split(m.View(), "\n")[3], "▸ 10:15:11") {
		t.Fatalf("the selection left its exchange:\n%s", m.View())
	}
}

// TestURLPasswordRedacted: a URL's password never shows in the detail or
// in a copied cURL, even in an exchange recorded without the client's
// redaction (a webhook's, or one from another source).
func TestURLPasswordRedacted(t *testing.T) {
	ex := fixtures()[0]
	ex.Request.URL = "https://qa:S3CRET-PASS@issuer.example/issuing/api/v1/card/3DS"
	m, cb := newModel(t, 160, 50, ex)
	m = press(m, "enter")
	if view := m.View(); strings.Contains(view, "S3CRET-PASS") || !strings.Contains(view, "qa:***@issuer.example") {
		t.Errorf("the detail shows the URL's password:\n%s", view)
	}
	m = press(m, "y")
	if len(cb.got) != 1 || strings.Contains(cb.got[0], "S3CRET-PASS") || !strings.Contains(cb.got[0], "qa:***@") {
		t.Errorf("copied cURL: %q", cb.got)
	}
}
