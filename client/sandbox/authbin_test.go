package sandbox

import (
	"reflect"
	"testing"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// filled sets every field v reaches to a value of its own, different from
// its zero value and from every other field's, so that a field the
// encoding leaves out (or mixes up with another) shows in a round trip.
func filled(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('A'+*n%26)) + time.Duration(*n).String())
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n * 1000003))
	case reflect.Uint8:
		v.SetUint(uint64(*n % 251))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			t.Fatalf("filled: slice of %s: add it here", v.Type().Elem())
		}
		v.SetBytes([]byte{byte(*n), 0, 255, byte(*n >> 8)})
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		filled(t, v.Elem(), n)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 1, 19, 30, 0, *n*7919, time.UTC)))
			return
		}
		for i := range v.NumField() {
			filled(t, v.Field(i), n)
		}
	default:
		t.Fatalf("filled: %s: add it here", v.Type())
	}
}

// TestAuthBinEveryField: every field of authWire and of the request it
// holds — set, each to its own value — comes back from the compact
// encoding as it went in. A field added to either and not to the encoding
// fails here. (The challenge and decoupled parts are JSON inside it, and
// are checked by TestAuthBinStates.)
func TestAuthBinEveryField(t *testing.T) {
	var w authWire
	n := 0
	filled(t, reflect.ValueOf(&w).Elem(), &n)
	w.Challenge, w.Dec = nil, nil
	for _, js := range []bool{true, false} {
		*w.Req.CustomerDevice.JavascriptEnabled = js
		data, err := appendAuthBin(nil, &w)
		if err != nil {
			t.Fatal(err)
		}
		var got authWire
		if err := decodeAuthWire(data, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, w)
		}
	}
	// And with every optional part absent.
	bare := authWire{ID: "a", Req: &threeds.AuthenticateRequest{}, Created: w.Created}
	data, err := appendAuthBin(nil, &bare)
	if err != nil {
		t.Fatal(err)
	}
	var got authWire
	if err := decodeAuthWire(data, &got); err != nil || !reflect.DeepEqual(got, bare) {
		t.Errorf("bare round trip: %v\n got %+v\nwant %+v", err, got, bare)
	}
}

// TestAuthBinStates: the challenge and decoupled states, and times in
// other zones, survive the encoding.
func TestAuthBinStates(t *testing.T) {
	at := time.Date(2026, 12, 1, 19, 30, 0, 123456789, time.UTC)
	w := authWire{ID: "x", Created: at, Updated: at.In(time.FixedZone("", -5*3600)), Flags: flagStarted,
		Challenge: &challengeWire{First: []byte(`{"a":1}`), LastFour: "0036", OTP: "123456", AttemptsLeft: 2,
			Method: issuing.OTPMethod("SMS"), Destination: "+966…55", ViaCReq: true},
		Dec: &decWire{First: []byte(`{"b":2}`), Auth3dsID: "A3", Event: wallet.Event{ID: "ev", Amount: 100, Currency: "SAR"},
			Answer:     &wallet.VerifyRequest{WalletOperationID: "op", Status: wallet.Status("VERIFIED")},
			AnswerBody: []byte(`{}`), AnsweredAt: at}}
	data, err := appendAuthBin(nil, &w)
	if err != nil {
		t.Fatal(err)
	}
	var got authWire
	if err := decodeAuthWire(data, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Updated.Equal(w.Updated) || got.Updated.Format(time.RFC3339Nano) != w.Updated.Format(time.RFC3339Nano) {
		t.Errorf("Updated %v, want %v", got.Updated, w.Updated)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(w)
	if string(gj) != string(wj) {
		t.Errorf("round trip:\n got %s\nwant %s", gj, wj)
	}
}

// TestAuthBinReadsJSON: a record stored as JSON, before the compact
// encoding, still decodes — and to what the compact one gives.
func TestAuthBinReadsJSON(t *testing.T) {
	var w authWire
	n := 0
	filled(t, reflect.ValueOf(&w).Elem(), &n)
	w.Challenge, w.Dec = nil, nil
	old, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	compact, err := appendAuthBin(nil, &w)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON, fromBin authWire
	if err := decodeAuthWire(old, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := decodeAuthWire(compact, &fromBin); err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(fromJSON)
	bj, _ := json.Marshal(fromBin)
	if string(gj) != string(bj) {
		t.Errorf("JSON record:\n got %s\nwant %s", gj, bj)
	}
}

// TestAuthBinSize guards what the encoding is for: a frictionless
// authentication of the load test's request is stored in under half the
// bytes of its JSON (each is written to SQLite's WAL, then to the database).
func TestAuthBinSize(t *testing.T) {
	var q threeds.AuthenticateRequest
	if err := json.Unmarshal([]byte(`{"number":"4000000000000010","month":6,"year":2029,"channel":"browser",`+
		`"return_url":"https://example.com","name":"John Doe","challenge_preference":"no_preference",`+
		`"customer":{"name":"John Doe","email":"johndoe@example.com","mobile":"0555555555"},`+
		`"billing_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},`+
		`"shipping_address":{"city":"Riyadh","country":"SA","line_1":"Al Worod","line_2":"Olaya","postal_code":"51911","state":"Riyadh"},`+
		`"customer_device":{"ip_address":"127.0.0.1","user_agent":"Test Agent/Chrome/Safari","accept_header":"*/*",`+
		`"javascript_enabled":true,"language":"ar-SA","color_depth":"24","screen_height":300,"screen_width":600,"timezone":"-180"}}`), &q); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	uuid := "18025054-8b06-4fe4-87de-6b9f78cb95cc"
	w := authWire{ID: "wrk-r1-1-12345", Amount: 100, Currency: "SAR", Created: now, Updated: now, Expires: now.Add(5 * time.Minute),
		Req: &q, FP: make([]byte, 32), MerchID: uuid, Scheme: "visa", DSTransID: uuid, ServerID: uuid, ACSTransID: uuid,
		AResStatus: "Y", TransStatus: "Y", CAVV: "AAIxQ4CnrxWqC25iXZSPnY6M0Vk=", Flags: flagStarted | flagFinal | flagTestCard}
	j, _ := json.Marshal(w)
	b, err := appendAuthBin(nil, &w)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("JSON %d bytes, compact %d bytes", len(j), len(b))
	if len(b)*2 > len(j) {
		t.Errorf("compact record %d bytes, JSON %d: want under half", len(b), len(j))
	}
}

// FuzzAuthBin: no input makes the decoder panic or hang, and what it
// accepts encodes back to a record it decodes the same.
func FuzzAuthBin(f *testing.F) {
	var w authWire
	n := 0
	filled(&testing.T{}, reflect.ValueOf(&w).Elem(), &n)
	w.Challenge, w.Dec = nil, nil
	seed, _ := appendAuthBin(nil, &w)
	f.Add(seed)
	f.Add([]byte{authBinV1})
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		var got authWire
		if decodeAuthBin(data, &got) != nil {
			return
		}
		again, err := appendAuthBin(nil, &got)
		if err != nil {
			t.Fatal(err)
		}
		var back authWire
		if err := decodeAuthBin(again, &back); err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		gj, _ := json.Marshal(got)
		bj, _ := json.Marshal(back)
		if string(gj) != string(bj) {
			t.Fatalf("unstable:\n%s\n%s", gj, bj)
		}
	})
}

// TestRecordOfAllocs: encoding a frictionless authentication for a shared
// store is one allocation: the record itself, in a buffer it fits.
func TestRecordOfAllocs(t *testing.T) {
	js := true
	now := time.Now()
	a := &authn{id: "wrk-r1-1-12345", amount: 100, currency: "SAR", created: now, updated: now, expires: now.Add(time.Minute),
		req: &threeds.AuthenticateRequest{Number: "4000000000000010", Month: 6, Year: 2029, Channel: "browser",
			ReturnURL: "https://example.com", Customer: &threeds.Customer{Name: "John Doe", Email: "johndoe@example.com"},
			BillingAddress: &threeds.Address{City: "Riyadh", Country: "SA", Line1: "Al Worod", Line2: "Olaya"},
			CustomerDevice: &threeds.Device{IPAddress: "127.0.0.1", UserAgent: "Test Agent/Chrome/Safari", JavascriptEnabled: &js}},
		merchID: "18025054-8b06-4fe4-87de-6b9f78cb95cc", scheme: "visa", dsTransID: "07dd8804-4b4f-43af-82c9-fc4df1618daf",
		serverTransID: "3b8c6a57-3dc4-4f77-8af6-7e3c9729c937", acsTransID: "e6ff5159-cab7-4c4b-a62b-42fb627d88c5",
		aresStatus: "Y", transStatus: "Y", cavv: "AAIxQ4CnrxWqC25iXZSPnY6M0Vk=", started: true, final: true, testCard: true}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := recordOf(a); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("recordOf: %.0f allocations, want 1", n)
	}
}
