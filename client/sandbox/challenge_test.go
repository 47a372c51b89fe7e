package sandbox_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// startChallenge enrolls the Visa challenge card and starts a browser
// authentication that the ACS challenges.
func (e *env) startChallenge(id string, m issuing.OTPMethod) (*threeds.Authentication, *acs.Client) {
	e.t.Helper()
	c := card(e.t, testcards.Visa, testcards.Challenge)
	if _, err := e.issuing.Get(context.Background(), ref(c)); err != nil {
		e.enroll(c, m)
	}
	a := e.authenticate(id, purchase(c, threeds.Browser))
	if a.AuthStatus != "C" || a.ChallengeURL == nil {
		e.t.Fatalf("want a challenge, got %s", a.AuthStatus)
	}
	return a, acs.New(client.Config{BaseURL: e.srv.URL, Retries: -1})
}

// code reads the newest one-time code from the sandbox cardholder's inbox.
func (e *env) code(ac *acs.Client) acs.Message {
	e.t.Helper()
	msgs, err := ac.Inbox(context.Background(), testcards.CardholderID)
	if err != nil || len(msgs) == 0 {
		e.t.Fatalf("inbox: %v %v", msgs, err)
	}
	return msgs[0]
}

func TestChallengeRightCode(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("right", issuing.SMS)
	msg := e.code(ac)
	if msg.Channel != "SMS" || msg.To != testcards.HolderPhone || !strings.Contains(msg.Body, msg.Code) || len(msg.Code) != 6 {
		t.Fatalf("unexpected SMS: %+v", msg)
	}
	page, err := ac.Challenge(context.Background(), *a.ChallengeURL)
	if err != nil || !page.Pending() || page.AttemptsLeft != 3 || page.Destination != "+966******001" || page.AmountDisplay != "SAR 1.00" {
		t.Fatalf("page %+v, %v", page, err)
	}
	page, err = ac.Submit(context.Background(), *a.ChallengeURL, msg.Code)
	if err != nil || page.TransStatus != "Y" || !strings.HasPrefix(page.ReturnURL, "https://shop.example/return?id=right") {
		t.Fatalf("submit: %+v, %v", page, err)
	}
	final := e.result("right")
	if final.AuthStatus != "Y" || final.Status != "authenticated" || deref(final.ECI) != "05" || len(deref(final.AuthValue)) != 28 {
		t.Fatalf("final %s %s eci %s cavv %s", final.Status, final.AuthStatus, deref(final.ECI), deref(final.AuthValue))
	}
	if final.Meta.ARes.TransStatus != "C" {
		t.Errorf("the ARes stays C after the challenge, got %s", final.Meta.ARes.TransStatus)
	}
	// The challenge is over: a second code is refused, the result stands.
	page, err = ac.Submit(context.Background(), *a.ChallengeURL, "000000")
	if err != nil || page.TransStatus != "Y" || !strings.Contains(page.Message, "already over") {
		t.Fatalf("late submit: %+v, %v", page, err)
	}
}

func TestChallengeWrongCodes(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("wrong", issuing.Email)
	msg := e.code(ac)
	if msg.Channel != "EMAIL" || msg.To != testcards.HolderEmail || msg.Subject == "" {
		t.Fatalf("unexpected email: %+v", msg)
	}
	wrong := "000000"
	if msg.Code == wrong {
		wrong = "111111"
	}
	for left := 2; left >= 0; left-- {
		page, err := ac.Submit(context.Background(), *a.ChallengeURL, wrong)
		if err != nil {
			t.Fatal(err)
		}
		if left > 0 && (page.TransStatus != "C" || page.AttemptsLeft != left || !strings.Contains(page.Message, "Wrong code")) {
			t.Fatalf("after a wrong code: %+v", page)
		}
		if left == 0 && page.TransStatus != "N" {
			t.Fatalf("after three wrong codes: %+v", page)
		}
	}
	final := e.result("wrong")
	if final.AuthStatus != "N" || final.ECI != nil || deref(final.FailureReason) != "Too many wrong one-time codes." {
		t.Fatalf("final %s eci %v reason %q", final.AuthStatus, final.ECI, deref(final.FailureReason))
	}
	// The right code after the end changes nothing.
	if page, _ := ac.Submit(context.Background(), *a.ChallengeURL, msg.Code); page.TransStatus != "N" {
		t.Fatalf("right code after N: %+v", page)
	}
}

func TestChallengeExpiresToU(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("abandoned", issuing.SMS)
	e.clock.Advance(5*time.Minute + time.Second)
	final := e.result("abandoned")
	if final.AuthStatus != "U" || final.Status != "unavailable" || !strings.Contains(deref(final.FailureReason), "expired") {
		t.Fatalf("final %s %s %q", final.Status, final.AuthStatus, deref(final.FailureReason))
	}
	if page, _ := ac.Submit(context.Background(), *a.ChallengeURL, e.code(ac).Code); page.TransStatus != "U" {
		t.Fatalf("a code after expiry: %+v", page)
	}
}

func TestChallengeCancel(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("cancel", issuing.SMS)
	page, err := ac.Cancel(context.Background(), *a.ChallengeURL)
	if err != nil || page.TransStatus != "N" {
		t.Fatalf("cancel: %+v %v", page, err)
	}
}

// TestChallengeHTML: the same challenge works from a browser form.
func TestChallengeHTML(t *testing.T) {
	e := newEnv(t)
	a, ac := e.startChallenge("html", issuing.SMS)
	path := strings.TrimPrefix(*a.ChallengeURL, e.srv.URL)
	status, page := e.do("GET", path, nil, "")
	if status != 200 || !strings.Contains(page, `name="otp"`) || !strings.Contains(page, "•••• 0036") || !strings.Contains(page, "SAR 1.00") {
		t.Fatalf("GET page: %d\n%s", status, page)
	}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	status, page = e.do("POST", path, form, "otp=999999x")
	if status != 200 || !strings.Contains(page, "Wrong code. 2 attempts left.") {
		t.Fatalf("wrong code page: %d\n%s", status, page)
	}
	status, page = e.do("POST", path, form, "otp="+e.code(ac).Code)
	if status != 200 || !strings.Contains(page, "Authenticated") || !strings.Contains(page, "https://shop.example/return?id=html") {
		t.Fatalf("result page: %d\n%s", status, page)
	}
	status, _ = e.do("GET", "/acs/challenge/nope", nil, "")
	if status != 404 {
		t.Fatalf("unknown challenge: %d", status)
	}
}
