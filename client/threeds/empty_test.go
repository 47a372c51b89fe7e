package threeds

import (
	"slices"
	"testing"
)

// TestEmptyMessages: a string sent empty in an optional field gets its own
// rules' messages; the required fields and those with a default get none
// (empty is missing, or takes the default).
func TestEmptyMessages(t *testing.T) {
	for field, want := range map[string][]string{
		"customer.mobile":              {MsgMinLen(1)},
		"billing_address.line_2":       {MsgMinLen(1)},
		"shipping_address.postal_code": {MsgMinLen(1)},
		"customer.name":                {MsgMinLen(2)},
		"customer.email":               {MsgEmail, MsgMinLen(1)},
		"billing_address.country":      {MsgCountry},
		"customer_device.ip_address":   {MsgIP},
		"customer_device.color_depth":  {MsgIn(ColorDepths)},
		"customer_device.timezone":     {MsgTimezone},
		"number":                       nil,
		"return_url":                   nil,
		"channel":                      nil,
		"challenge_preference":         nil,
	} {
		if got := EmptyMessages(field); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", field, got, want)
		}
	}
}
