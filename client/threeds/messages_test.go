package threeds_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/internal/clienttest"
	"github.com/walletsim/walletsim/client/threeds"
)

// exchange is an EMV exchange built for the seed's example purchase: a
// frictionless Y, or a challenge passed with the second code.
func exchange(t *testing.T, challenge bool) []emv.Step {
	t.Helper()
	a := emv.Authentication{
		IDs: emv.IDs{
			ThreeDSServer: "00000000-0000-4000-8000-000000000001",
			DS:            "00000000-0000-4000-8000-000000000002",
			ACS:           "00000000-0000-4000-8000-000000000003",
		},
		Time: clienttest.Clock(), Scheme: emv.Visa,
		Card:   emv.Card{Number: "4000000000001003", Month: 6, Year: 2029},
		Amount: 100, Currency: "SAR", Channel: emv.ChannelBrowser, ChallengePreference: "no_preference",
		ReturnURL: "https://example.com", Parties: emv.SandboxParties,
	}
	o := emv.Outcome{Status: emv.Authenticated, CAVV: "AAIBBRQxMAAAAAPoaCAjdQAAAAA="}
	if challenge {
		o = emv.Outcome{Status: emv.ChallengeRequired, Mandated: true, ACSURL: "https://acs.example/challenge",
			Result: &emv.Result{Status: emv.Authenticated, CAVV: o.CAVV, Interactions: 2, Method: emv.MethodSMSOTP}}
	}
	steps, err := emv.Build(a, o)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

func messagesBody(t *testing.T, steps []emv.Step) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"messages": steps})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMessagesGolden: the request Messages sends and what it makes of the
// answer, for a frictionless authentication and an unknown id.
func TestMessagesGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   []byte
	}{
		{"messages.200", 200, messagesBody(t, exchange(t, false))},
		{"messages.404", 404, []byte(`{"message":"Authentication not found"}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := clienttest.NewServer(t, clienttest.Reply{Status: tc.status, Body: tc.body})
			var rec clienttest.Recorder
			steps, err := threeds.New(rec.Config(srv.URL), creds).Messages(context.Background(), authID)
			if tc.status == 404 {
				var apiErr *threeds.Error
				if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 404 {
					t.Fatalf("want *threeds.Error 404, got %v", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			clienttest.Golden(t, "client/threeds/"+tc.name+".golden", rec.Render("threeds.Messages", steps, err))
		})
	}
}

// TestMessagesRoundTrip: a whole challenge exchange comes back as it was
// built, each message of its own type, with its route and form value.
func TestMessagesRoundTrip(t *testing.T) {
	want := exchange(t, true)
	srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: messagesBody(t, want)})
	got, err := threeds.New(client.Config{BaseURL: srv.URL}, creds).Messages(context.Background(), authID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded exchange differs (-want +got):\n%s", diff)
	}
	if len(got) != 10 || got[4].Form == "" {
		t.Errorf("want 10 steps with the creq's form value, got %d", len(got))
	}
}

// TestMessagesBadAnswers: an answer walletsim cannot read is an
// AnswerError naming messages, and no id sends nothing.
func TestMessagesBadAnswers(t *testing.T) {
	for name, body := range map[string]string{
		"no list":      `{}`,
		"not a list":   `{"messages": {}}`,
		"unknown type": `{"messages": [{"from": "ACS", "to": "DS", "message": {"messageType": "PReq"}}]}`,
		"not JSON":     `<html>`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := clienttest.NewServer(t, clienttest.Reply{Status: 200, Body: []byte(body)})
			_, err := threeds.New(client.Config{BaseURL: srv.URL, Timeout: time.Second}, creds).Messages(context.Background(), authID)
			var ae *client.AnswerError
			if !errors.As(err, &ae) || ae.Field != "messages" {
				t.Fatalf("want an AnswerError on messages, got %v", err)
			}
		})
	}
	if _, err := threeds.New(client.Config{BaseURL: "http://127.0.0.1:1"}, creds).Messages(context.Background(), ""); err == nil {
		t.Error("an empty id was sent")
	}
}
