package strictfake

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Seed 004's two documented validation messages, verbatim; the others are
// this server's own words.
const (
	msgMissing = "This field is missing."
	msgCard    = "The value must be a proper credit/debit card number."
)

// field is one of seed 004's request fields with its rules, read from the
// seed's list ("required | integer | min:1 | max:12"). The request's field
// names are the seed's response names for the same values; the device is
// customer_device (named by the seed's required_if rules).
type field struct {
	name     string
	required bool
	def      string // the default a missing value takes (the seed's "default:")
	kind     string // string, integer, boolean, object
	check    func(v any) string
	children []field
}

func str(name string, required bool, check func(string) string) field {
	return field{name: name, required: required, kind: "string", check: func(v any) string { return check(v.(string)) }}
}

func withDefault(f field, def string) field {
	f.def = def
	return f
}

func length(min, max int) func(string) string {
	return func(s string) string {
		if n := utf8.RuneCountInString(s); n < min || n > max {
			return fmt.Sprintf("Must have between %d and %d characters.", min, max)
		}
		return ""
	}
}

func in(values ...string) func(string) string {
	return func(s string) string {
		if !slices.Contains(values, s) {
			return fmt.Sprintf("Must be one of %v.", values)
		}
		return ""
	}
}

func integer(name string, required bool, min, max int64) field {
	return field{name: name, required: required, kind: "integer", check: func(v any) string {
		n, err := v.(json.Number).Int64()
		switch {
		case err != nil:
			return "Must be a whole number."
		case n < min || max > 0 && n > max:
			return fmt.Sprintf("Must be between %d and %d.", min, max)
		}
		return ""
	}}
}

var (
	countryRE = regexp.MustCompile(`^[A-Z]{2}$`)
	emailRE   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func address(name string) field {
	return field{name: name, kind: "object", children: []field{
		str("city", false, length(1, 50)),
		str("country", false, func(s string) string {
			if !countryRE.MatchString(s) {
				return "Must be a country code."
			}
			return ""
		}),
		str("line_1", false, length(1, 50)), str("line_2", false, length(1, 50)),
		str("postal_code", false, length(1, 16)), str("state", false, length(1, 50)),
	}}
}

// authenticateFields is seed 004's request, rule by rule.
var authenticateFields = []field{
	str("number", true, func(s string) string {
		if !luhn(s) {
			return msgCard
		}
		return ""
	}),
	integer("month", true, 1, 12),
	integer("year", true, 2000, 0),
	withDefault(str("channel", true, in("browser", "decoupled")), "browser"),
	str("return_url", true, func(s string) string {
		if u, err := url.Parse(s); err != nil || !u.IsAbs() || u.Host == "" {
			return "Must be a URL."
		}
		return ""
	}),
	str("name", false, length(1, 40)),
	withDefault(str("challenge_preference", true, in("no_preference", "no_challenge", "preferred", "mandated")), "no_preference"),
	{name: "customer", kind: "object", children: []field{
		str("name", false, length(2, 45)),
		str("email", false, func(s string) string {
			if len(s) > 254 || !emailRE.MatchString(s) {
				return "Must be an email address."
			}
			return ""
		}),
		str("mobile", false, length(1, 18)),
	}},
	address("billing_address"),
	address("shipping_address"),
	{name: "customer_device", kind: "object", children: []field{
		str("ip_address", false, func(s string) string {
			if _, err := netip.ParseAddr(s); err != nil {
				return "Must be an IP address."
			}
			return ""
		}),
		str("user_agent", false, length(1, 2048)), str("accept_header", false, length(1, 2048)),
		{name: "javascript_enabled", kind: "boolean"},
		str("language", false, length(1, 8)),
		str("color_depth", false, in("1", "4", "8", "15", "16", "24", "32", "48")),
		integer("screen_height", false, 1, 999999), integer("screen_width", false, 1, 999999),
		str("timezone", false, func(s string) string {
			if n, err := strconv.Atoi(s); err != nil || n < -1440 || n > 1440 {
				return "Must be a time zone offset in minutes."
			}
			return ""
		}),
	}},
}

// jsRequired are required_if:customer_device.javascript_enabled,true.
var jsRequired = []string{"color_depth", "screen_height", "screen_width", "timezone"}

// validate applies fields to obj; errs collects messages by dotted name,
// unknown names the fields the seed does not have.
func validate(obj map[string]any, fields []field, prefix string, errs map[string][]string, unknown *[]string, missingMsg string) {
	known := map[string]bool{}
	for _, f := range fields {
		known[f.name] = true
		name := prefix + f.name
		v, present := obj[f.name]
		if (!present || v == nil) && f.def != "" {
			obj[f.name] = f.def // the seed's default, as the answer will show it
			continue
		}
		if !present || v == nil {
			if f.required {
				errs[name] = append(errs[name], missingMsg)
			}
			continue
		}
		if problem := typeProblem(f.kind, v); problem != "" {
			errs[name] = append(errs[name], problem)
			continue
		}
		if f.check != nil {
			if problem := f.check(v); problem != "" {
				errs[name] = append(errs[name], problem)
			}
		}
		if f.kind == "object" {
			child := v.(map[string]any)
			validate(child, f.children, name+".", errs, unknown, missingMsg)
			if f.name == "customer_device" && child["javascript_enabled"] == true {
				for _, k := range jsRequired {
					if child[k] == nil {
						errs[name+"."+k] = append(errs[name+"."+k], "Required when javascript_enabled is true.")
					}
				}
			}
		}
	}
	for k := range obj {
		if !known[k] {
			*unknown = append(*unknown, prefix+k)
		}
	}
}

func typeProblem(kind string, v any) string {
	ok := false
	switch kind {
	case "string":
		_, ok = v.(string)
	case "integer":
		_, ok = v.(json.Number)
	case "boolean":
		_, ok = v.(bool)
	case "object":
		_, ok = v.(map[string]any)
	}
	if !ok {
		return "Must be of type " + kind + "."
	}
	return ""
}

// luhn: 13 to 19 digits passing the Luhn check (this server's reading of
// credit_card; the sandbox allows 12).
func luhn(s string) bool {
	if len(s) < 13 || len(s) > 19 {
		return false
	}
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum, double = sum+d, !double
	}
	return sum%10 == 0
}
