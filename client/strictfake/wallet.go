package strictfake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Seed 002's documented strings, verbatim.
const (
	msgExpired        = "3DS authentication request has expired."
	fieldErrorsDetail = "Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected."
)

func walletError(code, msg string, details ...string) map[string]any {
	return map[string]any{"error": map[string]any{"code": code, "message": msg, "details": details}}
}

type webhookTarget struct {
	url string
	key []byte
}

// Delivery is one webhook event and how its delivery went.
type Delivery struct {
	Event      map[string]any
	Attempts   int
	LastStatus int
	Delivered  bool
}

// SetWebhook points ThreeDSecureEvents at url, signed with key.
func (s *Server) SetWebhook(url string, key []byte) {
	s.mu.Lock()
	s.webhook = webhookTarget{url: url, key: key}
	s.mu.Unlock()
}

// Deliveries lists the webhook events sent so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// startDecoupled creates the wallet platform's pending request and sends
// the wallet its ThreeDSecureEvent (REFERENCE.md's payload, with this
// platform's own timestamp format and a field the reference does not
// have). The caller holds s.mu.
func (s *Server) startDecoupled(a *auth, now time.Time) {
	s.seq++
	a.auth3dsID = "a3ds-" + lastN(itoa(s.seq), 6)
	a.walletOperationID = "wop-" + lastN(itoa(s.seq), 6)
	a.expires = now.Add(s.cfg.Expiry)
	s.byAuth3ds[a.auth3dsID] = a
	scheme := map[string]string{"visa": "VISA", "mastercard": "MC"}[a.scheme]
	ev := map[string]any{
		"id": "evt-" + lastN(itoa(s.seq), 6), "walletOperationId": a.walletOperationID,
		"cardId": a.card.CardID, "customerId": CustomerID, "auth3dsId": a.auth3dsID,
		"amount": 100, "currency": "SAR",
		"timestamp":    now.In(time.FixedZone("AST", 3*3600)).Format("2006-01-02T15:04:05.000-0700"),
		"merchantName": "Strict fake shop", "lastFourDigits": a.card.PAN[len(a.card.PAN)-4:],
		"cardScheme": scheme, "cardType": "VIRTUAL", "eventType": "THREEDS_AUTHENTICATION_REQUESTED",
	}
	s.deliveries = append(s.deliveries, Delivery{Event: ev})
	target, index := s.webhook, len(s.deliveries)-1
	if target.url == "" {
		return
	}
	body, _ := json.Marshal(ev)
	mac := hmac.New(sha256.New, target.key)
	mac.Write(body)
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		wait := 10 * time.Millisecond
		for attempt := 1; attempt <= 3; attempt++ {
			status := post(target.url, body, sig)
			s.mu.Lock()
			d := &s.deliveries[index]
			d.Attempts, d.LastStatus, d.Delivered = attempt, status, status >= 200 && status < 300
			delivered := d.Delivered
			s.mu.Unlock()
			if delivered {
				return
			}
			select {
			case <-time.After(wait):
				wait *= 2
			case <-s.done:
				return
			}
		}
	}()
}

func post(url string, body []byte, sig string) int {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Signature", sig)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// verify serves seed 002's POST: it checks credentials, then the body, and
// only then looks the ids up.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, customerID, cardID, auth3dsID string) {
	if r.Method != http.MethodPost {
		s.violate(r, "seed 002: only POST is documented")
		writeJSON(w, http.StatusMethodNotAllowed, walletError("5405", "Method not allowed"))
		return
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" || s.cfg.WalletToken != "" && token != s.cfg.WalletToken {
		s.violate(r, "seed 002: no valid credentials (documented answer: 401)")
		code := "5279"
		if s.deviate[CredentialsCode] {
			code = "401"
		}
		writeJSON(w, http.StatusUnauthorized, walletError(code, "Invalid credentials", "The authentication credentials are invalid."))
		return
	}
	s.requireJSON(r, "002")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	a := s.byAuth3ds[auth3dsID]
	s.mu.Unlock()
	found := a != nil && a.card.CardID == cardID && customerID == CustomerID
	if s.deviate[IDsBeforeBody] && !found {
		writeJSON(w, http.StatusNotFound, walletError("5404", "Not found", "No 3DS authentication with this id."))
		return
	}
	obj, problem := object(body)
	if problem != "" {
		s.violate(r, "seed 002: %s", problem)
		writeJSON(w, http.StatusBadRequest, walletError("5001", "Invalid request body", "The request body is not valid JSON."))
		return
	}
	fieldErrs := s.verifyFields(r, obj)
	if len(fieldErrs) > 0 {
		s.fieldErrors(w, fieldErrs)
		return
	}
	if !found {
		writeJSON(w, http.StatusNotFound, walletError("5404", "Not found", "No 3DS authentication with this id."))
		return
	}
	if obj["walletOperationId"] != a.walletOperationID {
		s.violate(r, "seed 002: walletOperationId does not echo the event's")
		s.fieldErrors(w, []map[string]string{{"field": "walletOperationId", "error": "does not match the 3DS operation"}})
		return
	}
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(a, now)
	status, _ := obj["status"].(string)
	reason, _ := obj["statusReason"].(string)
	switch {
	case a.decided != nil:
		writeJSON(w, http.StatusCreated, a.decided) // the first answer stands
		return
	case a.final(): // too late: the seed's EXPIRED example
		writeJSON(w, http.StatusCreated, s.verifyResult(a, "FAILED", msgExpired, now))
		return
	}
	switch status {
	case "VERIFIED":
		s.conclude(a, "Y", "", now)
	case "REJECTED":
		s.conclude(a, "N", "Cardholder rejected the authentication", now)
	default:
		s.conclude(a, "U", reason, now)
	}
	a.decided = s.verifyResult(a, status, reason, now)
	writeJSON(w, http.StatusCreated, a.decided)
}

// verifyFields checks the body with seed 002's rules, in its style.
func (s *Server) verifyFields(r *http.Request, obj map[string]any) []map[string]string {
	var errs []map[string]string
	add := func(field, msg string) {
		s.violate(r, "seed 002: %s: %s", field, msg)
		errs = append(errs, map[string]string{"field": field, "error": msg})
	}
	s.unknownKeys(r, "002", "", obj, "walletOperationId", "verification", "status", "statusReason")
	if id, ok := obj["walletOperationId"].(string); !ok || id == "" {
		add("walletOperationId", "must not be null")
	}
	switch v := obj["verification"].(type) {
	case nil:
		add("verification", "must not be null")
	case map[string]any:
		s.unknownKeys(r, "002", "verification.", v, "method")
		switch m, present := v["method"]; {
		case !present || m == nil:
			add("verification.method", "must not be null")
		case m != "BIOMETRIC":
			add("verification.method", "must be one of [BIOMETRIC]")
		}
	default:
		add("verification", "must be an object")
	}
	switch st := obj["status"]; {
	case st == nil:
		add("status", "must not be null")
	case st != "VERIFIED" && st != "REJECTED" && st != "FAILED":
		add("status", "must be one of [VERIFIED, REJECTED, FAILED]")
	}
	if reason, present := obj["statusReason"]; present && reason != nil {
		if text, ok := reason.(string); !ok || utf8.RuneCountInString(text) > 100 {
			add("statusReason", "size must be between 0 and 100")
		}
	}
	return errs
}

func (s *Server) fieldErrors(w http.ResponseWriter, errs []map[string]string) {
	body := walletError("5068", "Field error(s)", fieldErrorsDetail)
	detail := body["error"].(map[string]any)
	detail["fieldErrors"] = errs
	if s.deviate[FieldErrorCode] {
		detail["code"] = "400"
	}
	if s.deviate[FieldErrorsShape] {
		shaped := map[string]string{}
		for _, e := range errs {
			shaped[e["field"]] = e["error"]
		}
		detail["fieldErrors"] = shaped
	}
	writeJSON(w, http.StatusBadRequest, body)
}

// verifyResult is the 201 body in seed 002's shape, with this platform's
// own date format (offset without a colon) and links the seed does not
// have; statusReason is left out when empty, as in the seed's VERIFIED
// example. The caller holds s.mu.
func (s *Server) verifyResult(a *auth, status, reason string, now time.Time) map[string]any {
	out := map[string]any{
		"walletOperationId": a.walletOperationID, "verification": map[string]any{"method": "BIOMETRIC"},
		"status": status, "customerId": CustomerID, "cardId": a.card.CardID, "auth3dsId": a.auth3dsID,
		"creationTime": now.UTC().Format("2006-01-02T15:04:05.000-0700"),
		"links":        []any{map[string]any{"rel": "self", "href": "/customers/" + CustomerID}},
	}
	if reason != "" {
		out["statusReason"] = reason
	}
	return out
}
