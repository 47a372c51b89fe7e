package sandbox

import (
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// TestDecideAsksEnrollment: decide asks for the card's enrollment (a query
// on a shared store) at most once, and never where the answer cannot
// depend on it: a card that forces A, N, R or U, or a frictionless one
// with no challenge wanted, the common authenticate.
func TestDecideAsksEnrollment(t *testing.T) {
	cards := append([]testcards.Card{{Outcome: testcards.Frictionless}}, testcards.All...)
	for _, card := range cards {
		for _, ch := range threeds.Channels {
			for _, pref := range threeds.ChallengePreferences {
				for _, enrolled := range []bool{true, false} {
					asked := 0
					d := decide(card, ch, pref, func() bool { asked++; return enrolled })
					var mayAsk bool
					switch card.Outcome {
					case testcards.Attempted, testcards.NotAuth, testcards.Rejected, testcards.Unavailable:
					case testcards.Challenge, testcards.Decoupled:
						mayAsk = true
					default: // frictionless (and the server-fault cards, which never get here)
						mayAsk = pref == threeds.Preferred || pref == threeds.Mandated
					}
					if asked > 1 || asked == 1 && !mayAsk {
						t.Errorf("card %s (%s), %s, %s, enrolled %v: asked %d times, may ask: %v (answer %+v)",
							card.PAN, card.Outcome, ch, pref, enrolled, asked, mayAsk, d)
					}
				}
			}
		}
	}
}
