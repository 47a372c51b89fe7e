package emv_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/emv"
)

func areq(t *testing.T, a emv.Authentication) emv.AReq {
	t.Helper()
	r, err := emv.NewAReq(a)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAReqFromSeedRequest(t *testing.T) {
	for pref, want := range map[string]emv.ChallengeInd{
		"": "01", "no_preference": "01", "no_challenge": "02", "preferred": "03", "mandated": "04",
	} {
		a := request(emv.Visa, emv.ChannelBrowser)
		a.ChallengePreference = pref
		if got := areq(t, a).RequestorChallenge; got != want {
			t.Errorf("challenge_preference %q → %s, want %s", pref, got, want)
		}
	}
	r := areq(t, request(emv.Visa, emv.ChannelBrowser))
	if r.RequestorDecReqInd != "N" || r.RequestorDecMaxTime != "" {
		t.Errorf("browser: decoupled %q/%q, want N and no max time", r.RequestorDecReqInd, r.RequestorDecMaxTime)
	}
	if r.DeviceChannel != "02" || r.MessageCategory != "01" || r.PurchaseDate != "20260623051522" ||
		r.PurchaseAmount != "25000" || r.PurchaseCurrency != "682" || r.PurchaseExponent != "2" ||
		r.AcctNumber != "400000******1003" || r.CardExpiryDate != "2906" || r.NotificationURL != "https://example.com/3ds/notify" {
		t.Errorf("AReq = %+v", r)
	}
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "00005", 90 * time.Second: "00002", 0: "00010", 30 * 24 * time.Hour: "10080", time.Second: "00001",
	} {
		a := request(emv.Visa, emv.ChannelDecoupled)
		a.DecMaxTime = d
		if r := areq(t, a); r.RequestorDecReqInd != "Y" || r.RequestorDecMaxTime != want {
			t.Errorf("decoupled, %v: %q/%q, want Y/%s", d, r.RequestorDecReqInd, r.RequestorDecMaxTime, want)
		}
	}
}

func TestAReqCurrencies(t *testing.T) {
	for cur, want := range map[string][2]string{"SAR": {"682", "2"}, "JPY": {"392", "0"}, "KWD": {"414", "3"}, "USD": {"840", "2"}, "EUR": {"978", "2"}} {
		a := request(emv.Visa, emv.ChannelBrowser)
		a.Currency = cur
		if r := areq(t, a); r.PurchaseCurrency != want[0] || r.PurchaseExponent != want[1] {
			t.Errorf("%s → %s/%s, want %v", cur, r.PurchaseCurrency, r.PurchaseExponent, want)
		}
	}
	a := request(emv.Visa, emv.ChannelBrowser)
	a.Currency = "XYZ"
	if _, err := emv.NewAReq(a); err == nil || !strings.Contains(err.Error(), "XYZ") {
		t.Errorf("unknown currency: %v", err)
	}
}

func TestAReqBrowser(t *testing.T) {
	a := request(emv.Visa, emv.ChannelBrowser)
	a.Device = nil
	r := areq(t, a)
	if r.BrowserUserAgent != emv.DefaultDevice.UserAgent || r.BrowserAcceptHeader != emv.DefaultDevice.AcceptHeader ||
		r.BrowserLanguage != "en-US" || *r.BrowserJavascriptEnabled || r.BrowserJavaEnabled != nil || r.BrowserScreenWidth != "" {
		t.Errorf("no device: %+v", r)
	}
	a.Device = &emv.Device{Language: "fr-FR"}
	if r := areq(t, a); r.BrowserLanguage != "fr-FR" || r.BrowserUserAgent != emv.DefaultDevice.UserAgent {
		t.Errorf("partial device: %+v", r)
	}
	if vs := emv.Check(areq(t, a)); len(vs) > 0 {
		t.Error(violations(vs))
	}
}

func TestMaskPAN(t *testing.T) {
	for pan, want := range map[string]string{
		"4000000000001003":    "400000******1003",
		"340000000001007":     "340000*****1007",
		"4000000000000000006": "400000*********0006",
		"1234":                "1234",
		"123456":              "**3456",
	} {
		if got := emv.MaskPAN(pan); got != want {
			t.Errorf("MaskPAN(%s) = %s, want %s", pan, got, want)
		}
	}
}

func TestPhoneAndCountry(t *testing.T) {
	for _, tc := range []struct {
		number, country, cc, subscriber string
	}{
		{"0555555555", "SA", "966", "555555555"},
		{"+966 50 000 0001", "", "966", "500000001"},
		{"00966500000001", "US", "966", "500000001"},
		{"+1 (415) 555-0100", "SA", "1", "4155550100"},
		{"0555555555", "ZZ", "", ""},
		{"+999 1234", "", "", ""},
		{"+966", "", "", ""},
	} {
		p, ok := emv.PhoneOf(tc.number, tc.country)
		if tc.cc == "" {
			if ok {
				t.Errorf("PhoneOf(%q, %q) = %+v, want none", tc.number, tc.country, p)
			}
			continue
		}
		if !ok || p.CC != tc.cc || p.Subscriber != tc.subscriber {
			t.Errorf("PhoneOf(%q, %q) = %+v, want %s/%s", tc.number, tc.country, p, tc.cc, tc.subscriber)
		}
	}
	for alpha, want := range map[string]string{"SA": "682", "US": "840", "AE": "784", "DE": "276", "ZZ": "", "S": "", "EU": ""} {
		if got, _ := emv.CountryNumeric(alpha); got != want {
			t.Errorf("CountryNumeric(%s) = %q, want %q", alpha, got, want)
		}
	}
}

// TestBuildRefuses: a description the builders cannot turn into valid
// messages is refused, naming what is wrong.
func TestBuildRefuses(t *testing.T) {
	y := emv.Outcome{Status: emv.Authenticated, CAVV: cavvY}
	for _, tc := range []struct {
		name    string
		channel emv.Channel
		mutate  func(*emv.Authentication, *emv.Outcome)
		want    string
	}{
		{"D on a browser request", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) {
			*o = emv.Outcome{Status: emv.DecoupledConfirmed}
		}, "reason 23"},
		{"Y without CAVV", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { o.CAVV = "" }, "needs a CAVV"},
		{"Y with a reason", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { o.Reason = "01" }, "carries no reason"},
		{"N without reason", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) {
			*o = emv.Outcome{Status: emv.NotAuthenticated}
		}, "needs a transStatusReason"},
		{"R with reason 27", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) {
			*o = emv.Outcome{Status: emv.Rejected, Reason: "27"}
		}, "needs a transStatusReason"},
		{"C without acsURL", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) {
			*o = emv.Outcome{Status: emv.ChallengeRequired}
		}, "ACSURL"},
		{"a Result after Y", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) {
			o.Result = &emv.Result{Status: emv.Authenticated, CAVV: cavvY}
		}, "only for C and D"},
		{"challenge ending U without a timeout", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) {
			*o = emv.Outcome{Status: emv.ChallengeRequired, ACSURL: acsURL, Result: &emv.Result{Status: emv.Unavailable, Reason: "22"}}
		}, "a challenge ends in Y or N"},
		{"I", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { *o = emv.Outcome{Status: emv.Informational} }, "not one of"},
		{"challengeCancel 02", emv.ChannelDecoupled, func(a *emv.Authentication, o *emv.Outcome) {
			*o = emv.Outcome{Status: emv.DecoupledConfirmed, Result: &emv.Result{Status: emv.Unavailable, Reason: "24", Cancel: "02"}}
		}, "Result.Cancel"},
		{"ids not UUIDs", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { a.IDs.DS = "ds-1" }, "IDs.DS"},
		{"no time", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { a.Time = time.Time{} }, "Time"},
		{"card", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { a.Card.Number = "4111-1111" }, "Card.Number"},
		{"channel", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { a.Channel = "app" }, "Channel"},
		{"return URL", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { a.ReturnURL = "/back" }, "ReturnURL"},
		{"merchant country", emv.ChannelBrowser, func(a *emv.Authentication, o *emv.Outcome) { a.Parties.MerchantCountry = "Saudi" }, "merchant country"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, o := request(emv.Visa, tc.channel), y
			tc.mutate(&a, &o)
			_, err := emv.Build(a, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}

// TestStartFinish: the sandbox's two halves make the same exchange as
// Build; Finish needs a result.
func TestStartFinish(t *testing.T) {
	c := outcomeCases()[2] // C-Y
	a := request(emv.Visa, c.channel)
	start, err := emv.Start(a, c.outcome)
	if err != nil {
		t.Fatal(err)
	}
	rest, err := emv.Finish(a, c.outcome)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(append(start, rest...), build(t, emv.Visa, c)) {
		t.Error("Start + Finish differs from Build")
	}
	pending := c.outcome
	pending.Result = nil
	if steps, err := emv.Build(a, pending); err != nil || len(steps) != 4 {
		t.Errorf("a challenge still pending: %d steps, %v", len(steps), err)
	}
	if _, err := emv.Finish(a, pending); err == nil {
		t.Error("Finish without a Result succeeded")
	}
}

// TestStepsJSON: an exchange survives the /messages endpoint's JSON.
func TestStepsJSON(t *testing.T) {
	for _, c := range outcomeCases() {
		steps := build(t, emv.Amex, c)
		data, err := json.Marshal(steps)
		if err != nil {
			t.Fatal(err)
		}
		var back []emv.Step
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !reflect.DeepEqual(back, steps) {
			t.Errorf("%s: round trip differs", c.name)
		}
	}
	var s emv.Step
	if err := json.Unmarshal([]byte(`{"from":"ACS","to":"DS","message":{"messageType":"XReq"}}`), &s); err == nil {
		t.Error("an unknown messageType decoded")
	}
}

// BenchmarkBuild: the cost of rebuilding a challenge's whole exchange (ten
// messages, two base64url forms), what GET /v1/3ds/{id}/messages would pay
// per call if the sandbox rebuilds rather than stores.
func BenchmarkBuild(b *testing.B) {
	c := outcomeCases()[2] // C-Y
	a := request(emv.Visa, c.channel)
	for b.Loop() {
		if _, err := emv.Build(a, c.outcome); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildJSON: Build and the endpoint's JSON encoding together.
func BenchmarkBuildJSON(b *testing.B) {
	c := outcomeCases()[2]
	a := request(emv.Visa, c.channel)
	for b.Loop() {
		steps, _ := emv.Build(a, c.outcome)
		if _, err := json.Marshal(steps); err != nil {
			b.Fatal(err)
		}
	}
}
