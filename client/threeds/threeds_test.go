package threeds_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/internal/clienttest"
	"github.com/walletsim/walletsim/client/threeds"
)

const authID = "fd0448cd-9d1b-4d27-80f0-e24522bbabd9"

var creds = threeds.Credentials{SecretKey: clienttest.SecretKey}

// fullRequest fills every field seed 004 lists, with the values of its
// response example.
func fullRequest() threeds.AuthenticateRequest {
	js := true
	addr := &threeds.Address{City: "Riyadh", Country: "SA", Line1: "Al Worod", Line2: "Olaya", PostalCode: "51911", State: "Riyadh"}
	return threeds.AuthenticateRequest{
		Number: "4111111111111111", Month: 6, Year: 2029,
		Channel: threeds.Browser, ReturnURL: "https://example.com", Name: "John Doe",
		ChallengePreference: threeds.NoPreference,
		Customer:            &threeds.Customer{Name: "John Doe", Email: "johndoe@example.com", Mobile: "0555555555"},
		BillingAddress:      addr, ShippingAddress: addr,
		CustomerDevice: &threeds.Device{
			IPAddress: "127.0.0.1", UserAgent: "Test Agent/Chrome/Safari", AcceptHeader: "*/*",
			JavascriptEnabled: &js, Language: "ar-SA", ColorDepth: "24", ScreenHeight: 300, ScreenWidth: 600, Timezone: "-180",
		},
	}
}

// TestDocumentedResponses runs Authenticate against every response seed 004
// documents, served verbatim.
func TestDocumentedResponses(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		status  int
	}{{"authenticate.200", 200}, {"authenticate.401", 401}, {"authenticate.403", 403}, {"authenticate.422", 422}} {
		t.Run(tc.fixture, func(t *testing.T) {
			fixture := "seeds/004/" + tc.fixture + ".json"
			srv := clienttest.NewServer(t, clienttest.Reply{Status: tc.status, Body: clienttest.Fixture(t, fixture)})
			var rec clienttest.Recorder
			res, err := threeds.New(rec.Config(srv.URL), creds).Authenticate(context.Background(), authID, fullRequest())
			if tc.status == 200 {
				if err != nil {
					t.Fatal(err)
				}
				if res.ECI != nil || res.AuthValue != nil || res.FailureReason != nil || res.ChallengeURL == nil {
					t.Errorf("nullable fields decoded wrongly: %+v", res)
				}
			} else {
				var apiErr *threeds.Error
				if !errors.As(err, &apiErr) || apiErr.HTTPStatus != tc.status {
					t.Fatalf("want *threeds.Error with status %d, got %#v", tc.status, err)
				}
			}
			clienttest.Golden(t, "client/threeds/"+tc.fixture+".golden", rec.Render("threeds.Authenticate against "+fixture, res, err))
		})
	}
}

// TestDefaults: channel and challenge_preference are sent with the seed's
// defaults when left empty.
func TestDefaults(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: clienttest.Fixture(t, "seeds/004/authenticate.200.json")})
	var rec clienttest.Recorder
	req := threeds.AuthenticateRequest{Number: "4111111111111111", Month: 1, Year: 2030, ReturnURL: "https://shop.example/return"}
	if _, err := threeds.New(rec.Config(srv.URL), creds).Authenticate(context.Background(), authID, req); err != nil {
		t.Fatal(err)
	}
	body := string(rec.Exchanges[0].Request.Body)
	for _, want := range []string{`"channel":"browser"`, `"challenge_preference":"no_preference"`} {
		if !strings.Contains(body, want) {
			t.Errorf("body %s lacks %s", body, want)
		}
	}
}

// TestValidationGolden: several bad fields at once, named in one error, and
// no request sent.
func TestValidationGolden(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: []byte(`{}`)})
	var rec clienttest.Recorder
	req := fullRequest()
	req.Number, req.Month, req.Year, req.ReturnURL = "4111111111111112", 13, 0, "not a url"
	req.CustomerDevice.Timezone = ""
	res, err := threeds.New(rec.Config(srv.URL), creds).Authenticate(context.Background(), authID, req)
	if srv.Hits.Load() != 0 {
		t.Fatal("a request was sent")
	}
	clienttest.Golden(t, "client/threeds/validation.golden", rec.Render("threeds.Authenticate with bad input", res, err))
}

// TestValidationRules: one row per rule of seed 004.
func TestValidationRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []struct {
		name   string
		mutate func(*threeds.AuthenticateRequest)
		field  string // "" when the request must pass
		msg    string
	}{
		{"full request passes", func(*threeds.AuthenticateRequest) {}, "", ""},
		{"number missing", func(r *threeds.AuthenticateRequest) { r.Number = "" }, "number", threeds.MsgMissing},
		{"number fails Luhn", func(r *threeds.AuthenticateRequest) { r.Number = "4111111111111112" }, "number", threeds.MsgCardNumber},
		{"number has letters", func(r *threeds.AuthenticateRequest) { r.Number = "4111-1111-1111-1111" }, "number", threeds.MsgCardNumber},
		{"number too short", func(r *threeds.AuthenticateRequest) { r.Number = "42" }, "number", threeds.MsgCardNumber},
		{"month missing", func(r *threeds.AuthenticateRequest) { r.Month = 0 }, "month", threeds.MsgMissing},
		{"month 13", func(r *threeds.AuthenticateRequest) { r.Month = 13 }, "month", threeds.MsgMax(12)},
		{"month negative", func(r *threeds.AuthenticateRequest) { r.Month = -1 }, "month", threeds.MsgMin(1)},
		{"year 1999", func(r *threeds.AuthenticateRequest) { r.Year = 1999 }, "year", threeds.MsgMin(2000)},
		{"year 2000 passes", func(r *threeds.AuthenticateRequest) { r.Year = 2000 }, "", ""},
		{"channel unknown", func(r *threeds.AuthenticateRequest) { r.Channel = "app" }, "channel", threeds.MsgIn(threeds.Channels)},
		{"decoupled passes", func(r *threeds.AuthenticateRequest) { r.Channel = threeds.Decoupled }, "", ""},
		{"return_url relative", func(r *threeds.AuthenticateRequest) { r.ReturnURL = "/return" }, "return_url", threeds.MsgURL},
		{"return_url ftp", func(r *threeds.AuthenticateRequest) { r.ReturnURL = "ftp://x.example" }, "return_url", threeds.MsgURL},
		{"name 41", func(r *threeds.AuthenticateRequest) { r.Name = long(41) }, "name", threeds.MsgMaxLen(40)},
		{"preference unknown", func(r *threeds.AuthenticateRequest) { r.ChallengePreference = "always" }, "challenge_preference", threeds.MsgIn(threeds.ChallengePreferences)},
		{"customer name 1", func(r *threeds.AuthenticateRequest) { r.Customer.Name = "J" }, "customer.name", threeds.MsgMinLen(2)},
		{"customer name 46", func(r *threeds.AuthenticateRequest) { r.Customer.Name = long(46) }, "customer.name", threeds.MsgMaxLen(45)},
		{"customer email", func(r *threeds.AuthenticateRequest) { r.Customer.Email = "john at example" }, "customer.email", threeds.MsgEmail},
		{"customer mobile 19", func(r *threeds.AuthenticateRequest) { r.Customer.Mobile = long(19) }, "customer.mobile", threeds.MsgMaxLen(18)},
		{"billing city 51", func(r *threeds.AuthenticateRequest) { r.BillingAddress = &threeds.Address{City: long(51)} }, "billing_address.city", threeds.MsgMaxLen(50)},
		{"billing country", func(r *threeds.AuthenticateRequest) { r.BillingAddress = &threeds.Address{Country: "XX"} }, "billing_address.country", threeds.MsgCountry},
		{"shipping postal 17", func(r *threeds.AuthenticateRequest) { r.ShippingAddress = &threeds.Address{PostalCode: long(17)} }, "shipping_address.postal_code", threeds.MsgMaxLen(16)},
		{"shipping line_2 51", func(r *threeds.AuthenticateRequest) { r.ShippingAddress = &threeds.Address{Line2: long(51)} }, "shipping_address.line_2", threeds.MsgMaxLen(50)},
		{"device ip", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.IPAddress = "999.1.1.1" }, "customer_device.ip_address", threeds.MsgIP},
		{"device ipv6 passes", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.IPAddress = "::1" }, "", ""},
		{"device user agent 2049", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.UserAgent = long(2049) }, "customer_device.user_agent", threeds.MsgMaxLen(2048)},
		{"device language 9", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.Language = long(9) }, "customer_device.language", threeds.MsgMaxLen(8)},
		{"device color depth", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.ColorDepth = "12" }, "customer_device.color_depth", threeds.MsgIn(threeds.ColorDepths)},
		{"device height 1000000", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.ScreenHeight = 1000000 }, "customer_device.screen_height", threeds.MsgMax(999999)},
		{"device width negative", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.ScreenWidth = -5 }, "customer_device.screen_width", threeds.MsgMin(1)},
		{"device timezone", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.Timezone = "UTC+3" }, "customer_device.timezone", threeds.MsgTimezone},
		{"js on, depth missing", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.ColorDepth = "" }, "customer_device.color_depth", threeds.MsgRequiredJS},
		{"js on, timezone missing", func(r *threeds.AuthenticateRequest) { r.CustomerDevice.Timezone = "" }, "customer_device.timezone", threeds.MsgRequiredJS},
		{"js off, browser fields optional", func(r *threeds.AuthenticateRequest) {
			off := false
			r.CustomerDevice = &threeds.Device{JavascriptEnabled: &off, IPAddress: "10.0.0.1"}
		}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := fullRequest()
			tc.mutate(&req)
			fe := threeds.Validate(req)
			if tc.field == "" {
				if len(fe) != 0 {
					t.Fatalf("want no errors, got %v", fe)
				}
				return
			}
			want := client.FieldErrors{{Field: tc.field, Message: tc.msg}}
			if len(fe) != 1 || fe[0] != want[0] {
				t.Fatalf("got %v, want %v", fe, want)
			}
		})
	}
}

func TestLuhn(t *testing.T) {
	for pan, want := range map[string]bool{
		"4111111111111111": true, "5555555555554444": true, "4000000000000002": true,
		"4111111111111112": false, "": false, "0000000000000000": true, "12345678901234567890": false,
	} {
		if got := threeds.Luhn(pan); got != want {
			t.Errorf("Luhn(%q) = %v, want %v", pan, got, want)
		}
	}
}
