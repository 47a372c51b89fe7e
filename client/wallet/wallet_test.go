package wallet_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/internal/clienttest"
	"github.com/walletsim/walletsim/client/wallet"
)

const (
	customerID = "5435323362"
	cardID     = "ff3713e7-61f5-4c54-9131-81ba820c2efa"
	auth3dsID  = "41260ee6-4b29-43c8-8e00-4c911f0179f9"
)

var creds = wallet.Credentials{Token: clienttest.Token}

func verify(c *wallet.Client, req wallet.VerifyRequest) (*wallet.VerifyResult, error) {
	return c.Verify(context.Background(), customerID, cardID, auth3dsID, req)
}

// TestDocumentedResponses runs Verify against every response seed 002
// documents, served verbatim. 500 and 503 are retried, so those goldens show
// three attempts with the same walletOperationId.
func TestDocumentedResponses(t *testing.T) {
	verified := wallet.VerifyRequest{
		WalletOperationID: "bbbd87eb-08a9-437b-a9a7-df47b601593b",
		Verification:      wallet.Verification{Method: wallet.Biometric},
		Status:            wallet.Verified,
	}
	expired := verified
	expired.Status, expired.StatusReason = wallet.Failed, "3DS authentication request has expired."
	for _, tc := range []struct {
		fixture string
		status  int
		req     wallet.VerifyRequest
	}{
		{"verify.201.verified", 201, verified},
		{"verify.201.expired", 201, expired},
		{"verify.400", 400, verified},
		{"verify.401", 401, verified},
		{"verify.500", 500, verified},
		{"verify.503", 503, verified},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			fixture := "seeds/002/" + tc.fixture + ".json"
			srv := clienttest.NewServer(t, clienttest.Reply{Status: tc.status, Body: clienttest.Fixture(t, fixture)})
			var rec clienttest.Recorder
			res, err := verify(wallet.New(rec.Config(srv.URL), creds), tc.req)
			if tc.status == 201 {
				if err != nil {
					t.Fatal(err)
				}
				if want := time.Date(2021, 7, 15, 17, 54, 12, 0, time.UTC); !res.CreationTime.Equal(want) {
					t.Errorf("creationTime = %v, want %v", res.CreationTime, want)
				}
			} else {
				var apiErr *wallet.Error
				if !errors.As(err, &apiErr) || apiErr.HTTPStatus != tc.status {
					t.Fatalf("want *wallet.Error with status %d, got %#v", tc.status, err)
				}
			}
			clienttest.Golden(t, "client/wallet/"+tc.fixture+".golden", rec.Render("wallet.Verify against "+fixture, res, err))
		})
	}
}

// TestRetryKeepsOperationID: with no walletOperationId given, one is
// generated once and re-sent on the retry, with an identical body.
func TestRetryKeepsOperationID(t *testing.T) {
	srv := clienttest.NewServer(t,
		clienttest.Reply{Status: 503, Body: clienttest.Fixture(t, "seeds/002/verify.503.json")},
		clienttest.Reply{Status: 201, Body: clienttest.Fixture(t, "seeds/002/verify.201.verified.json")},
	)
	var rec clienttest.Recorder
	res, err := verify(wallet.New(rec.Config(srv.URL), creds), wallet.VerifyRequest{
		Verification: wallet.Verification{Method: wallet.Biometric}, Status: wallet.Verified,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Exchanges) != 2 || !reflect.DeepEqual(rec.Exchanges[0].Request, rec.Exchanges[1].Request) {
		t.Fatalf("want two identical attempts, got %+v", rec.Exchanges)
	}
	clienttest.Golden(t, "client/wallet/retry.503-then-201.golden", rec.Render("wallet.Verify: 503, then 201", res, err))
}

// TestValidation covers each body and path rule; nothing is sent.
func TestValidation(t *testing.T) {
	ok := wallet.VerifyRequest{WalletOperationID: "op", Verification: wallet.Verification{Method: wallet.Biometric}, Status: wallet.Failed}
	for _, tc := range []struct {
		name   string
		mutate func(*wallet.VerifyRequest)
		path   [3]string
		field  string
	}{
		{"method missing", func(r *wallet.VerifyRequest) { r.Verification.Method = "" }, [3]string{"c", "k", "a"}, "verification.method"},
		{"method not biometric", func(r *wallet.VerifyRequest) { r.Verification.Method = "PIN" }, [3]string{"c", "k", "a"}, "verification.method"},
		{"status missing", func(r *wallet.VerifyRequest) { r.Status = "" }, [3]string{"c", "k", "a"}, "status"},
		{"status unknown", func(r *wallet.VerifyRequest) { r.Status = "MAYBE" }, [3]string{"c", "k", "a"}, "status"},
		{"reason 101 chars", func(r *wallet.VerifyRequest) { r.StatusReason = strings.Repeat("é", 101) }, [3]string{"c", "k", "a"}, "statusReason"},
		{"customer missing", func(*wallet.VerifyRequest) {}, [3]string{"", "k", "a"}, "customerId"},
		{"card missing", func(*wallet.VerifyRequest) {}, [3]string{"c", "", "a"}, "cardId"},
		{"auth3ds missing", func(*wallet.VerifyRequest) {}, [3]string{"c", "k", ""}, "auth3dsId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := clienttest.NewServer(t, clienttest.Reply{Status: 201, Body: []byte(`{}`)})
			var rec clienttest.Recorder
			req := ok
			tc.mutate(&req)
			_, err := wallet.New(rec.Config(srv.URL), creds).Verify(context.Background(), tc.path[0], tc.path[1], tc.path[2], req)
			var ve *client.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != tc.field {
				t.Fatalf("want one error on %s, got %v", tc.field, err)
			}
			if srv.Hits.Load() != 0 {
				t.Fatal("a request was sent")
			}
		})
	}
	t.Run("100 chars is fine", func(t *testing.T) {
		req := ok
		req.StatusReason = strings.Repeat("é", 100)
		if fe := wallet.Validate(req); len(fe) != 0 {
			t.Fatal(fe)
		}
	})
}
