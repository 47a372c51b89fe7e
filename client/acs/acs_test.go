package acs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/internal/clienttest"
	"github.com/walletsim/walletsim/client/threeds"
)

// TestChallengeClient reads and answers a challenge page as the sandbox
// serves it, and decodes its errors in the 3DS server's shape.
func TestChallengeClient(t *testing.T) {
	page := `{"acsTransID":"a1","authentication_id":"x","merchant":"shop","amount":100,"currency":"SAR","amount_display":"SAR 1.00",` +
		`"card_last_four":"0036","channel":"SMS","destination":"+966******001","attempts_left":2,"expires_at":"2026-01-01T09:05:00Z",` +
		`"trans_status":"C","message":"Wrong code. 2 attempts left."}`
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: []byte(page)})
	var rec clienttest.Recorder
	c := acs.New(rec.Config(srv.URL))
	ch, err := c.Submit(context.Background(), srv.URL+"/acs/challenge/a1", "123456")
	if err != nil || !ch.Pending() || ch.AttemptsLeft != 2 || ch.Destination != "+966******001" {
		t.Fatalf("%+v %v", ch, err)
	}
	if got := string(rec.Exchanges[0].Request.Body); got != `{"otp":"123456"}` {
		t.Errorf("body %s", got)
	}

	missing := clienttest.NewServer(t, clienttest.Reply{Status: 404, Body: []byte(`{"message":"Challenge not found"}`)})
	_, err = c.Challenge(context.Background(), missing.URL+"/acs/challenge/nope")
	var e *threeds.Error
	if !errors.As(err, &e) || e.HTTPStatus != 404 || e.Message != "Challenge not found" {
		t.Fatalf("%v", err)
	}
}

// TestValidation: no request goes out for a relative URL or an empty code.
func TestValidation(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: []byte(`{}`)})
	var rec clienttest.Recorder
	c := acs.New(rec.Config(srv.URL))
	for _, call := range []func() error{
		func() error { _, err := c.Challenge(context.Background(), "/acs/challenge/a1"); return err },
		func() error { _, err := c.Submit(context.Background(), srv.URL+"/acs/challenge/a1", ""); return err },
		func() error { _, err := c.Inbox(context.Background(), ""); return err },
	} {
		var ve *client.ValidationError
		if err := call(); !errors.As(err, &ve) {
			t.Errorf("want a validation error, got %v", err)
		}
	}
	if srv.Hits.Load() != 0 {
		t.Fatal("a request was sent")
	}
}
