package sandbox_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
)

// creqFor is the creq a merchant's page posts for a challenge, built from
// the ARes's ids as a 3DS Server does.
func creqFor(t *testing.T, a *threeds.Authentication, window emv.WindowSize, cancel emv.ChallengeCancel) string {
	t.Helper()
	form, err := emv.Encode(emv.CReq{
		MessageType: emv.TypeCReq, MessageVersion: emv.Version,
		ThreeDSServerTransID: a.Meta.ARes.ThreeDSServerTransID, ACSTransID: a.Meta.ARes.ACSTransID,
		ChallengeWindowSize: window, ChallengeCancel: cancel,
	})
	if err != nil {
		t.Fatal(err)
	}
	return form
}

// post sends a form to the challenge page as a browser does.
func (e *env) post(a *threeds.Authentication, accept string, form url.Values) (int, string) {
	e.t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {accept}}
	return e.do(http.MethodPost, strings.TrimPrefix(*a.ChallengeURL, e.srv.URL), h, form.Encode())
}

var cresField = regexp.MustCompile(`<form id="cres" method="post" action="([^"]*)"><input type="hidden" name="cres" value="([^"]*)">`)

// TestCReqChallenge: the browser opens the challenge by posting a creq,
// types a wrong code and the right one, and the last page posts the cres
// to return_url by itself; the cres decodes to Y, and the messages show
// the CReq's window and the same CRes.
func TestCReqChallenge(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("emv", issuing.SMS)
	status, page := e.post(a, "text/html", url.Values{"creq": {creqFor(t, a, emv.Window390x400, "")}})
	if status != 200 || !strings.Contains(page, `name="otp"`) || strings.Contains(page, "<script>") {
		t.Fatalf("after the creq: %d\n%s", status, page)
	}
	code := e.code(ac).Code
	if status, page = e.post(a, "text/html", url.Values{"otp": {wrongCode(code)}}); status != 200 || !strings.Contains(page, "Wrong code. 2 attempts left.") {
		t.Fatalf("wrong code: %d\n%s", status, page)
	}
	status, page = e.post(a, "text/html", url.Values{"otp": {code}})
	m := cresField.FindStringSubmatch(page)
	if status != 200 || m == nil || !strings.Contains(page, `<script>document.getElementById("cres").submit()</script>`) {
		t.Fatalf("right code: %d, no self-posting cres form\n%s", status, page)
	}
	if action := html.UnescapeString(m[1]); action != "https://shop.example/return?id=emv" {
		t.Errorf("the cres goes to %s, want return_url with the id", action)
	}
	cres, err := emv.DecodeCRes(html.UnescapeString(m[2]))
	if err != nil || cres.TransStatus != emv.Authenticated || cres.ACSTransID != a.Meta.ARes.ACSTransID {
		t.Fatalf("cres %+v, %v", cres, err)
	}
	steps, err := e.tds.Messages(context.Background(), "emv")
	if err != nil {
		t.Fatal(err)
	}
	creq, _ := emv.Find[emv.CReq](steps)
	last := steps[len(steps)-1]
	rreq, _ := emv.Find[emv.RReq](steps)
	if creq.ChallengeWindowSize != emv.Window390x400 || last.Form != html.UnescapeString(m[2]) || rreq.InteractionCounter != "02" {
		t.Errorf("messages: window %s, last form %q, interactions %s", creq.ChallengeWindowSize, last.Form, rreq.InteractionCounter)
	}
	// JSON mode carries the same cres.
	got, err := ac.Challenge(context.Background(), *a.ChallengeURL)
	if err != nil || got.CRes != last.Form || got.TransStatus != "Y" {
		t.Errorf("JSON page: cres %q, %s, %v", got.CRes, got.TransStatus, err)
	}
}

// TestCReqCancel: a CReq with challengeCancel 01 ends the challenge N,
// reason 26, and the cres says N.
func TestCReqCancel(t *testing.T) {
	e := newEnv(t)
	a, _ := e.startChallenge("cancel", issuing.SMS)
	status, page := e.post(a, "text/html", url.Values{"creq": {creqFor(t, a, emv.WindowFullScreen, emv.CancelByCardholder)}})
	m := cresField.FindStringSubmatch(page)
	if status != 200 || m == nil {
		t.Fatalf("%d\n%s", status, page)
	}
	if cres, err := emv.DecodeCRes(html.UnescapeString(m[2])); err != nil || cres.TransStatus != emv.NotAuthenticated {
		t.Fatalf("cres %+v, %v", cres, err)
	}
	steps, _ := e.tds.Messages(context.Background(), "cancel")
	if rreq, _ := emv.Find[emv.RReq](steps); rreq.ChallengeCancel != emv.CancelByCardholder || rreq.TransStatusReason != emv.ReasonNotPerformed {
		t.Errorf("RReq %+v", rreq)
	}
}

// TestCReqRefused: a creq the ACS cannot use is a clear 400 naming what
// is wrong (a page for a browser, seed 004's validation shape for JSON),
// and the challenge still waits.
func TestCReqRefused(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("bad", issuing.SMS)
	other := *a
	other.Meta.ARes.ThreeDSServerTransID = "00000000-0000-4000-8000-00000000dead"
	cres, _ := emv.Encode(emv.CRes{MessageType: emv.TypeCRes, MessageVersion: emv.Version, ThreeDSServerTransID: a.Meta.ARes.ThreeDSServerTransID,
		ACSTransID: a.Meta.ARes.ACSTransID, ChallengeCompletionInd: "Y", TransStatus: "Y"})
	for _, tc := range []struct {
		name, creq, accept, want string
	}{
		{"not base64url", "%%%", "text/html", "creq: not base64url"},
		{"a CRes", cres, "text/html", "a CRes, not a CReq"},
		{"another transaction", creqFor(t, &other, emv.WindowFullScreen, ""), "text/html", "not this challenge"},
		{"a timeout cancel", creqFor(t, a, emv.WindowFullScreen, emv.CancelACSTimeout), "text/html", "challengeCancel 04"},
		{"bad window, as JSON", creqFor(t, a, "09", ""), "application/json", `"creq":["creq: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.post(a, tc.accept, url.Values{"creq": {tc.creq}})
			if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), tc.want) {
				t.Errorf("%d, want 400 with %q:\n%s", status, tc.want, body)
			}
		})
	}
	if status, body := e.post(a, "text/html", url.Values{"creq": {strings.Repeat("A", 70<<10)}}); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a form over 64 KiB: %d %s, want 413", status, body)
	}
	if page, err := ac.Challenge(context.Background(), *a.ChallengeURL); err != nil || !page.Pending() || page.AttemptsLeft != 3 {
		t.Fatalf("the challenge changed: %+v, %v", page, err)
	}
}

// TestChallengePageWithoutCReq: the page opened the walletsim way (GET)
// offers the cres on a button but does not post it by itself.
func TestChallengePageWithoutCReq(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("get", issuing.SMS)
	code := e.code(ac).Code
	status, page := e.post(a, "text/html", url.Values{"otp": {code}})
	if status != 200 || cresField.FindStringSubmatch(page) == nil || strings.Contains(page, "<script>") {
		t.Fatalf("%d\n%s", status, page)
	}
}
