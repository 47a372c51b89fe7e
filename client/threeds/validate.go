package threeds

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/walletsim/walletsim/client"
)

// Messages of seed 004's 422 "Data validation failed" answer. The first two
// are the seed's own words; the others follow their style where the seed has
// no example.
const (
	MsgMissing    = "This field is missing."
	MsgCardNumber = "The value must be a proper credit/debit card number."
	MsgURL        = "The value must be a valid URL."
	MsgEmail      = "The value must be a valid email address."
	MsgCountry    = "The value must be a valid ISO 3166-1 alpha-2 country code."
	MsgIP         = "The value must be a valid IP address."
	MsgTimezone   = "The value must be a browser time zone offset in minutes, between -840 and 720."
	MsgRequiredJS = "This field is required when customer_device.javascript_enabled is true."
	MsgCurrency   = "The value must be an ISO 4217 currency code such as SAR."
)

// MsgMin, MsgMax, MsgMinLen, MsgMaxLen and MsgIn build the messages of the
// seed's min/max/in rules.
func MsgMin(n int) string    { return fmt.Sprintf("The value must be at least %d.", n) }
func MsgMax(n int) string    { return fmt.Sprintf("The value must be at most %d.", n) }
func MsgMinLen(n int) string { return fmt.Sprintf("The value must be at least %d characters long.", n) }
func MsgMaxLen(n int) string { return fmt.Sprintf("The value must be at most %d characters long.", n) }
func MsgIn[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return "The value must be one of: " + strings.Join(s, ", ") + "."
}

// optionalStrings are seed 004's optional string fields, by the name its
// 422 gives them, with their rules.
var optionalStrings = func() map[string]Rules {
	m := map[string]Rules{
		"name": NameRules, "customer.name": CustomerNameRules, "customer.email": CustomerEmailRules,
		"customer.mobile": CustomerMobileRules, "customer_device.ip_address": IPAddressRules,
		"customer_device.user_agent": HeaderRules, "customer_device.accept_header": HeaderRules,
		"customer_device.language": LanguageRules, "customer_device.color_depth": ColorDepthRules,
		"customer_device.timezone": TimezoneRules,
	}
	for _, a := range []string{"billing_address.", "shipping_address."} {
		m[a+"city"], m[a+"line_1"], m[a+"line_2"], m[a+"state"] = AddressTextRules, AddressTextRules, AddressTextRules, AddressTextRules
		m[a+"postal_code"], m[a+"country"] = PostalCodeRules, CountryRules
	}
	return m
}()

// EmptyMessages are the messages an optional string field's rules give a
// value sent as an empty string — present, so not absent: "at least 1
// characters", "a valid email address"… None for the required fields
// (empty is missing) and those with a default (empty takes it).
func EmptyMessages(field string) []string {
	var msgs []string
	for _, r := range optionalStrings[field] {
		if msg := r(""); msg != "" {
			msgs = append(msgs, msg)
		}
	}
	return msgs
}

// ColorDepths are the values seed 004 allows for customer_device.color_depth.
var ColorDepths = []string{"1", "4", "8", "15", "16", "24", "32", "48"}

// Validate applies seed 004's rules to req. An empty string or zero number
// counts as absent, the way the server treats an empty value.
func Validate(req AuthenticateRequest) client.FieldErrors {
	var fe client.FieldErrors
	required(&fe, "number", req.Number, CardNumberRules)
	intRange(&fe, "month", req.Month, 1, 12)
	intRange(&fe, "year", req.Year, 2000, 0)
	oneOf(&fe, "channel", req.Channel, Channels)
	required(&fe, "return_url", req.ReturnURL, ReturnURLRules)
	check(&fe, "name", req.Name, NameRules)
	oneOf(&fe, "challenge_preference", req.ChallengePreference, ChallengePreferences)
	if c := req.Customer; c != nil {
		check(&fe, "customer.name", c.Name, CustomerNameRules)
		check(&fe, "customer.email", c.Email, CustomerEmailRules)
		check(&fe, "customer.mobile", c.Mobile, CustomerMobileRules)
	}
	validateAddress(&fe, "billing_address", req.BillingAddress)
	validateAddress(&fe, "shipping_address", req.ShippingAddress)
	validateDevice(&fe, req.CustomerDevice)
	return fe
}

// ValidateCreate applies the rules of the sandbox's purchase extension
// (POST /v1/3ds), in the style of seed 004's.
func ValidateCreate(req CreateRequest) client.FieldErrors {
	var fe client.FieldErrors
	if req.Amount < 1 {
		fe.Add("amount", MsgMin(1))
	}
	check(&fe, "currency", req.Currency, CurrencyRules)
	check(&fe, "description", req.Description, DescriptionRules)
	return fe
}

func validateAddress(fe *client.FieldErrors, prefix string, a *Address) {
	if a == nil {
		return
	}
	// The field's dotted name is made only for a bad value: this runs on
	// every authenticate the sandbox serves.
	in := func(field, v string, rules Rules) {
		for _, msg := range rules.Check(v) {
			fe.Add(prefix+"."+field, msg)
		}
	}
	in("city", a.City, AddressTextRules)
	in("country", a.Country, CountryRules)
	in("line_1", a.Line1, AddressTextRules)
	in("line_2", a.Line2, AddressTextRules)
	in("postal_code", a.PostalCode, PostalCodeRules)
	in("state", a.State, AddressTextRules)
}

func validateDevice(fe *client.FieldErrors, d *Device) {
	if d == nil {
		return
	}
	const p = "customer_device."
	check(fe, p+"ip_address", d.IPAddress, IPAddressRules)
	check(fe, p+"user_agent", d.UserAgent, HeaderRules)
	check(fe, p+"accept_header", d.AcceptHeader, HeaderRules)
	check(fe, p+"language", d.Language, LanguageRules)
	js := d.JavascriptEnabled != nil && *d.JavascriptEnabled
	// required_if:customer_device.javascript_enabled,true
	for _, f := range []struct {
		name    string
		present bool
	}{{"color_depth", d.ColorDepth != ""}, {"screen_height", d.ScreenHeight != 0}, {"screen_width", d.ScreenWidth != 0}, {"timezone", d.Timezone != ""}} {
		if js && !f.present {
			fe.Add(p+f.name, MsgRequiredJS)
		}
	}
	check(fe, p+"color_depth", d.ColorDepth, ColorDepthRules)
	if d.ScreenHeight != 0 {
		intRange(fe, p+"screen_height", d.ScreenHeight, 1, 999999)
	}
	if d.ScreenWidth != 0 {
		intRange(fe, p+"screen_width", d.ScreenWidth, 1, 999999)
	}
	check(fe, p+"timezone", d.Timezone, TimezoneRules)
}

// check applies rules to an optional string field.
func check(fe *client.FieldErrors, field, v string, rules Rules) {
	for _, msg := range rules.Check(v) {
		fe.Add(field, msg)
	}
}

// required applies rules to a string field that must be present.
func required(fe *client.FieldErrors, field, v string, rules Rules) {
	if v == "" {
		fe.Add(field, MsgMissing)
	}
	check(fe, field, v, rules)
}

// intRange checks a required integer; max 0 means unbounded.
func intRange(fe *client.FieldErrors, field string, v, min, max int) {
	switch {
	case v == 0 && min > 0:
		fe.Add(field, MsgMissing)
	case v < min:
		fe.Add(field, MsgMin(min))
	case max != 0 && v > max:
		fe.Add(field, MsgMax(max))
	}
}

// oneOf checks a required enum.
func oneOf[T ~string](fe *client.FieldErrors, field string, v T, allowed []T) {
	switch {
	case v == "":
		fe.Add(field, MsgMissing)
	case !slices.Contains(allowed, v):
		fe.Add(field, MsgIn(allowed))
	}
}

// Luhn reports whether s is a 12–19 digit number passing the Luhn check.
func Luhn(s string) bool {
	if len(s) < 12 || len(s) > 19 {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ValidURL reports whether s is an absolute http(s) URL with a host.
func ValidURL(s string) bool {
	u, err := url.ParseRequestURI(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// ValidEmail reports whether s is a bare email address.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// ValidTimezone reports whether s is a browser UTC offset in minutes.
func ValidTimezone(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= -840 && n <= 720
}

// ValidCountry reports whether s is an ISO 3166-1 alpha-2 code. It looks
// the code up in countrySet, not in countryCodes: the authenticate handler
// checks two addresses per request, and a scan of the 249 codes cost it
// about 2 µs.
func ValidCountry(s string) bool {
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	return countrySet[s[0]-'A']&(1<<(s[1]-'A')) != 0
}

// countrySet holds countryCodes as one bit per code: bit j of entry i is
// set when the letters 'A'+i, 'A'+j are a code.
var countrySet = func() (set [26]uint32) {
	for i := 1; i+2 <= len(countryCodes); i += 3 {
		set[countryCodes[i]-'A'] |= 1 << (countryCodes[i+1] - 'A')
	}
	return set
}()

// countryCodes are the ISO 3166-1 alpha-2 codes, space-separated.
const countryCodes = " AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ" +
	" BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE" +
	" EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR" +
	" HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS" +
	" LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL" +
	" NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI" +
	" SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY" +
	" UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
