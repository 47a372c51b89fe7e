package emv

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// CountryNumeric is the ISO 3166-1 numeric code of an alpha-2 country code
// ("SA" → "682"), as EMV's billAddrCountry, shipAddrCountry and
// merchantCountryCode carry it. The UN M.49 code of a country is its ISO
// 3166-1 numeric code.
func CountryNumeric(alpha2 string) (string, bool) {
	if len(alpha2) != 2 {
		return "", false
	}
	r, err := language.ParseRegion(alpha2)
	if err != nil || !r.IsCountry() || r.M49() == 0 {
		return "", false
	}
	return fmt.Sprintf("%03d", r.M49()), true
}

// callingCodes are the country calling codes of the countries the sandbox's
// cardholders and merchants are in, and the largest markets. E.164 codes
// are prefix-free, so an international number starting with one of them
// has that code.
var callingCodes = map[string]string{
	"SA": "966", "AE": "971", "BH": "973", "KW": "965", "OM": "968", "QA": "974",
	"EG": "20", "JO": "962", "LB": "961", "MA": "212", "TR": "90", "PK": "92",
	"IN": "91", "US": "1", "CA": "1", "GB": "44", "FR": "33", "DE": "49",
	"NL": "31", "ES": "34", "IT": "39", "IE": "353", "CH": "41", "SE": "46",
	"AU": "61", "SG": "65", "JP": "81", "CN": "86", "BR": "55", "MX": "52",
	"ZA": "27", "NG": "234",
}

// PhoneOf splits a mobile number into EMV's {cc, subscriber}: an
// international number ("+966 50 000 0001") by its calling code, a
// national one ("0555555555") by the billing country's. It reports false
// when the calling code is not known: the AReq then leaves mobilePhone out
// rather than guess.
func PhoneOf(number, country string) (*Phone, bool) {
	intl := strings.HasPrefix(strings.TrimSpace(number), "+") || strings.HasPrefix(number, "00")
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, number)
	if intl {
		digits = strings.TrimPrefix(digits, "00")
		for _, cc := range callingCodes {
			if strings.HasPrefix(digits, cc) && len(digits) > len(cc) {
				return limitPhone(cc, digits[len(cc):])
			}
		}
		return nil, false
	}
	cc, ok := callingCodes[country]
	if !ok || digits == "" {
		return nil, false
	}
	return limitPhone(cc, strings.TrimPrefix(digits, "0"))
}

// limitPhone keeps to EMV's lengths: cc 1–3 digits, subscriber at most 15.
func limitPhone(cc, subscriber string) (*Phone, bool) {
	if subscriber == "" || len(subscriber) > 15 {
		return nil, false
	}
	return &Phone{CC: cc, Subscriber: subscriber}, true
}
