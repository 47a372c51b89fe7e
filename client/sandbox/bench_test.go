package sandbox_test

// Benchmarks of every API endpoint, through Handler with a recorder:
//
//	go test ./client/sandbox -run '^$' -bench . -benchmem -count 5
//
// The serial benchmarks build their requests and recorders in batches with
// the timer stopped (see serve), so ns/op and allocs/op are the sandbox's
// own work: middleware, routing, validation, state and the JSON answer.
// BenchmarkAuthenticateParallel builds each request inside the timed loop.
// State stays bounded: ids and x-request-ids are unique per iteration, and
// the sandbox's caps (MaxFinished, MaxIdempotent) evict as they would under
// load; enrollments are cycled, challenges and decoupled authentications are
// finished.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// benchBatch is how many requests are built per stop of the timer.
const benchBatch = 256

// benchBody is seed 004's authenticate request in full (the fields of
// testdata/sandbox/curl/004-authenticate.curl), for a card number.
func benchBody(pan, channel string) string {
	return `{"number":"` + pan + `","month":6,"year":2029,"channel":"` + channel + `",` +
		`"return_url":"https://example.com","name":"John Doe","challenge_preference":"no_preference",` +
		`"customer":{"name":"John Doe","email":"johndoe@example.com","mobile":"0555555555"},` +
		`"billing_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},` +
		`"shipping_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},` +
		`"customer_device":{"ip_address":"127.0.0.1","user_agent":"Test Agent/Chrome/Safari","accept_header":"*/*",` +
		`"javascript_enabled":true,"language":"ar-SA","color_depth":"24","screen_height":300,"screen_width":600,"timezone":"-180"}}`
}

// zeroRand makes every one-time code 000000 (and every CAVV the same), so a
// benchmark can answer challenges without reading the inbox.
type zeroRand struct{}

func (zeroRand) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// benchClock is the wall clock plus an offset a benchmark advances to let
// challenges and decoupled authentications expire.
type benchClock struct{ offset atomic.Int64 }

func (c *benchClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *benchClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

type bench struct {
	b     *testing.B
	sb    *sandbox.Sandbox
	h     http.Handler
	clock *benchClock
}

// newBench is a sandbox with the default configuration (random UUIDs and,
// unless zeroCodes is set, crypto/rand), no access log and no webhook.
func newBench(b *testing.B, zeroCodes bool) *bench {
	clk := &benchClock{}
	cfg := sandbox.Config{Clock: clk}
	if zeroCodes {
		cfg.Rand = zeroRand{}
	}
	sb := sandbox.New(cfg)
	sb.SetBaseURL("http://127.0.0.1:18080")
	b.Cleanup(sb.Close)
	return &bench{b: b, sb: sb, h: sb.Handler(), clock: clk}
}

func newRequest(method, target, body string, header ...string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

// do serves one request outside the timed loop and checks its status.
func (x *bench) do(r *http.Request, want int) []byte {
	w := httptest.NewRecorder()
	x.h.ServeHTTP(w, r)
	if w.Code != want {
		x.b.Fatalf("%s %s: status %d, want %d: %s", r.Method, r.URL.Path, w.Code, want, w.Body)
	}
	return w.Body.Bytes()
}

// serve runs b.N requests made by mk through the handler and checks each
// answer's status. Besides ns/op (wall time) it reports cpu-ns/op: the
// process's CPU time, on every thread (the GC's included), over the same
// timed stretches — steadier than wall time on a machine shared with other
// work, which takes the CPUs away from a benchmark but does not bill it. Requests and recorders are built benchBatch at a time with
// the timer stopped; prepare, when set, also runs with the timer stopped
// before each batch, given the batch's first index and size.
func (x *bench) serve(want int, prepare func(from, n int), mk func(i int) *http.Request) {
	b := x.b
	b.ReportAllocs()
	reqs := make([]*http.Request, benchBatch)
	recs := make([]*httptest.ResponseRecorder, benchBatch)
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; {
		b.StopTimer()
		n := min(benchBatch, b.N-i)
		if prepare != nil {
			prepare(i, n)
		}
		for j := range n {
			reqs[j], recs[j] = mk(i+j), httptest.NewRecorder()
		}
		b.StartTimer()
		c0 := processCPU()
		for j := range n {
			x.h.ServeHTTP(recs[j], reqs[j])
		}
		cpu += processCPU() - c0
		b.StopTimer()
		for j := range n {
			if recs[j].Code != want {
				b.Fatalf("request %d: %s %s: status %d, want %d: %s", i+j, reqs[j].Method, reqs[j].URL.Path, recs[j].Code, want, recs[j].Body)
			}
		}
		b.StartTimer()
		i += n
	}
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

const issuingPath = "/issuing/api/v1/card/3DS"

// issuingReq is a seed 000 request with every header the seed sends.
func issuingReq(method, cardID, requestID, body string) *http.Request {
	r := newRequest(method, issuingPath, body,
		"x-api-key", "bench-api-key", "x-product-id", "bench-product",
		"x-cardholder-id", testcards.CardholderID, "x-wallet-id", testcards.WalletID,
		"x-card-id", cardID, "x-client-id", "bench-client", "x-request-id", requestID,
		"Authorization", "Bearer bench-token")
	if body == "" {
		r.Header.Set("Content-Type", "application/json") // the seed's cURL sends it on GET and DELETE too
	}
	return r
}

// benchCardID is the x-card-id of the j-th card of a batch.
func benchCardID(j int) string { return "bench-card-" + strconv.Itoa(j) }

func (x *bench) enrollCard(cardID, requestID string) {
	x.do(issuingReq(http.MethodPost, cardID, requestID, `{"otp_delivery_method":"EMAIL"}`), http.StatusOK)
}

// BenchmarkIssuingEnroll: POST /issuing/api/v1/card/3DS. Each batch's cards
// are unenrolled (timer stopped) before the next batch enrolls them again.
func BenchmarkIssuingEnroll(b *testing.B) {
	x := newBench(b, false)
	prev := 0
	x.serve(http.StatusOK, func(from, n int) {
		for j := range prev {
			x.do(issuingReq(http.MethodDelete, benchCardID(j), "cleanup-"+strconv.Itoa(from+j), ""), http.StatusOK)
		}
		prev = n
	}, func(i int) *http.Request {
		return issuingReq(http.MethodPost, benchCardID(i%benchBatch), "enroll-"+strconv.Itoa(i), `{"otp_delivery_method":"EMAIL"}`)
	})
}

// BenchmarkIssuingGet: GET /issuing/api/v1/card/3DS of an enrolled card.
func BenchmarkIssuingGet(b *testing.B) {
	x := newBench(b, false)
	c := card(b, testcards.Visa, testcards.Challenge)
	x.enrollCard(c.CardID, "setup")
	x.serve(http.StatusOK, nil, func(i int) *http.Request {
		return issuingReq(http.MethodGet, c.CardID, "get-"+strconv.Itoa(i), "")
	})
}

// BenchmarkIssuingUpdate: PATCH /issuing/api/v1/card/3DS, EMAIL and SMS in turn.
func BenchmarkIssuingUpdate(b *testing.B) {
	x := newBench(b, false)
	c := card(b, testcards.Visa, testcards.Challenge)
	x.enrollCard(c.CardID, "setup")
	x.serve(http.StatusOK, nil, func(i int) *http.Request {
		body := `{"otp_delivery_method":"SMS"}`
		if i%2 == 1 {
			body = `{"otp_delivery_method":"EMAIL"}`
		}
		return issuingReq(http.MethodPatch, c.CardID, "update-"+strconv.Itoa(i), body)
	})
}

// BenchmarkIssuingUnenroll: DELETE /issuing/api/v1/card/3DS. Each batch's
// cards are enrolled first (timer stopped).
func BenchmarkIssuingUnenroll(b *testing.B) {
	x := newBench(b, false)
	x.serve(http.StatusOK, func(from, n int) {
		for j := range n {
			x.enrollCard(benchCardID(j), "setup-"+strconv.Itoa(from+j))
		}
	}, func(i int) *http.Request {
		return issuingReq(http.MethodDelete, benchCardID(i%benchBatch), "unenroll-"+strconv.Itoa(i), "")
	})
}

// authenticateReq is POST /v1/3ds/{id}/authenticate with a secret key.
func authenticateReq(id, body string) *http.Request {
	r := newRequest(http.MethodPost, "/v1/3ds/"+id+"/authenticate", body)
	r.SetBasicAuth("sk_test_x", "")
	return r
}

// BenchmarkAuthenticateFrictionless: POST /v1/3ds/{id}/authenticate, the
// frictionless Visa card (Y at once), a new id each time.
func BenchmarkAuthenticateFrictionless(b *testing.B) {
	x := newBench(b, false)
	body := benchBody(card(b, testcards.Visa, testcards.Frictionless).PAN, "browser")
	x.serve(http.StatusOK, nil, func(i int) *http.Request {
		return authenticateReq("bench-"+strconv.Itoa(i), body)
	})
	if st := x.sb.Stats(); st.Authentications > 4096+benchBatch {
		b.Fatalf("state grew: %+v", st)
	}
}

// distinctBody is testdata/bench/authenticate-distinct.lua's body for the
// n-th request: the customer, both addresses, the device and the return URL
// carry n, so no two stored authentications share a value.
func distinctBody(pan, n string) string {
	return `{"number":"` + pan + `","month":6,"year":2029,"channel":"browser",` +
		`"return_url":"https://example.com/` + n + `","name":"John Doe ` + n + `","challenge_preference":"no_preference",` +
		`"customer":{"name":"John Doe ` + n + `","email":"john.` + n + `@example.com","mobile":"0555` + n + `"},` +
		`"billing_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod ` + n + `","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},` +
		`"shipping_address":{"city":"Jeddah","country":"SA","line_1":"Al Rawdah ` + n + `","line_2":"Tahlia","postal_code":"23434","state":"Makkah"},` +
		`"customer_device":{"ip_address":"127.0.0.1","user_agent":"Test Agent/` + n + `","accept_header":"*/*",` +
		`"javascript_enabled":true,"language":"ar-SA","color_depth":"24","screen_height":300,"screen_width":600,"timezone":"-180"}}`
}

// BenchmarkAuthenticateDistinct: BenchmarkAuthenticateFrictionless with
// every request's customer, addresses and device different (what
// AUTH=authenticate-distinct loads), so nothing stored is shared.
func BenchmarkAuthenticateDistinct(b *testing.B) {
	x := newBench(b, false)
	pan := card(b, testcards.Visa, testcards.Frictionless).PAN
	x.serve(http.StatusOK, nil, func(i int) *http.Request {
		n := strconv.Itoa(i)
		return authenticateReq("bench-"+n, distinctBody(pan, n))
	})
	if st := x.sb.Stats(); st.Authentications > 4096+benchBatch {
		b.Fatalf("state grew: %+v", st)
	}
}

// BenchmarkAuthenticateChallenge: POST /v1/3ds/{id}/authenticate with the
// enrolled challenge card: the ACS starts a challenge and sends a code. The
// clock jumps past the expiry between batches, so pending challenges expire
// instead of piling up to MaxPending.
func BenchmarkAuthenticateChallenge(b *testing.B) {
	x := newBench(b, false)
	c := card(b, testcards.Visa, testcards.Challenge)
	x.enrollCard(c.CardID, "setup")
	body := benchBody(c.PAN, "browser")
	x.serve(http.StatusOK, func(from, n int) {
		if from > 0 {
			x.clock.Advance(6 * time.Minute)
			// Any authentication sweeps: this one settles the expired batch.
			x.do(authenticateReq("sweep-"+strconv.Itoa(from), benchBody(card(b, testcards.Visa, testcards.Frictionless).PAN, "browser")), http.StatusOK)
		}
	}, func(i int) *http.Request {
		return authenticateReq("bench-"+strconv.Itoa(i), body)
	})
	if st := x.sb.Stats(); st.Pending > benchBatch+1 {
		b.Fatalf("pending grew: %+v", st)
	}
}

// BenchmarkChallengeSubmit: POST /acs/challenge/{acsTransID} with the right
// code, as JSON. Each batch's challenges are started with the timer stopped.
func BenchmarkChallengeSubmit(b *testing.B) {
	x := newBench(b, true)
	c := card(b, testcards.Visa, testcards.Challenge)
	x.enrollCard(c.CardID, "setup")
	body := benchBody(c.PAN, "browser")
	acsIDs := make([]string, benchBatch)
	x.serve(http.StatusOK, func(from, n int) {
		for j := range n {
			var a struct {
				ACSID string `json:"acs_id"`
			}
			if err := json.Unmarshal(x.do(authenticateReq("bench-"+strconv.Itoa(from+j), body), http.StatusOK), &a); err != nil || a.ACSID == "" {
				b.Fatalf("no acs_id: %v", err)
			}
			acsIDs[j] = a.ACSID
		}
	}, func(i int) *http.Request {
		return newRequest(http.MethodPost, "/acs/challenge/"+acsIDs[i%benchBatch], `{"otp":"000000"}`, "Accept", "application/json")
	})
	if st := x.sb.Stats(); st.Pending != 0 {
		b.Fatalf("challenges left pending: %+v", st)
	}
}

// BenchmarkGetAuthentication: GET /v1/3ds/{id} of a finished authentication.
func BenchmarkGetAuthentication(b *testing.B) {
	x := newBench(b, false)
	x.do(authenticateReq("bench-get", benchBody(card(b, testcards.Visa, testcards.Frictionless).PAN, "browser")), http.StatusOK)
	x.serve(http.StatusOK, nil, func(int) *http.Request {
		r := newRequest(http.MethodGet, "/v1/3ds/bench-get", "")
		r.SetBasicAuth("sk_test_x", "")
		return r
	})
}

// BenchmarkWalletVerify: POST /customers/{customerId}/prepaid/cards/{cardId}/3ds-authentications/{auth3dsId},
// the wallet's VERIFIED answer to a decoupled authentication. Each batch's
// authentications are started (and listed, for their ids) with the timer
// stopped.
func BenchmarkWalletVerify(b *testing.B) {
	x := newBench(b, false)
	c := card(b, testcards.Visa, testcards.Decoupled)
	x.enrollCard(c.CardID, "setup")
	body := benchBody(c.PAN, "decoupled")
	base := "/customers/" + testcards.CustomerID + "/prepaid/cards/" + c.CardID + "/3ds-authentications"
	type pending struct {
		Auth3dsID         string `json:"auth3dsId"`
		WalletOperationID string `json:"walletOperationId"`
	}
	batch := make([]pending, 0, benchBatch)
	x.serve(http.StatusCreated, func(from, n int) {
		for j := range n {
			x.do(authenticateReq("bench-"+strconv.Itoa(from+j), body), http.StatusOK)
		}
		var list struct {
			Authentications []pending `json:"authentications"`
		}
		if err := json.Unmarshal(x.do(newRequest(http.MethodGet, base, "", "Authorization", "Bearer bench-token"), http.StatusOK), &list); err != nil || len(list.Authentications) != n {
			b.Fatalf("listed %d pending, want %d (%v)", len(list.Authentications), n, err)
		}
		batch = append(batch[:0], list.Authentications...)
	}, func(i int) *http.Request {
		p := batch[i%benchBatch]
		return newRequest(http.MethodPost, base+"/"+p.Auth3dsID,
			`{"walletOperationId":"`+p.WalletOperationID+`","verification":{"method":"BIOMETRIC"},"status":"VERIFIED"}`,
			"Authorization", "Bearer bench-token")
	})
	if st := x.sb.Stats(); st.Pending != 0 {
		b.Fatalf("decoupled authentications left pending: %+v", st)
	}
}

// BenchmarkAuthenticateParallel: the frictionless authenticate from
// GOMAXPROCS goroutines at once (shared sandbox, shared lock). Unlike the
// serial benchmarks it builds each request in the timed loop.
func BenchmarkAuthenticateParallel(b *testing.B) {
	x := newBench(b, false)
	body := benchBody(card(b, testcards.Visa, testcards.Frictionless).PAN, "browser")
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			x.h.ServeHTTP(w, authenticateReq("par-"+strconv.FormatInt(next.Add(1), 10), body))
			if w.Code != http.StatusOK {
				panic(fmt.Sprintf("status %d: %s", w.Code, w.Body))
			}
		}
	})
}

// BenchmarkRetained reports what the sandbox keeps per finished
// authentication once it holds the most it keeps (MaxFinished, 4,096): the
// live heap after a GC, divided by the count, for requests whose customer,
// addresses and device repeat (test fixtures) and for requests where every
// one differs (the sandbox's worst case).
func BenchmarkRetained(b *testing.B) {
	const n = 4096
	for _, distinct := range []bool{false, true} {
		b.Run("distinct="+strconv.FormatBool(distinct), func(b *testing.B) {
			pan := card(b, testcards.Visa, testcards.Frictionless).PAN
			for b.Loop() {
				before := liveHeap()
				x := newBench(b, true)
				for i := range n {
					body := benchBody(pan, "browser")
					if distinct {
						body = strings.ReplaceAll(body, "Riyadh", "Riyadh "+strconv.Itoa(i))
						body = strings.ReplaceAll(body, "John Doe", "John Doe "+strconv.Itoa(i))
						body = strings.Replace(body, "127.0.0.1", "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256), 1)
					}
					x.do(authenticateReq("kept-"+strconv.Itoa(i), body), http.StatusOK)
				}
				b.ReportMetric(float64(liveHeap()-before)/n, "B/kept")
				runtime.KeepAlive(x)
			}
		})
	}
}

func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// BenchmarkMessages: GET /v1/3ds/{id}/messages of a finished frictionless
// authentication, the exchange rebuilt by emv.Build on each request. It
// also reports what keeping that exchange would cost instead: B/answer,
// its JSON (what a cache of the answer would hold), and
// B/exchange-if-kept, the live heap of 4,096 decoded exchanges per one —
// the memory rebuilding saves per authentication.
func BenchmarkMessages(b *testing.B) {
	x := newBench(b, false)
	x.do(authenticateReq("bench-msgs", benchBody(card(b, testcards.Visa, testcards.Frictionless).PAN, "browser")), http.StatusOK)
	req := func() *http.Request {
		r := newRequest(http.MethodGet, "/v1/3ds/bench-msgs/messages", "")
		r.SetBasicAuth("sk_test_x", "")
		return r
	}
	var kept struct {
		Messages []emv.Step `json:"messages"`
	}
	answer := x.do(req(), http.StatusOK)
	if err := json.Unmarshal(answer, &kept); err != nil || len(kept.Messages) != 4 {
		b.Fatalf("messages: %d, %v", len(kept.Messages), err)
	}
	const n = 4096
	before := liveHeap()
	held := make([][]emv.Step, n)
	for i := range held {
		var m struct {
			Messages []emv.Step `json:"messages"`
		}
		json.Unmarshal(x.do(req(), http.StatusOK), &m)
		held[i] = m.Messages
	}
	keptBytes := float64(liveHeap()-before) / n
	runtime.KeepAlive(held)
	held = nil
	x.serve(http.StatusOK, nil, func(int) *http.Request { return req() })
	// After serve: its ResetTimer deletes metrics reported before.
	b.ReportMetric(float64(len(answer)), "B/answer")
	b.ReportMetric(keptBytes, "B/exchange-if-kept")
}
