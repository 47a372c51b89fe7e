package strictfake

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Message is an SMS or email the issuer sent the cardholder, with the
// challenge page it is for (what the cardholder's browser has open).
type Message struct {
	AuthenticationID, Channel, To, Code string
	ChallengeURL                        string
}

// Challenges delivers each message as it is sent, for a test playing the
// cardholder (it holds the last 64 unread).
func (s *Server) Challenges() <-chan Message { return s.challenges }

// Outbox lists the messages sent to the cardholder, oldest first.
func (s *Server) Outbox() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

// enrolledMethod is card's OTP method on the issuer. The caller holds s.mu.
func (s *Server) enrolledMethod(cardID string) (string, bool) {
	for k, m := range s.enrollments {
		if k.card == cardID {
			return m, true
		}
	}
	return "", false
}

// startChallenge sends the cardholder a code. The caller holds s.mu.
func (s *Server) startChallenge(a *auth) {
	method, _ := s.enrolledMethod(a.card.CardID)
	s.seq++
	a.otp, a.attempts = fmt.Sprintf("%06d", (s.seq*7919)%1000000), 3
	a.expires = s.cfg.Now().Add(s.cfg.Expiry)
	s.byACS[a.acsTransID] = a
	msg := Message{AuthenticationID: a.id, Channel: method, To: destination(CardholderID, method), Code: a.otp, ChallengeURL: s.challengeURL(a)}
	s.outbox = append(s.outbox, msg)
	select {
	case s.challenges <- msg:
	default: // nobody is reading: the outbox has it
	}
}

// challengeURL is where the cardholder's browser goes: this ACS's page, in
// the style of the seed's example ("…/EMVTDS/AUT?Action=ProcessCReq").
func (s *Server) challengeURL(a *auth) string {
	return s.ACSURL + "/EMVTDS/AUT?Action=ProcessCReq&tx=" + url.QueryEscape(a.acsTransID)
}

// serveACS is the challenge page. Only browsers talk to it; walletsim
// never should (it does not know this ACS).
func (s *Server) serveACS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.acsRequests = append(s.acsRequests, Request{Method: r.Method, Path: r.URL.Path, UserAgent: r.UserAgent(), Header: r.Header.Clone()})
	a := s.byACS[r.URL.Query().Get("tx")]
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if a == nil || r.URL.Path != "/EMVTDS/AUT" {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<!doctype html><p>No such transaction.</p>")
		return
	}
	now := s.cfg.Now()
	s.mu.Lock()
	s.settle(a, now)
	note := ""
	if r.Method == http.MethodPost && a.transStatus == "C" {
		r.ParseForm()
		switch otp := strings.TrimSpace(r.PostForm.Get("otp")); {
		case r.PostForm.Get("action") == "cancel":
			s.conclude(a, "N", "Cardholder cancelled the challenge", now)
		case otp == a.otp:
			s.conclude(a, "Y", "", now)
		default:
			if a.attempts--; a.attempts == 0 {
				s.conclude(a, "N", "Too many wrong codes", now)
			} else {
				note = fmt.Sprintf("Wrong code, %d attempts left.", a.attempts)
			}
		}
	}
	final, back := a.final(), returnTo(a)
	s.mu.Unlock()
	if final {
		// The challenge is over: back to the merchant, with the id.
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	page.Execute(w, map[string]string{"Note": note})
}

// returnTo is the merchant's return_url with the authentication id added
// (this ACS's choice: the seed only names return_url).
func returnTo(a *auth) string {
	raw, _ := a.req["return_url"].(string)
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set("id", a.id)
	u.RawQuery = q.Encode()
	return u.String()
}

var page = template.Must(template.New("acs").Parse(`<!doctype html><html><head><title>Strict Fake Bank</title></head>
<body><h1>Confirm your purchase</h1>{{with .Note}}<p>{{.}}</p>{{end}}
<form method="post"><input name="otp" autocomplete="one-time-code"><button>Confirm</button>
<button name="action" value="cancel">Cancel</button></form></body></html>`))

// settle ends what waited too long. The caller holds s.mu.
func (s *Server) settle(a *auth, now time.Time) {
	if a.final() || a.expires.IsZero() || now.Before(a.expires) {
		return
	}
	if a.transStatus == "C" {
		s.conclude(a, "N", "Challenge timed out", now)
		return
	}
	s.conclude(a, "U", "Decoupled authentication timed out", now)
}

// AnswerChallenge plays the cardholder's browser: it opens challengeURL,
// types code (or presses Cancel when code is "cancel"), and follows the
// ACS back to the merchant's return_url. It returns where the browser was
// sent and that page's status.
func (s *Server) AnswerChallenge(ctx context.Context, challengeURL, code string) (string, int, error) {
	browser := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("User-Agent", "strictfake-browser")
		return browser.Do(req)
	}
	resp, err := get(challengeURL)
	if err != nil {
		return "", 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("challenge page: HTTP %d", resp.StatusCode)
	}
	form := url.Values{"otp": {code}}
	if code == "cancel" {
		form = url.Values{"action": {"cancel"}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, challengeURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "strictfake-browser")
	if resp, err = browser.Do(req); err != nil {
		return "", 0, err
	}
	resp.Body.Close()
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || back == "" {
		return "", 0, errors.New("the ACS did not send the browser back (wrong code?)")
	}
	if resp, err = get(back); err != nil {
		return back, 0, err
	}
	resp.Body.Close()
	return back, resp.StatusCode, nil
}
