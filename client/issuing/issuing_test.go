package issuing_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/internal/clienttest"
	"github.com/walletsim/walletsim/client/issuing"
)

var (
	creds = issuing.Credentials{
		APIKey: clienttest.APIKey, ProductID: "prod-001", ClientID: "client-001", Token: clienttest.Token,
	}
	card = issuing.Card{CardholderID: "ch-001", WalletID: "wallet-001", CardID: "card-001"}
)

// op runs one of the four operations.
type op func(ctx context.Context, c *issuing.Client) (*issuing.Envelope, error)

var ops = map[string]op{
	"enroll": func(ctx context.Context, c *issuing.Client) (*issuing.Envelope, error) {
		return c.Enroll(ctx, card, issuing.EnrollRequest{OTPDeliveryMethod: issuing.Email})
	},
	"get": func(ctx context.Context, c *issuing.Client) (*issuing.Envelope, error) {
		return c.Get(ctx, card)
	},
	"update": func(ctx context.Context, c *issuing.Client) (*issuing.Envelope, error) {
		return c.Update(ctx, card, issuing.UpdateRequest{OTPDeliveryMethod: issuing.SMS})
	},
	"unenroll": func(ctx context.Context, c *issuing.Client) (*issuing.Envelope, error) {
		return c.Unenroll(ctx, card)
	},
}

// TestDocumentedResponses runs every operation against every response seed
// 000 documents for it, served verbatim.
func TestDocumentedResponses(t *testing.T) {
	for _, name := range []string{"enroll", "get", "update", "unenroll"} {
		for _, status := range []int{200, 400} {
			code := strconv.Itoa(status)
			fixture := "seeds/000/" + name + "." + code + ".json"
			t.Run(name+"/"+code, func(t *testing.T) {
				srv := clienttest.NewServer(t, clienttest.Reply{Status: status, Body: clienttest.Fixture(t, fixture)})
				var rec clienttest.Recorder
				c := issuing.New(rec.Config(srv.URL), creds)
				env, err := ops[name](context.Background(), c)
				if status == 200 {
					if err != nil {
						t.Fatalf("unexpected error: %v", err)
					}
				} else {
					var apiErr *issuing.Error
					if !errors.As(err, &apiErr) || apiErr.HTTPStatus != status {
						t.Fatalf("want *issuing.Error with status %d, got %#v", status, err)
					}
				}
				out := rec.Render("issuing."+name+" against "+fixture, env, err)
				clienttest.Golden(t, "client/issuing/"+name+"."+code+".golden", out)
			})
		}
	}
}

// TestRetrySameRequestID: a 503 then success gives two identical attempts,
// the same x-request-id on both.
func TestRetrySameRequestID(t *testing.T) {
	srv := clienttest.NewServer(t,
		clienttest.Reply{Status: 503, Body: []byte(`{"code":503,"message":"Service Unavailable","status":"error"}`)},
		clienttest.Reply{Status: 200, Body: clienttest.Fixture(t, "seeds/000/enroll.200.json")},
	)
	var rec clienttest.Recorder
	c := issuing.New(rec.Config(srv.URL), creds)
	env, err := c.Enroll(context.Background(), card, issuing.EnrollRequest{OTPDeliveryMethod: issuing.SMS})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Exchanges) != 2 {
		t.Fatalf("want 2 attempts, got %d", len(rec.Exchanges))
	}
	a, b := rec.Exchanges[0].Request, rec.Exchanges[1].Request
	if !reflect.DeepEqual(a, b) {
		t.Errorf("attempts differ:\n%+v\n%+v", a, b)
	}
	clienttest.Golden(t, "client/issuing/retry.503-then-200.golden", rec.Render("issuing.Enroll: 503, then 200", env, err))
}

// TestNoRetryOn4xx: a 400 is final.
func TestNoRetryOn4xx(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 400, Body: clienttest.Fixture(t, "seeds/000/get.400.json")})
	var rec clienttest.Recorder
	_, err := issuing.New(rec.Config(srv.URL), creds).Get(context.Background(), card)
	if err == nil || srv.Hits.Load() != 1 {
		t.Fatalf("want one attempt and an error, got %d attempts, err %v", srv.Hits.Load(), err)
	}
}

// TestValidation: bad input names every bad field and sends nothing.
func TestValidation(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: []byte(`{}`)})
	var rec clienttest.Recorder
	c := issuing.New(rec.Config(srv.URL), issuing.Credentials{ProductID: "p", Version: "v1/../x"})
	env, err := c.Enroll(context.Background(), issuing.Card{CardholderID: "ch\n1"}, issuing.EnrollRequest{OTPDeliveryMethod: "PIGEON"})
	var ve *client.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *client.ValidationError, got %v", err)
	}
	if srv.Hits.Load() != 0 {
		t.Fatal("a request was sent")
	}
	clienttest.Golden(t, "client/issuing/validation.golden", rec.Render("issuing.Enroll with bad input", env, err))
}

// TestCurl renders an exchange as the seeds' cURL examples do, redacted by
// default and with the secrets only when asked.
func TestCurl(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: clienttest.Fixture(t, "seeds/000/enroll.200.json")})
	var rec clienttest.Recorder
	if _, err := issuing.New(rec.Config(srv.URL), creds).Enroll(context.Background(), card, issuing.EnrollRequest{OTPDeliveryMethod: issuing.Email}); err != nil {
		t.Fatal(err)
	}
	ex := rec.Exchanges[0]
	ex.Request.URL = "https://issuing.example.com/issuing/api/v1/card/3DS" // the test server's port varies
	clienttest.Golden(t, "client/issuing/enroll.curl.golden", client.Curl(ex, client.CurlOptions{}))
	revealed := client.Curl(ex, client.CurlOptions{Reveal: true})
	for _, want := range []string{"x-api-key: " + clienttest.APIKey, "Authorization: Bearer " + clienttest.Token} {
		if !strings.Contains(revealed, want) {
			t.Errorf("revealed cURL lacks %q:\n%s", want, revealed)
		}
	}
}
