package sandbox

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// api is which of the three simulated parties a path belongs to; it decides
// the shape of error bodies.
type api int

const (
	apiSandbox api = iota // the sandbox's own extension endpoints
	apiIssuing            // seed 000
	apiThreeDS            // seed 004, and the ACS challenge pages
	apiWallet             // seed 002
)

func apiOf(path string) api {
	switch {
	case strings.HasPrefix(path, "/issuing/"):
		return apiIssuing
	case strings.HasPrefix(path, "/v1/3ds"), strings.HasPrefix(path, "/acs/"):
		return apiThreeDS
	case strings.HasPrefix(path, "/customers/"):
		return apiWallet
	}
	return apiSandbox
}

// Wallet platform error codes: the seed's, and the platform's own for cases
// the seed does not show.
const (
	walletFieldErrors = "5068" // seed
	walletBadCreds    = "5279" // seed
	walletNotFound    = "5269"
	walletConflict    = "DW-3DS-ALREADY-COMPLETED"
	walletInternal    = "DW-INTERNAL-SERVER-ERROR" // seed
	walletUnavailable = "DW-SERVICE-UNAVAILABLE"   // seed
)

const fieldErrorsDetail = "Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected."

// writeError answers with status in a's error shape. A 401 says what is
// expected (RFC 9110): HTTP Basic on the 3DS server, a bearer token on the
// wallet platform and the sandbox's webhook endpoint; the issuer's handler
// sets its own, as it depends on what it requires.
func (a api) writeError(w http.ResponseWriter, status int, msg string) {
	if status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		switch a {
		case apiThreeDS:
			w.Header().Set("WWW-Authenticate", `Basic realm="3DS server"`)
		case apiWallet, apiSandbox:
			w.Header().Set("WWW-Authenticate", `Bearer realm="wallet platform"`)
		}
	}
	switch a {
	case apiIssuing:
		writeJSON(w, status, issuingError{Code: status, Message: msg, Status: "error"})
	case apiThreeDS:
		writeJSON(w, status, threeDSError{Message: msg})
	case apiWallet:
		writeJSON(w, status, walletError(status, msg))
	default:
		writeJSON(w, status, map[string]string{"error": msg})
	}
}

type issuingError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
}

type threeDSError struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors,omitempty"`
}

type walletErrorBody struct {
	Error walletErrorDetail `json:"error"`
}

type walletErrorDetail struct {
	Code        string             `json:"code"`
	Message     string             `json:"message"`
	Details     []string           `json:"details"`
	FieldErrors []walletFieldError `json:"fieldErrors,omitempty"`
}

type walletFieldError struct {
	Field string `json:"field"`
	Error string `json:"error"`
}

// walletError builds the platform's body for a status; 500, 503 and 401 are
// the seed's examples word for word.
func walletError(status int, detail string) walletErrorBody {
	var d walletErrorDetail
	switch status {
	case http.StatusInternalServerError:
		d = walletErrorDetail{Code: walletInternal, Message: "Internal Server Error", Details: []string{"There was an error while processing the operation"}}
	case http.StatusServiceUnavailable:
		d = walletErrorDetail{Code: walletUnavailable, Message: "Service Unavailable", Details: []string{"Service Unavailable"}}
	case http.StatusUnauthorized:
		d = walletErrorDetail{Code: walletBadCreds, Message: "Invalid credentials", Details: []string{"The authentication credentials are invalid."}}
	case http.StatusNotFound:
		d = walletErrorDetail{Code: walletNotFound, Message: "Entity not found", Details: []string{"The ID(s) specified in the URL do not correspond to the values in the system."}}
	case http.StatusConflict:
		d = walletErrorDetail{Code: walletConflict, Message: "3DS authentication already completed", Details: []string{detail}}
	case http.StatusBadRequest:
		d = walletErrorDetail{Code: walletFieldErrors, Message: "Field error(s)", Details: []string{fieldErrorsDetail}}
	default:
		d = walletErrorDetail{Code: strconv.Itoa(status), Message: http.StatusText(status), Details: []string{detail}}
	}
	return walletErrorBody{Error: d}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := marshal(v)
	if err != nil {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	writeBody(w, status, body)
}

// jsonContentType is every JSON answer's Content-Type, one slice shared by
// their headers (Header.Set would make one per answer): net/http and the
// recorders copy header values and never write to them, and neither may
// the sandbox.
var jsonContentType = []string{"application/json"}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	w.Write(body)
}

var errTooLarge = errors.New("request body too large")

// readBody reads a bounded body. It reads as io.ReadAll does, into a
// buffer sized from Content-Length when there is one (one allocation, no
// regrowth).
func readBody(r *http.Request) ([]byte, error) {
	return readBodyInto(r, nil)
}

// readBodyInto is readBody into buf's storage when it is large enough.
func readBodyInto(r *http.Request, buf []byte) ([]byte, error) {
	size := 512
	if n := r.ContentLength; n > 0 && n <= maxBody {
		size = int(n) + 1 // room to see EOF without growing
	}
	b := buf[:0]
	if cap(b) < size {
		b = make([]byte, 0, size)
	}
	lr := io.LimitReader(r.Body, maxBody+1)
	for {
		n, err := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err != io.EOF {
				return nil, err
			}
			break
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow as append does
		}
	}
	if len(b) > maxBody {
		return nil, errTooLarge
	}
	return b, nil
}

// isJSON reports whether the request declares a JSON body.
func isJSON(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "application/json" {
		return true // the common case, without ParseMediaType's allocations
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// wantsJSON reports whether a browser-facing page was asked for as JSON.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") || isJSON(r)
}

// bearerToken reads "Bearer <token>", the scheme in any case (RFC 9110
// makes scheme names case-insensitive).
func bearerToken(authorization string) (string, bool) {
	scheme, token, found := strings.Cut(authorization, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// methods dispatches on the request method and answers 405 in the API's
// shape otherwise.
func methods(handlers map[string]http.HandlerFunc) http.HandlerFunc {
	allow := make([]string, 0, len(handlers))
	for m := range handlers {
		allow = append(allow, m)
	}
	slices.Sort(allow)
	return func(w http.ResponseWriter, r *http.Request) {
		if h, ok := handlers[r.Method]; ok {
			h(w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		apiOf(r.URL.Path).writeError(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed here; use "+strings.Join(allow, " or ")+".")
	}
}
