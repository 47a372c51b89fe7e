package emv_test

import (
	"fmt"
	"testing"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/internal/clienttest"
)

// TestGolden: the whole exchange of every outcome, per scheme, as
// testdata/golden/emv/<scheme>/<outcome>.golden (go test -update rewrites
// them). Each must also pass CheckExchange: a golden is a claim.
func TestGolden(t *testing.T) {
	for _, s := range emv.Schemes {
		for _, c := range outcomeCases() {
			t.Run(string(s)+"/"+c.name, func(t *testing.T) {
				steps := build(t, s, c)
				if vs := emv.CheckExchange(steps); len(vs) > 0 {
					t.Errorf("the exchange breaks the rules:\n%s", violations(vs))
				}
				a := request(s, c.channel)
				head := fmt.Sprintf("# %s, %s · %s: %s\n# card %s, SAR 250.00, channel %s, challenge_preference %s\n\n",
					s.Program(), s, c.name, c.about, emv.MaskPAN(a.Card.Number), c.channel, a.ChallengePreference)
				clienttest.Golden(t, "emv/"+string(s)+"/"+c.name+".golden", head+emv.Transcript(steps))
			})
		}
	}
}

// TestGoldenMinimalRequest: a request with nothing optional (no customer,
// addresses or device) still makes a valid AReq, with the browser the 3DS
// Server observed (DefaultDevice).
func TestGoldenMinimalRequest(t *testing.T) {
	a := emv.Authentication{
		IDs: testIDs, Time: purchaseTime, Scheme: emv.Visa,
		Card:   emv.Card{Number: pans[emv.Visa], Month: 1, Year: 2030},
		Amount: 500, Currency: "JPY", Channel: emv.ChannelBrowser,
		ReturnURL: "https://shop.example/3ds/return", Parties: emv.SandboxParties,
	}
	steps, err := emv.Build(a, emv.Outcome{Status: emv.Authenticated, CAVV: cavvY})
	if err != nil {
		t.Fatal(err)
	}
	if vs := emv.CheckExchange(steps); len(vs) > 0 {
		t.Errorf("the exchange breaks the rules:\n%s", violations(vs))
	}
	clienttest.Golden(t, "emv/minimal-request.golden", "# a request with only the required fields, JPY 500 (exponent 0)\n\n"+emv.Transcript(steps))
}
