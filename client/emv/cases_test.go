package emv_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/emv"
)

// The fixed values of every test exchange: an injected clock and ids.
var (
	purchaseTime = time.Date(2026, 6, 23, 8, 15, 22, 0, time.FixedZone("AST", 3*3600))
	testIDs      = emv.IDs{
		ThreeDSServer: "00000000-0000-4000-8000-000000000001",
		DS:            "00000000-0000-4000-8000-000000000002",
		ACS:           "00000000-0000-4000-8000-000000000003",
	}
)

const (
	cavvY   = "AAIBBRQxMAAAAAPoaCAjdQAAAAA="
	cavvA   = "AAEBBRQxMAAAAAPoaCAjdQAAAAE="
	acsURL  = "https://sandbox.walletsim.example/acs/challenge/00000000-0000-4000-8000-000000000003"
	infoApp = "Approve this purchase in your WalletsimBank app."
)

// pans are a card of each scheme (only the first six and last four digits
// show in the messages).
var pans = map[emv.Scheme]string{
	emv.Visa:       "4000000000001003",
	emv.Mastercard: "5200000000001005",
	emv.Mada:       "4406470000001003",
	emv.Amex:       "340000000001007",
}

// request is the seed 004 example request (its response example's
// customer, addresses and device) for a card of scheme s.
func request(s emv.Scheme, ch emv.Channel) emv.Authentication {
	js := true
	addr := &emv.Address{City: "Riyadh", Country: "SA", Line1: "Al Worod", Line2: "Olaya", PostalCode: "51911", State: "Riyadh"}
	return emv.Authentication{
		IDs: testIDs, Time: purchaseTime, Scheme: s,
		Card:   emv.Card{Number: pans[s], Month: 6, Year: 2029, Name: "John Doe"},
		Amount: 25000, Currency: "SAR",
		Channel: ch, ChallengePreference: "no_preference", DecMaxTime: 5 * time.Minute,
		ReturnURL: "https://example.com/3ds/notify",
		Customer:  &emv.Customer{Name: "John Doe", Email: "johndoe@example.com", Mobile: "0555555555"},
		Billing:   addr, Shipping: addr,
		Device: &emv.Device{
			IPAddress: "127.0.0.1", UserAgent: "Test Agent/Chrome/Safari", AcceptHeader: "*/*",
			JavascriptEnabled: &js, Language: "ar-SA", ColorDepth: "24", ScreenHeight: 300, ScreenWidth: 600, Timezone: "-180",
		},
		Parties: emv.SandboxParties,
	}
}

// outcomeCase is one way an authentication can go.
type outcomeCase struct {
	name    string // the golden file's name
	about   string // one line for the golden's header
	channel emv.Channel
	outcome emv.Outcome
}

// outcomeCases are every outcome the issue asks goldens for: Y A C→Y/N/U
// D→Y/N/U, N R U, and each listed transStatusReason (01 05 08 11 12 13 14
// 19 22 26, with 23 and 25 for decoupled requests the ACS cannot serve).
func outcomeCases() []outcomeCase {
	challenge := func(r emv.Result) emv.Outcome {
		r.Method = emv.MethodSMSOTP
		return emv.Outcome{Status: emv.ChallengeRequired, Mandated: true, ACSURL: acsURL, Result: &r}
	}
	decoupled := func(r emv.Result) emv.Outcome {
		r.Method = emv.MethodOOBBiometrics
		return emv.Outcome{Status: emv.DecoupledConfirmed, Mandated: true, CardholderInfo: infoApp, Result: &r}
	}
	cases := []outcomeCase{
		{"Y", "frictionless: the ACS authenticates from the AReq alone", emv.ChannelBrowser,
			emv.Outcome{Status: emv.Authenticated, CAVV: cavvY}},
		{"A", "attempts processing: not authenticated, the attempt is proven", emv.ChannelBrowser,
			emv.Outcome{Status: emv.Attempted, CAVV: cavvA}},
		{"C-Y", "browser challenge passed with the second code sent by SMS", emv.ChannelBrowser,
			challenge(emv.Result{Status: emv.Authenticated, CAVV: cavvY, Interactions: 2})},
		{"C-N-wrong-codes", "browser challenge failed: three wrong codes", emv.ChannelBrowser,
			challenge(emv.Result{Status: emv.NotAuthenticated, Reason: emv.ReasonMaxChallenges, Interactions: 3})},
		{"C-N-cancelled", "browser challenge cancelled by the cardholder", emv.ChannelBrowser,
			challenge(emv.Result{Status: emv.NotAuthenticated, Reason: emv.ReasonNotPerformed, Cancel: emv.CancelByCardholder})},
		{"C-U-timeout", "browser challenge timed out at the ACS after one wrong code", emv.ChannelBrowser,
			challenge(emv.Result{Status: emv.Unavailable, Reason: emv.ReasonTimedOutAtACS, Interactions: 1, Cancel: emv.CancelACSTimeout})},
		{"D-Y", "decoupled: the cardholder approves in the wallet (VERIFIED)", emv.ChannelDecoupled,
			decoupled(emv.Result{Status: emv.Authenticated, CAVV: cavvY, Interactions: 1})},
		{"D-N-rejected", "decoupled: the cardholder rejects in the wallet (REJECTED)", emv.ChannelDecoupled,
			decoupled(emv.Result{Status: emv.NotAuthenticated, Reason: emv.ReasonCardAuthFailed, Interactions: 1})},
		{"D-U-expired", "decoupled: nobody answered within threeDSRequestorDecMaxTime", emv.ChannelDecoupled,
			decoupled(emv.Result{Status: emv.Unavailable, Reason: emv.ReasonDecoupledMaxTime, Cancel: emv.CancelDecoupledTimeout})},
		{"N-23-decoupled-not-requested", "the card needs decoupled authentication, the AReq did not ask for it", emv.ChannelBrowser,
			emv.Outcome{Status: emv.NotAuthenticated, Reason: emv.ReasonDecoupledNotRequested}},
		{"U-25-decoupled-too-short", "decoupled asked for, with too little time for the ACS to try", emv.ChannelDecoupled,
			emv.Outcome{Status: emv.Unavailable, Reason: emv.ReasonDecoupledTooShort, CardholderInfo: "Please retry with more time."}},
	}
	for _, ro := range emv.ReasonOutcomes {
		cases = append(cases, outcomeCase{
			name:    fmt.Sprintf("%s-%s", ro.Status, ro.Reason),
			about:   fmt.Sprintf("the ACS answers %s at once: %s", ro.Status, emv.CodeMeaning("transStatusReason", string(ro.Reason))),
			channel: emv.ChannelBrowser,
			outcome: emv.Outcome{Status: ro.Status, Reason: ro.Reason},
		})
	}
	return cases
}

// build is emv.Build of a case for a scheme, failing the test on error.
func build(t *testing.T, s emv.Scheme, c outcomeCase) []emv.Step {
	t.Helper()
	steps, err := emv.Build(request(s, c.channel), c.outcome)
	if err != nil {
		t.Fatalf("%s/%s: %v", s, c.name, err)
	}
	return steps
}

// violations is a list of violations as text, one a line.
func violations(vs []emv.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.String() + "\n")
	}
	return b.String()
}

// builds are the exchanges of every case for a scheme.
func builds(t *testing.T, s emv.Scheme) [][]emv.Step {
	var out [][]emv.Step
	for _, c := range outcomeCases() {
		out = append(out, build(t, s, c))
	}
	return out
}
