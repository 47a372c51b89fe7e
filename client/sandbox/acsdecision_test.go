package sandbox

import (
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
)

// TestNeedsEnrollment: where needsEnrollment says the enrollment does not
// matter (so begin skips reading it), decide answers the same enrolled or
// not, for every test card, any other card, channel and preference.
func TestNeedsEnrollment(t *testing.T) {
	cards := append([]testcards.Card{{Outcome: testcards.Frictionless}}, testcards.All...)
	skipped := 0
	for _, card := range cards {
		for _, ch := range threeds.Channels {
			for _, pref := range threeds.ChallengePreferences {
				if needsEnrollment(card, pref) {
					continue
				}
				skipped++
				if in, out := decide(card, ch, pref, true), decide(card, ch, pref, false); in != out {
					t.Errorf("card %s (%s), %s, %s: enrolled %+v, not enrolled %+v, but needsEnrollment is false",
						card.PAN, card.Outcome, ch, pref, in, out)
				}
			}
		}
	}
	if skipped == 0 {
		t.Fatal("needsEnrollment never skips the read")
	}
}
