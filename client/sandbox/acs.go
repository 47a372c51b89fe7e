package sandbox

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// MaxOTPAttempts is how many wrong codes end a challenge with N.
const MaxOTPAttempts = 3

type challengeState struct {
	first        []byte // the authenticate answer (see firstAnswer)
	lastFour     string // the card's
	otp          string
	attemptsLeft int
	method       issuing.OTPMethod
	destination  string // masked, as the page shows it
	cancelled    bool
	// viaCReq: the browser opened the challenge the EMV way, posting a
	// creq, so the page posts the cres back by itself at the end (see
	// acsemv.go); window is the CReq's challengeWindowSize.
	viaCReq bool
	window  emv.WindowSize
}

// maxInbox is how many messages a cardholder's inbox keeps.
const maxInbox = 50

// startChallenge creates the one-time code and sends it to the enrolled
// destination. The caller holds s.mu.
func (s *space) startChallenge(a *authn, card testcards.Card, method issuing.OTPMethod, now time.Time) {
	a.challenge = &challengeState{
		lastFour: card.LastFour(), otp: s.otp(), attemptsLeft: MaxOTPAttempts, method: method,
		destination: maskedDestination(a.cardholder(), method),
	}
	amount := testcards.FormatAmount(a.amount, a.currency)
	body := fmt.Sprintf("%s is your code to approve %s at %s with your card ending %s. It expires in %s. Never share it.",
		a.challenge.otp, amount, s.cfg.MerchantName, card.LastFour(), humanDuration(s.cfg.Expiry))
	msg := acs.Message{
		ID: s.cfg.NewID(), Channel: string(method), To: contact(a.cardholder(), method),
		Body: body, Code: a.challenge.otp, AuthenticationID: a.id, SentAt: now,
	}
	if method == issuing.SMS {
		msg.From = "WalletsimBank"
	} else {
		msg.From = "3dsecure@walletsim-bank.example"
		msg.Subject = "Your one-time code for " + s.cfg.MerchantName
	}
	s.message = s.messageSize(msg) // paid for by the caller of begin (inbox.go)
	if s.db == nil {
		s.deliverCode(a.cardholder(), msg)
		return
	}
	// Copies, so that only this path's closure makes msg escape.
	cardholder, later := a.cardholder(), msg
	s.afterStored(func() { s.deliverCode(cardholder, later) })
}

// deliverCode puts a challenge's one-time code, paid for, in the
// cardholder's inbox. The caller holds s.mu.
func (s *space) deliverCode(cardholder string, msg acs.Message) {
	size := s.messageSize(msg)
	if err := s.store.Deliver(s.bg(), s.id, cardholder, storedMessage(msg), maxInbox); err != nil {
		s.stored.Release(size) // not kept
		s.cfg.Logger.Error("store: inbox", "err", err)
		return
	}
	s.inboxAdd(cardholder, size)
}

// storedMessage and inboxMessage convert an inbox message to the store's
// record and back.
func storedMessage(m acs.Message) store.Message {
	return store.Message{ID: m.ID, Channel: m.Channel, From: m.From, To: m.To, Subject: m.Subject, Body: m.Body,
		Code: m.Code, AuthenticationID: m.AuthenticationID, SentAt: m.SentAt}
}

func inboxMessage(m store.Message) acs.Message {
	return acs.Message{ID: m.ID, Channel: m.Channel, From: m.From, To: m.To, Subject: m.Subject, Body: m.Body,
		Code: m.Code, AuthenticationID: m.AuthenticationID, SentAt: m.SentAt}
}

// otp is a six-digit one-time code.
func (s *Sandbox) otp() string {
	var b [4]byte
	io.ReadFull(s.cfg.Rand, b[:])
	n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) % 1000000
	return fmt.Sprintf("%06d", n)
}

// view renders a challenge. The caller holds s.mu.
func (s *space) view(a *authn, message string) acs.Challenge {
	c := a.challenge
	v := acs.Challenge{
		ACSTransID: a.acsTransID, AuthenticationID: a.id, Merchant: s.cfg.MerchantName,
		Amount: a.amount, Currency: a.currency, AmountDisplay: testcards.FormatAmount(a.amount, a.currency),
		CardLastFour: c.lastFour, Channel: string(c.method), Destination: c.destination,
		AttemptsLeft: c.attemptsLeft, CodeLength: len(c.otp), ExpiresAt: a.expires, TransStatus: a.transStatus, Message: message,
	}
	if a.final {
		v.ReturnURL, v.CRes = returnURL(a), s.cres(a)
		if v.Message == "" {
			v.Message = messageOf(a)
			if a.failure != "" {
				v.Message += ": " + a.failure
			}
		}
	} else if v.Message == "" {
		v.Message = fmt.Sprintf("Enter the code sent by %s to %s.", c.method, c.destination)
	}
	return v
}

// returnURL is the merchant's return_url with the authentication id added,
// where the cardholder's browser goes once the challenge is over.
func returnURL(a *authn) string {
	u, err := url.Parse(a.request().ReturnURL)
	if err != nil {
		return a.request().ReturnURL
	}
	q := u.Query()
	q.Set("id", a.id)
	u.RawQuery = q.Encode()
	return u.String()
}

// challengeFor finds and settles a challenge. The caller holds s.mu.
func (s *space) challengeFor(acsTransID string, now time.Time) *authn {
	a := s.byACS[acsTransID]
	if a == nil || a.challenge == nil {
		return nil
	}
	s.settle(a, now)
	return a
}

// challengePage serves GET /acs/challenge/{acsTransID}.
func (s *space) challengePage(w http.ResponseWriter, r *http.Request) {
	if s.db != nil {
		s.challengePageShared(w, r)
		return
	}
	s.mu.Lock()
	a := s.challengeFor(r.PathValue("acsTransID"), s.now())
	var v acs.Challenge
	autoPost := false
	if a != nil {
		v, autoPost = s.view(a, ""), a.challenge.viaCReq
	}
	s.mu.Unlock()
	s.answerChallenge(w, r, a != nil, http.StatusOK, v, "", autoPost)
}

// challengeSubmit serves POST /acs/challenge/{acsTransID}: a creq
// opening the challenge the EMV way (see acsemv.go), the code typed (form
// field or JSON "otp"), or "action": "cancel".
//
// A submission is idempotent per attempt, so that a retry after a lost
// answer never uses a second attempt: a JSON one with an Idempotency-Key
// gets the first answer to that key replayed; the page's form carries the
// attempt it was shown for, and submitting an attempt already used changes
// nothing.
func (s *space) challengeSubmit(w http.ResponseWriter, r *http.Request) {
	f, status := readChallengeForm(r)
	switch status {
	case http.StatusRequestEntityTooLarge:
		apiThreeDS.writeError(w, status, "Request body is too large")
		return
	case http.StatusBadRequest:
		apiThreeDS.writeError(w, status, "Malformed challenge form: a form (or JSON object) of creq, otp or action")
		return
	}
	id := r.PathValue("acsTransID")
	key := r.Header.Get(IdempotencyKeyHeader)
	if key == "" || !wantsJSON(r) {
		ans := s.submit(id, f)
		switch {
		case ans.failed:
			s.storeFailed(w, r, errSubmitFailed)
			return
		case ans.creqErr != nil:
			s.badCReq(w, r, ans.creqErr)
			return
		}
		s.answerChallenge(w, r, ans.found, ans.status, ans.v, ans.formErr, ans.autoPost)
		return
	}
	if len(key) > maxIdempotencyKey {
		writeJSON(w, http.StatusBadRequest, threeDSError{Message: "Data validation failed",
			Errors: map[string][]string{IdempotencyKeyHeader: {"must be at most 255 characters"}}})
		return
	}
	res, outcome := s.once(r.Context(), "acs\x00"+id+"\x00"+key, fingerprint(nil, f.otp, f.action), func() stored {
		return s.submit(id, f).json()
	})
	writeIdempotent(w, res, outcome, "submission")
}

// challengeForm is what a challenge submission says.
type challengeForm struct {
	creq    string // the EMV way in: a base64url CReq (form only)
	otp     string // the code typed
	action  string // "cancel"
	attempt int    // the attempt the page was shown for; -1 when not sent
}

// challengeAnswer is the outcome of a submission, before it is written as
// JSON or HTML.
type challengeAnswer struct {
	found    bool
	status   int
	v        acs.Challenge
	formErr  string
	autoPost bool  // the page posts the cres by itself (a creq opened it)
	creqErr  error // a creq the ACS cannot use
	failed   bool  // the store failed (a shared store's only): a 503
}

// errSubmitFailed is what storeFailed logs for a failed submission (the
// store's own error was logged where it happened).
var errSubmitFailed = errors.New("challenge submission not stored")

// json is the answer as the JSON API writes it. A creq comes only in a
// form, so creqErr never reaches here.
func (a challengeAnswer) json() stored {
	var body any = a.v
	status := a.status
	switch {
	case a.failed: // 503: released, not replayed (claimAndRun)
		status, body = http.StatusServiceUnavailable, threeDSError{Message: unavailable}
	case !a.found:
		status, body = http.StatusNotFound, threeDSError{Message: "Challenge not found"}
	case a.formErr != "":
		body = threeDSError{Message: "Data validation failed", Errors: map[string][]string{"otp": {a.formErr}}}
	}
	b, _ := marshal(body)
	return stored{status: status, body: b}
}

// submit applies a submission to the challenge.
func (s *space) submit(acsTransID string, f challengeForm) challengeAnswer {
	if s.db != nil {
		return s.submitShared(acsTransID, f)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.challengeFor(acsTransID, now)
	if a == nil {
		return challengeAnswer{}
	}
	ans := s.applySubmit(a, f, now)
	s.sweep(now)
	return ans
}

// applySubmit applies a submission to a's challenge, settled at now. The
// caller holds s.mu.
func (s *space) applySubmit(a *authn, f challengeForm, now time.Time) challengeAnswer {
	status, msg, formErr := http.StatusOK, "", ""
	c := a.challenge
	switch {
	case a.final:
		status, msg = http.StatusConflict, "This challenge is already over: "+messageOf(a)+"."
	case f.creq != "":
		creq, err := s.openWithCReq(a, f.creq)
		if err != nil {
			return challengeAnswer{found: true, creqErr: err}
		}
		if creq.ChallengeCancel == emv.CancelByCardholder {
			s.cancelChallenge(a, now)
		}
	case f.action == "cancel":
		s.cancelChallenge(a, now)
	case f.otp == "":
		status, formErr = http.StatusUnprocessableEntity, "This field is missing."
	case f.attempt >= 0 && f.attempt != MaxOTPAttempts-c.attemptsLeft:
		msg = "That attempt was already submitted; enter the code again."
	case subtle.ConstantTimeCompare([]byte(f.otp), []byte(c.otp)) == 1:
		a.interactions++
		s.finish(a, ending{status: "Y"}, now)
	default:
		a.interactions++
		c.attemptsLeft--
		if c.attemptsLeft == 0 {
			// EMV: transStatusReason 19, the ACS's maximum challenges.
			s.finish(a, ending{"N", emv.ReasonMaxChallenges, "", "Too many wrong one-time codes."}, now)
		} else {
			msg = fmt.Sprintf("Wrong code. %d attempt%s left.", c.attemptsLeft, plural(c.attemptsLeft))
		}
	}
	v, autoPost := s.view(a, msg), c.viaCReq
	return challengeAnswer{found: true, status: status, v: v, formErr: formErr, autoPost: autoPost}
}

// cancelChallenge ends a challenge the cardholder cancelled: EMV's
// challengeCancel 01, with transStatusReason 26 (attempted but not
// performed by the cardholder). The caller holds s.mu.
func (s *space) cancelChallenge(a *authn, now time.Time) {
	a.challenge.cancelled = true
	s.finish(a, ending{"N", emv.ReasonNotPerformed, emv.CancelByCardholder, "Cardholder cancelled the challenge."}, now)
}

// readChallengeForm reads otp and action from a form or a JSON body, and
// creq and the page's attempt from a form (how a browser posts them); a
// non-zero status is the error to answer (413 too large, 400 malformed).
func readChallengeForm(r *http.Request) (challengeForm, int) {
	f := challengeForm{attempt: -1}
	if isJSON(r) {
		body, err := readBody(r)
		if err != nil {
			return f, http.StatusRequestEntityTooLarge
		}
		obj, ok := decodeObject(body)
		if !ok {
			return f, http.StatusBadRequest
		}
		var fr fieldReader
		f.otp, f.action = fr.str(obj, "otp", "otp"), fr.str(obj, "action", "action")
		if fr.errs != nil {
			return f, http.StatusBadRequest
		}
		return f, 0
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return f, http.StatusRequestEntityTooLarge
		}
		return f, http.StatusBadRequest
	}
	f.creq, f.otp, f.action = r.PostForm.Get("creq"), strings.TrimSpace(r.PostForm.Get("otp")), r.PostForm.Get("action")
	if n, err := strconv.Atoi(r.PostForm.Get("attempt")); err == nil && n >= 0 && n <= MaxOTPAttempts {
		f.attempt = n
	}
	return f, 0
}

// answerChallenge writes the challenge as JSON or as the HTML page.
func (s *Sandbox) answerChallenge(w http.ResponseWriter, r *http.Request, found bool, status int, v acs.Challenge, formErr string, autoPost bool) {
	if wantsJSON(r) {
		switch {
		case !found:
			apiThreeDS.writeError(w, http.StatusNotFound, "Challenge not found")
		case formErr != "":
			writeJSON(w, status, threeDSError{Message: "Data validation failed", Errors: map[string][]string{"otp": {formErr}}})
		default:
			writeJSON(w, status, v)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if !found {
		w.WriteHeader(http.StatusNotFound)
		challengeHTML().Execute(w, pageData{NotFound: true})
		return
	}
	if formErr != "" {
		v.Message = "Please enter the code."
	}
	if status == http.StatusUnprocessableEntity || status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	challengeHTML().Execute(w, pageData{Challenge: v, Pending: v.TransStatus == "C", Passed: v.TransStatus == "Y", AutoPost: autoPost})
}

type pageData struct {
	acs.Challenge
	NotFound, Pending, Passed bool
	// AutoPost: the page posts the cres to the merchant by itself, as an
	// ACS does for a challenge opened with a creq.
	AutoPost   bool
	BadRequest string // a creq the ACS cannot use, and why
}

// AttemptsUsed is the attempt the page's form submits (see challengeSubmit).
func (p pageData) AttemptsUsed() int { return MaxOTPAttempts - p.AttemptsLeft }

// challengeHTML is the challenge page's template, parsed the first time a
// browser asks for the page rather than when walletsim starts: most runs
// never show it, and parsing it was a tenth of start-up's package
// initialisation.
var challengeHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("challenge").Parse(challengeTemplate))
})

const challengeTemplate = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>WalletsimBank — Verify your purchase</title>
<style>
body{font-family:system-ui,sans-serif;background:#f2f4f7;margin:0;padding:2rem}
main{max-width:24rem;margin:auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 12px #0002}
h1{font-size:1.2rem;margin:0 0 1rem} dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem;margin:0 0 1rem}
dt{color:#667} dd{margin:0;font-weight:600} input{font-size:1.4rem;letter-spacing:.3rem;width:100%;box-sizing:border-box;padding:.5rem}
button{margin-top:.8rem;padding:.6rem 1rem;font-size:1rem;border-radius:8px;border:0;background:#2b59c3;color:#fff}
button.secondary{background:#ddd;color:#222} .msg{padding:.6rem;border-radius:8px;background:#eef} .ok{background:#e3f6e8} .ko{background:#fde8e8}
small{color:#667}
</style></head><body><main>
{{if .NotFound}}<h1>Challenge not found</h1><p>This challenge does not exist or has been cleared. Start the purchase again.</p>
{{else if .BadRequest}}<h1>Bad challenge request</h1><p class="msg ko">The creq this page was sent cannot be used: {{.BadRequest}}</p>
{{else}}<h1>WalletsimBank · Verify it's you</h1>
<dl><dt>Merchant</dt><dd>{{.Merchant}}</dd><dt>Amount</dt><dd>{{.AmountDisplay}}</dd><dt>Card</dt><dd>•••• {{.CardLastFour}}</dd></dl>
{{if .Pending}}<p class="msg">{{.Message}}</p>
<form method="post"><label for="otp">One-time code</label>
<input type="hidden" name="attempt" value="{{.AttemptsUsed}}">
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6" autofocus>
<button type="submit">Verify</button> <button class="secondary" type="submit" name="action" value="cancel">Cancel</button></form>
<p><small>{{.AttemptsLeft}} attempt(s) left · expires {{.ExpiresAt.Format "15:04:05 MST"}}</small></p>
{{else}}<p class="msg {{if .Passed}}ok{{else}}ko{{end}}">{{.Message}}</p>
{{if .CRes}}<form id="cres" method="post" action="{{.ReturnURL}}"><input type="hidden" name="cres" value="{{.CRes}}">
<button type="submit">Return to the merchant</button></form>{{if .AutoPost}}<script>document.getElementById("cres").submit()</script>{{end}}
{{else if .ReturnURL}}<p><a href="{{.ReturnURL}}">Return to the merchant</a></p>{{end}}{{end}}
<p><small>3-D Secure challenge simulated by walletsim's sandbox ACS · transaction {{.ACSTransID}}</small></p>{{end}}
</main></body></html>
`

// inbox serves GET /sandbox/inbox/{cardholderId}: the cardholder's SMS and
// emails in the workspace of the request's credentials, newest first.
func (s *space) inbox(w http.ResponseWriter, r *http.Request) {
	if !s.readAuth(w, r) {
		return
	}
	box, err := s.store.Inbox(s.bg(), s.id, r.PathValue("cardholderId"))
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	out := make([]acs.Message, len(box))
	for i, m := range box {
		out[len(box)-1-i] = inboxMessage(m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

func humanDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		n := int(d / time.Minute)
		return fmt.Sprintf("%d minute%s", n, plural(n))
	}
	return d.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
