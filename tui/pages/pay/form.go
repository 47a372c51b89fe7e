package pay

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/common"
)

// fields are the form's values as typed, prefilled with sandbox test data.
type fields struct {
	card       int // index in sandbox.TestCards, or -1 for the typed number
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

func defaults(c *common.Common) *fields {
	f := &fields{card: -1, number: c.Card.Number, amount: "49.99", currency: "SAR", preference: threeds.NoPreference,
		name: sandbox.HolderName, email: sandbox.HolderEmail, mobile: "0555555555",
		ip: "203.0.113.10", language: "en-GB", timezone: "-180"}
	for i, tc := range sandbox.TestCards {
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
		opts := make([]huh.Option[int], len(sandbox.TestCards))
		for i, tc := range sandbox.TestCards {
			opts[i] = huh.NewOption(fmt.Sprintf("%s %-4s %s", tc.PAN, schemeShort[tc.Scheme], short[tc.Outcome]), i)
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

// short names what a test card forces, to fit a picker row.
var short = map[sandbox.Outcome]string{
	sandbox.Frictionless: "Y frictionless", sandbox.Attempted: "A attempted", sandbox.Challenge: "C challenge",
	sandbox.Decoupled: "D decoupled", sandbox.NotAuth: "N not authenticated", sandbox.Rejected: "R rejected",
	sandbox.Unavailable: "U unavailable", sandbox.Fault500: "HTTP 500", sandbox.Fault503: "HTTP 503",
	sandbox.FaultTimeout: "no answer",
}

var schemeShort = map[sandbox.Scheme]string{sandbox.Visa: "visa", sandbox.Mastercard: "mc", sandbox.Mada: "mada"}

// minor converts "49.99" to minor units of the currency (4999).
func (f *fields) minor(s string) (int64, error) {
	m, err := flows.ParseMoney(s, f.currency)
	return m.Minor, err
}

// cardNumber checks a typed card number, spaces allowed.
func cardNumber(s string) error {
	return threeds.CardNumberRules.Required(strings.ReplaceAll(s, " ", ""))
}
