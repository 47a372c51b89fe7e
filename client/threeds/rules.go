package threeds

import (
	"errors"
	"net/netip"
	"slices"
	"unicode/utf8"

	"github.com/walletsim/walletsim/client/emv"
)

// Rules are one field's checks from seed 004, each returning the message
// its 422 answer gives for a bad value ("" for a good one), in the order
// the answer lists them. They judge a value that is there: whether a field
// may be left out is for Validate, or a form, to say.
//
// Each field's rules are stated once, here: Validate applies them to
// requests, the sandbox to what merchants send, and the checkout form to
// what a person types.
type Rules []func(string) string

// Seed 004's string fields' rules.
var (
	CardNumberRules     = Rules{cardNumber}
	ReturnURLRules      = Rules{returnURL}
	NameRules           = Rules{length(1, 40)}
	CustomerNameRules   = Rules{length(2, 45)}
	CustomerEmailRules  = Rules{email, length(1, 254)}
	CustomerMobileRules = Rules{length(1, 18)}
	AddressTextRules    = Rules{length(1, 50)} // city, line_1, line_2, state
	PostalCodeRules     = Rules{length(1, 16)}
	CountryRules        = Rules{country}
	IPAddressRules      = Rules{ipAddress}
	HeaderRules         = Rules{length(1, 2048)} // user_agent, accept_header
	LanguageRules       = Rules{length(1, 8)}
	ColorDepthRules     = Rules{colorDepth}
	TimezoneRules       = Rules{timezone}
	// The purchase extension's (POST /v1/3ds).
	CurrencyRules    = Rules{currency}
	DescriptionRules = Rules{length(0, 255)}
)

// Check returns the messages of the rules v breaks; none for "".
func (rs Rules) Check(v string) []string {
	if v == "" {
		return nil
	}
	var msgs []string
	for _, r := range rs {
		if msg := r(v); msg != "" {
			msgs = append(msgs, msg)
		}
	}
	return msgs
}

// Err is the first message of Check as an error: the check of an optional
// field in a form.
func (rs Rules) Err(v string) error {
	if msgs := rs.Check(v); len(msgs) > 0 {
		return errors.New(msgs[0])
	}
	return nil
}

// Required is Err for a field that must be given.
func (rs Rules) Required(v string) error {
	if v == "" {
		return errors.New(MsgMissing) //lint:ignore ST1005 the seed's words, shown as they are
	}
	return rs.Err(v)
}

func length(min, max int) func(string) string {
	return func(v string) string {
		switch n := utf8.RuneCountInString(v); {
		case n < min:
			return MsgMinLen(min)
		case n > max:
			return MsgMaxLen(max)
		}
		return ""
	}
}

// message is msg when ok is false.
func message(ok bool, msg string) string {
	if ok {
		return ""
	}
	return msg
}

func cardNumber(v string) string { return message(Luhn(v), MsgCardNumber) }
func returnURL(v string) string  { return message(ValidURL(v), MsgURL) }
func email(v string) string      { return message(ValidEmail(v), MsgEmail) }
func country(v string) string    { return message(ValidCountry(v), MsgCountry) }
func timezone(v string) string   { return message(ValidTimezone(v), MsgTimezone) }

func ipAddress(v string) string {
	_, err := netip.ParseAddr(v)
	return message(err == nil, MsgIP)
}

func colorDepth(v string) string {
	if slices.Contains(ColorDepths, v) {
		return "" // the message is made only when needed
	}
	return MsgIn(ColorDepths)
}

// currency: an ISO 4217 currency the 3DS Server can put in an AReq
// (purchaseCurrency is its numeric code, purchaseExponent its minor unit).
func currency(v string) string {
	_, ok := emv.LookupCurrency(v)
	return message(ok, MsgCurrency)
}
