package strictfake

import (
	"io"
	"net/http"
	"strings"
)

// Seed 000's success messages, verbatim.
const (
	msgEnrolled   = "3DS enrollment successful."
	msgFetched    = "Enroll 3DS details fetched successfully."
	msgUpdated    = "3DS enrollment details updated successfully."
	msgUnenrolled = "3DS unenrollment completed successfully."
)

type enrollKey struct{ cardholder, card string }

// requiredIssuingHeaders are seed 000's required headers (Content-Type is
// checked on its own); x-client-id and Authorization are optional.
var requiredIssuingHeaders = []string{"x-api-key", "x-product-id", "x-cardholder-id", "x-wallet-id", "x-card-id", "x-request-id"}

func issuingError(status int, msg string) map[string]any {
	return map[string]any{"code": status, "message": msg, "status": "error"}
}

// issuing serves seed 000: POST enrolls, GET reads, PATCH updates, DELETE
// unenrolls. Its errors are all 400s (the only error the seed documents),
// including a missing x-api-key.
func (s *Server) issuing(w http.ResponseWriter, r *http.Request, version string) {
	fail := func(msg string) {
		body := issuingError(http.StatusBadRequest, msg)
		if s.deviate[ErrorStatusWord] {
			body["status"] = "failed"
		}
		writeJSON(w, http.StatusBadRequest, body)
	}
	switch r.Method {
	case http.MethodPost, http.MethodGet, http.MethodPatch, http.MethodDelete:
	default:
		s.violate(r, "seed 000: method %s is not documented", r.Method)
		fail("Method not supported.")
		return
	}
	if version != "v1" {
		s.violate(r, "seed 000: :version must be v1, got %q", version)
	}
	var missing []string
	for _, h := range requiredIssuingHeaders {
		if strings.TrimSpace(r.Header.Get(h)) == "" {
			missing = append(missing, h)
			s.violate(r, "seed 000: required header %s is missing", h)
		}
	}
	s.requireJSON(r, "000")
	if auth := r.Header.Get("Authorization"); auth != "" {
		if scheme, token, _ := strings.Cut(auth, " "); !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			s.violate(r, "seed 000: Authorization, when sent, is Bearer {{AccessToken}}")
		}
	}
	if len(missing) > 0 {
		fail("Missing header(s): " + strings.Join(missing, ", "))
		return
	}
	if s.cfg.APIKey != "" && r.Header.Get("x-api-key") != s.cfg.APIKey {
		fail("The x-api-key is not valid.")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var method string
	if r.Method == http.MethodPost || r.Method == http.MethodPatch {
		obj, problem := object(body)
		if problem != "" {
			s.violate(r, "seed 000: %s", problem)
			fail("Invalid request body.")
			return
		}
		s.unknownKeys(r, "000", "", obj, "otp_delivery_method")
		method, _ = obj["otp_delivery_method"].(string)
		if method != "EMAIL" && method != "SMS" {
			s.violate(r, "seed 000: otp_delivery_method is required, one of EMAIL, SMS")
			fail("otp_delivery_method must be EMAIL or SMS.")
			return
		}
	} else if strings.TrimSpace(string(body)) != "" {
		s.violate(r, "seed 000: %s sends no body", r.Method)
	}
	key := enrollKey{r.Header.Get("x-cardholder-id"), r.Header.Get("x-card-id")}
	s.mu.Lock()
	current, enrolled := s.enrollments[key]
	switch {
	case r.Method == http.MethodPost && !enrolled:
		s.enrollments[key] = method
	case r.Method == http.MethodPatch && enrolled:
		s.enrollments[key] = method
	case r.Method == http.MethodDelete && enrolled:
		delete(s.enrollments, key)
	}
	s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && enrolled:
		fail("The card already has a 3DS enrollment.")
	case r.Method != http.MethodPost && !enrolled:
		fail("No 3DS enrollment found for this card.")
	case r.Method == http.MethodPost:
		msg := msgEnrolled
		if s.deviate[EnrollMessage] {
			msg = "Enrollment created."
		}
		writeJSON(w, http.StatusOK, success(msg, []any{}))
	case r.Method == http.MethodGet:
		item := map[string]any{
			"otp_delivery_method": current, "destination": destination(key.cardholder, current), "status": "ACTIVE",
			"enrolled_via": "api", // not in the seed: clients must ignore it
		}
		var data any = []any{item}
		if s.deviate[GetDataObject] {
			data = item
		}
		writeJSON(w, http.StatusOK, success(msgFetched, data))
	case r.Method == http.MethodPatch:
		body := success(msgUpdated, []any{})
		if s.deviate[UpdateNoStatus] {
			delete(body, "status")
		}
		writeJSON(w, http.StatusOK, body)
	default:
		writeJSON(w, http.StatusOK, success(msgUnenrolled, []any{}))
	}
}

func success(msg string, data any) map[string]any {
	return map[string]any{"status": "Success", "message": msg, "code": http.StatusOK, "data": data,
		"trace_id": "strictfake"} // an extra field
}

// destination is where a cardholder's codes go, masked as the seed's example
// shows a phone ("+628000110022" there, in full; this issuer masks it).
func destination(cardholder, method string) string {
	if method == "SMS" {
		return "+62800*****" + lastN(cardholder, 3)
	}
	return "c***@" + strings.ToLower(lastN(cardholder, 6)) + ".example"
}

func lastN(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s[len(s)-n:]
}
