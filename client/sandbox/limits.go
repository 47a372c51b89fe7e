package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/walletsim/walletsim/client/sandbox/fault"
)

// Size limits, in bytes, on what one request may carry. Real values fit
// with room to spare: the ids the seeds show are UUIDs or short numbers
// (36 bytes), a bearer token (a JWT) is one or two KiB, seed 004's largest
// field (user_agent) is 2,048 characters, and its fullest body a few KiB.
// The sandbox keeps what requests carry, so every byte it may keep is
// bounded here (and in total by Config.MaxStoredBytes).
const (
	// MaxIDHeader bounds each id or key header (x-api-key, x-product-id,
	// x-cardholder-id, x-wallet-id, x-card-id, x-client-id, x-request-id)
	// and the fault header: the sandbox keeps the ids of every enrollment
	// and the key of every idempotent answer.
	MaxIDHeader = 256
	// MaxHeader bounds every other header's values (all values of one
	// name together): Authorization, User-Agent, Accept, ….
	MaxHeader = 8 << 10
	// MaxURI bounds the request target (path and query).
	MaxURI = 2 << 10
	// MaxBody bounds every request body.
	MaxBody = 64 << 10
	// MaxReturnURL bounds seed 004's return_url, in characters as its
	// other max: rules count (the seed gives it none; 2,048 is what
	// browsers and EMV 3DS's URL fields allow).
	MaxReturnURL = 2048
	// MaxWebhookURL and MaxHMACKey bound PUT /sandbox/webhook's fields.
	MaxWebhookURL = 2048
	MaxHMACKey    = 1024
)

// maxBody is MaxBody, for the readers.
const maxBody = MaxBody

// idHeaders are the headers MaxIDHeader bounds, canonical.
var idHeaders = []string{
	"X-Api-Key", "X-Product-Id", "X-Cardholder-Id", "X-Wallet-Id", "X-Card-Id", "X-Client-Id", "X-Request-Id",
	http.CanonicalHeaderKey(fault.Header),
}

// withLimits refuses, before anything else reads it, a request whose
// target, headers or declared body exceed their limits: 414, 431 or 413,
// in the error shape of the API the path belongs to. A body sent without
// a Content-Length is bounded when it is read (readBody).
func (s *Sandbox) withLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status, msg := checkSizes(r, s.cfg.MaxHeaderBytes); status != 0 {
			apiOf(r.URL.Path).writeError(w, status, msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serverHeaderBytes is the http.Server's MaxHeaderBytes for a configured
// limit: twice it, so that a header block over the limit but under this
// reaches withLimits and is answered in its API's shape. Only a block
// larger still gets Go's own plain-text 431: net/http reads no further, and
// each connection may buffer this much (512 connections × 64 KiB at the
// defaults).
func serverHeaderBytes(limit int) int { return 2 * limit }

// checkSizes returns the status and message for a request over a limit
// (maxBlock for the whole header block), 0 for one within them.
//
// The header block is counted as it came on the wire, as net/http counts
// it against MaxHeaderBytes: the request line and each "Name: value" line
// with its CRLF (names in any case take as many bytes; Host is counted
// apart from Header).
func checkSizes(r *http.Request, maxBlock int) (int, string) {
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	if len(uri) > MaxURI {
		return http.StatusRequestURITooLong, tooLarge("The request target", len(uri), MaxURI)
	}
	block := len(r.Method) + 1 + len(uri) + 1 + len(r.Proto) + 2 + 2
	if r.Host != "" {
		block += len("Host: ") + len(r.Host) + 2
	}
	var over []string // header names, for a stable message
	for name, values := range r.Header {
		n := 0
		for _, v := range values {
			n += len(v)
			block += len(name) + 2 + len(v) + 2
		}
		if n > minHeaderLimit && n > headerLimit(name) { // most values are short: skip the lookup
			over = append(over, name)
		}
	}
	if len(over) > 0 {
		slices.Sort(over)
		name := over[0]
		n := 0
		for _, v := range r.Header[name] {
			n += len(v)
		}
		return http.StatusRequestHeaderFieldsTooLarge, tooLarge("Header "+strings.ToLower(name), n, headerLimit(name))
	}
	if r.ContentLength > MaxBody {
		return http.StatusRequestEntityTooLarge, tooLarge("The request body", int(r.ContentLength), MaxBody)
	}
	if block > maxBlock {
		return http.StatusRequestHeaderFieldsTooLarge, tooLarge("The request's header block", block, maxBlock)
	}
	return 0, ""
}

// minHeaderLimit is the smaller of the two header limits: a value no
// longer than it is within either.
const minHeaderLimit = min(MaxIDHeader, MaxHeader)

func headerLimit(canonical string) int {
	if slices.Contains(idHeaders, canonical) {
		return MaxIDHeader
	}
	return MaxHeader
}

// tooLarge says what is too large, by how much, and the limit.
func tooLarge(what string, n, limit int) string {
	return what + " is too large: " + strconv.Itoa(n) + " bytes, at most " + strconv.Itoa(limit) + "."
}
