package tui

import (
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/export"
)

// Options configure the app.
type Options struct {
	Session *flows.Session
	// Events is where the session's sink sends its events (see Sink).
	Events <-chan flows.Event
	// Resolve finds targets for running scenarios.
	Resolve func(string) (flows.Target, error)
	// SaveDir is where saved scenarios, cURL scripts and values go
	// (default ".").
	SaveDir string
	// OpenURL opens a URL in the user's browser.
	OpenURL func(string) error
	// Copy puts text on the clipboard and says what it did (default:
	// OSC 52 to the terminal).
	Copy func(string) (string, error)
	// Clock is the session's clock when the person may move it forward:
	// the test clock, on the embedded sandbox only.
	Clock flows.Advancer
	// Learn is the course (nil: none; the home screen then has no entry
	// for it). Its Journal must be the session's Options.Journal.
	Learn *common.Learn
	// Start is the page shown first (default: home).
	Start common.PageID
	// Card is the card in use at start (default: the sandbox's Visa
	// challenge card).
	Card *common.Card
}

func (o Options) withDefaults() Options {
	if o.SaveDir == "" {
		o.SaveDir = "."
	}
	if o.OpenURL == nil {
		o.OpenURL = browserFor(o.Session)
	}
	if o.Copy == nil {
		o.Copy = export.FromEnv().Copy
	}
	return o
}

// card is the card in use at start.
func (o Options) card() common.Card {
	if o.Card != nil {
		return *o.Card
	}
	t := o.Session.Target
	if t.Extensions {
		tc, _ := testcards.Lookup("4000000000000036")
		return common.TestCard(tc)
	}
	return common.Card{Flows: flows.Card{CardholderID: t.CardholderID, WalletID: t.WalletID, CardID: t.CardID, CustomerID: t.CustomerID}}
}

// Sink returns a flows.Sink and the channel to give App as Options.Events.
func Sink() (flows.Sink, <-chan flows.Event) {
	ch := make(chan flows.Event, 4096)
	return func(e flows.Event) { ch <- e }, ch
}
