package sandbox_test

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// The challenge page is a web page, so it is tested in a real browser:
// headless Chromium (Debian's chromium) driven over the DevTools protocol.

// browser starts headless Chromium for a test. Without it the test skips
// with a message, except in CI (WALLETSIM_CI=1, which .ci/run sets and
// where it installs Chromium), where a missing browser fails the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("WALLETSIM_CI") == "1" {
			t.Fatal("Chromium is not installed, and CI must run the browser tests (.ci/run installs Debian's chromium)")
		}
		t.Skip("Chromium is not installed: apt-get install -y chromium to run the challenge page in a real browser")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox)
	// A liveness guard for a browser that never starts or a page that
	// never comes: the steps wait for states, not for time.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	return tab
}

// merchant is the 3DS Requestor's site: a checkout page that has the
// browser post the creq to the ACS, and the notificationURL (return_url)
// that receives the cres.
type merchant struct {
	*httptest.Server
	mu     sync.Mutex
	pages  map[string]checkout
	notify chan notification
}

type checkout struct{ ACSURL, CReq string }

type notification struct{ id, cres string }

var checkoutPage = template.Must(template.New("checkout").Parse(`<!doctype html><html><body>
<form id="challenge" method="post" action="{{.ACSURL}}"><input type="hidden" name="creq" value="{{.CReq}}"></form>
<script>document.getElementById("challenge").submit()</script></body></html>`))

func newMerchant(t *testing.T) *merchant {
	m := &merchant{pages: map[string]checkout{}, notify: make(chan notification, 4)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /checkout/{id}", func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		page, ok := m.pages[r.PathValue("id")]
		m.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		checkoutPage.Execute(w, page)
	})
	mux.HandleFunc("POST /notify", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		m.notify <- notification{id: r.Form.Get("id"), cres: r.PostForm.Get("cres")}
		fmt.Fprint(w, "<!doctype html><p id=thanks>Thank you for your order.</p>")
	})
	m.Server = httptest.NewServer(mux)
	t.Cleanup(m.Close)
	return m
}

func acsClient(e *env) *acs.Client { return acs.New(client.Config{BaseURL: e.srv.URL, Retries: -1}) }

// received waits for the notificationURL to be called.
func (m *merchant) received(ctx context.Context, t *testing.T) notification {
	t.Helper()
	select {
	case n := <-m.notify:
		return n
	case <-ctx.Done():
		t.Fatal("the merchant's notificationURL never received a cres")
		return notification{}
	}
}

// startBrowserChallenge authenticates the enrolled challenge card with the
// merchant's notification URL as return_url, and makes its checkout page.
func startBrowserChallenge(t *testing.T, e *env, m *merchant, id string) *threeds.Authentication {
	t.Helper()
	c := card(t, testcards.Visa, testcards.Challenge)
	if _, err := e.issuing.Get(context.Background(), ref(c)); err != nil {
		e.enroll(c, issuing.SMS)
	}
	req := purchase(c, threeds.Browser)
	req.ReturnURL = m.URL + "/notify"
	a := e.authenticate(id, req)
	if a.AuthStatus != "C" {
		t.Fatalf("want a challenge, got %s", a.AuthStatus)
	}
	m.mu.Lock()
	m.pages[id] = checkout{ACSURL: *a.ChallengeURL, CReq: creqFor(t, a, emv.WindowFullScreen, "")}
	m.mu.Unlock()
	return a
}

// TestBrowserChallenge: Chromium opens the merchant's checkout, which
// posts the creq to the ACS; the cardholder types a wrong code, then the
// right one; the ACS's page posts the cres to the merchant, and it
// decodes to Y — the transaction the messages show.
func TestBrowserChallenge(t *testing.T) {
	tab := browser(t)
	e, m := newEnv(t), newMerchant(t)
	a := startBrowserChallenge(t, e, m, "browser-y")
	right := e.code(acsClient(e)).Code
	err := chromedp.Do(tab,
		chromedp.Navigate(m.URL+"/checkout/browser-y"),
		chromedp.WaitVisible(chromedp.CSS("#otp")),
		chromedp.SendKeys(chromedp.CSS("#otp"), wrongCode(right)),
		chromedp.Click(chromedp.CSS(`button[type=submit]:not([name])`)),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(., "Wrong code. 2 attempts left.")]`)),
		chromedp.WaitVisible(chromedp.CSS("#otp")),
		chromedp.SendKeys(chromedp.CSS("#otp"), right),
		chromedp.Click(chromedp.CSS(`button[type=submit]:not([name])`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	n := m.received(tab, t)
	cres, err := emv.DecodeCRes(n.cres)
	if err != nil {
		t.Fatalf("the cres %q: %v", n.cres, err)
	}
	if n.id != "browser-y" || cres.TransStatus != emv.Authenticated || cres.ACSTransID != a.Meta.ARes.ACSTransID ||
		cres.ThreeDSServerTransID != a.Meta.ARes.ThreeDSServerTransID {
		t.Errorf("notified for %q with %+v", n.id, cres)
	}
	// The browser lands on the merchant's page, and the messages agree.
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS("#thanks"))); err != nil {
		t.Fatal(err)
	}
	steps, err := e.tds.Messages(context.Background(), "browser-y")
	if err != nil {
		t.Fatal(err)
	}
	rreq, _ := emv.Find[emv.RReq](steps)
	if last := steps[len(steps)-1]; last.Form != n.cres || rreq.TransStatus != emv.Authenticated || rreq.InteractionCounter != "02" {
		t.Errorf("messages: last form %q, RReq %+v", last.Form, rreq)
	}
}

// TestBrowserChallengeCancel: the cardholder cancels on the ACS's page;
// the merchant receives a cres saying N, and the RReq carries
// challengeCancel 01.
func TestBrowserChallengeCancel(t *testing.T) {
	tab := browser(t)
	e, m := newEnv(t), newMerchant(t)
	startBrowserChallenge(t, e, m, "browser-cancel")
	err := chromedp.Do(tab,
		chromedp.Navigate(m.URL+"/checkout/browser-cancel"),
		chromedp.WaitVisible(chromedp.CSS("#otp")),
		chromedp.Click(chromedp.CSS(`button[name=action][value=cancel]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	n := m.received(tab, t)
	cres, err := emv.DecodeCRes(n.cres)
	if err != nil || cres.TransStatus != emv.NotAuthenticated {
		t.Fatalf("cres %+v, %v", cres, err)
	}
	steps, err := e.tds.Messages(context.Background(), "browser-cancel")
	if err != nil {
		t.Fatal(err)
	}
	if rreq, _ := emv.Find[emv.RReq](steps); rreq.ChallengeCancel != emv.CancelByCardholder || rreq.TransStatus != emv.NotAuthenticated {
		t.Errorf("RReq %+v", rreq)
	}
}
