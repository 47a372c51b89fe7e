package pay

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/common"
)

// fields are the form's values as typed, prefilled with sandbox test data.
type fields struct {
	card       int // index in testcards.All, or typed for the card in use
	number     string
	amount     string // major units: "49.99"
	currency   string
	preference threeds.ChallengePreference
	name       string
	email      string
	mobile     string
	ip         string
	language   string
	timezone   string
}

// typed is the picker's value for the card in use when it is no test card
// (one the person typed).
const typed = -1

func defaults(c *common.Common) *fields {
	f := &fields{card: typed, number: c.Card.Number, amount: "49.99", currency: "SAR", preference: threeds.NoPreference,
		name: testcards.HolderName, email: testcards.HolderEmail, mobile: "0555555555",
		ip: "203.0.113.10", language: "en-GB", timezone: "-180"}
	for i, tc := range testcards.All {
		if tc.PAN == c.Card.Number {
			f.card = i
		}
	}
	return f
}

// form asks for the purchase, validating each field as it is typed with
// seed 004's rules and messages (threeds' Rules, the ones the client and
// the sandbox apply).
func (f *fields) form(c *common.Common, width int) *huh.Form {
	var card huh.Field
	if c.Sandbox() {
		var opts []huh.Option[int]
		if f.card == typed && c.Card.Number != "" {
			// The card the person typed is the card they pay with.
			opts = append(opts, huh.NewOption(c.Card.Number+" the card you typed", typed))
		}
		for i, tc := range testcards.All {
			opts = append(opts, huh.NewOption(fmt.Sprintf("%-16s %-4s %s", tc.PAN, tc.Scheme.Short(), shortOf(tc)), i))
		}
		card = huh.NewSelect[int]().Title("Test card").Description("each forces an outcome; C and D need the card enrolled (home, 1)").
			Options(opts...).Value(&f.card).Height(5)
	} else {
		card = huh.NewInput().Title("Card number").Value(&f.number).Validate(cardNumber)
	}
	prefs := make([]huh.Option[threeds.ChallengePreference], len(threeds.ChallengePreferences))
	for i, p := range threeds.ChallengePreferences {
		prefs[i] = huh.NewOption(string(p), p)
	}
	return huh.NewForm(
		huh.NewGroup(card,
			huh.NewInput().Title("Amount").Value(&f.amount).Validate(func(s string) error { _, err := f.minor(s); return err }),
			huh.NewInput().Title("Currency").Value(&f.currency).Validate(threeds.CurrencyRules.Required).CharLimit(3),
			huh.NewSelect[threeds.ChallengePreference]().Title("Challenge preference (the merchant's wish)").Options(prefs...).Value(&f.preference).Inline(true),
		).Title("The purchase"),
		huh.NewGroup(
			huh.NewInput().Title("Cardholder name").Value(&f.name).Validate(threeds.CustomerNameRules.Err),
			huh.NewInput().Title("Email").Value(&f.email).Validate(threeds.CustomerEmailRules.Err),
			huh.NewInput().Title("Mobile").Value(&f.mobile).Validate(threeds.CustomerMobileRules.Err),
		).Title("The cardholder (sent to the ACS for its risk decision)"),
		huh.NewGroup(
			huh.NewInput().Title("Browser IP address").Value(&f.ip).Validate(threeds.IPAddressRules.Err),
			huh.NewInput().Title("Browser language").Value(&f.language).Validate(threeds.LanguageRules.Err),
			huh.NewInput().Title("Time zone offset (minutes, as JavaScript gives it)").Value(&f.timezone).Validate(threeds.TimezoneRules.Required),
		).Title("The browser (EMV 3DS browser data)"),
	).WithShowHelp(false).WithWidth(width)
}

// cardFor is the card the form chose: a test card from the picker, or the
// card in use (with the number typed, on a real target).
func (f *fields) cardFor(inUse common.Card) common.Card {
	if f.card >= 0 && f.card < len(testcards.All) {
		if tc := testcards.All[f.card]; tc.PAN != inUse.Number || inUse.Test == nil {
			return common.TestCard(tc)
		}
		return inUse
	}
	card := inUse
	if n := strings.ReplaceAll(f.number, " ", ""); n != "" && n != card.Number {
		card.Number, card.Test = n, nil
	}
	return card
}

// input is the purchase the form describes, paid with card.
func (f *fields) input(card common.Card, ch threeds.Channel) flows.PurchaseInput {
	amount, _ := f.minor(f.amount)
	js := true
	return flows.PurchaseInput{
		Amount: amount, Currency: f.currency, Number: card.Number, Month: card.Month, Year: card.Year, Name: f.name,
		Channel: ch, Preference: f.preference,
		Customer: &threeds.Customer{Name: f.name, Email: f.email, Mobile: f.mobile},
		Device: &threeds.Device{IPAddress: f.ip, Language: f.language, Timezone: f.timezone, JavascriptEnabled: &js,
			UserAgent: "walletsim TUI", AcceptHeader: "text/html", ColorDepth: "24", ScreenHeight: 900, ScreenWidth: 1440},
	}
}

// short names what a test card forces, to fit a picker row.
var short = map[testcards.Outcome]string{
	testcards.Frictionless: "Y frictionless", testcards.Attempted: "A attempted", testcards.Challenge: "C challenge",
	testcards.Decoupled: "D decoupled", testcards.NotAuth: "N not authenticated", testcards.Rejected: "R rejected",
	testcards.Unavailable: "U unavailable", testcards.Fault500: "HTTP 500", testcards.Fault503: "HTTP 503",
	testcards.FaultTimeout: "no answer",
}

// shortOf is short, or for a card that forces N, R or U its status and
// reason (transStatusReason) in as few words: a picker row fits 44
// columns.
func shortOf(tc testcards.Card) string {
	if tc.Reason == "" {
		return short[tc.Outcome]
	}
	return string(tc.Outcome) + " " + string(tc.Reason) + " " + shortReason[tc.Reason]
}

var shortReason = map[emv.Reason]string{
	emv.ReasonCardAuthFailed: "auth failed", emv.ReasonExpiredCard: "expired card", emv.ReasonNoCardRecord: "no card record",
	emv.ReasonSuspectedFraud: "suspected fraud", emv.ReasonNotPermitted: "not permitted", emv.ReasonNotEnrolled: "not enrolled",
	emv.ReasonTimedOutAtACS: "ACS timed out", emv.ReasonMaxChallenges: "max challenges", emv.ReasonACSTechnicalIssue: "ACS tech issue",
	emv.ReasonNotPerformed: "not performed",
}

// minor converts "49.99" to minor units of the currency (4999).
func (f *fields) minor(s string) (int64, error) {
	m, err := flows.ParseMoney(s, f.currency)
	return m.Minor, err
}

// cardNumber checks a typed card number, spaces allowed.
func cardNumber(s string) error {
	return threeds.CardNumberRules.Required(strings.ReplaceAll(s, " ", ""))
}
