package testcards

import (
	"fmt"
	"math"

	"github.com/walletsim/walletsim/client/emv"
)

// FormatAmount renders minor units with the currency's decimals:
// "SAR 1.00", "JPY 500", "KWD 1.250".
func FormatAmount(minor int64, currency string) string {
	decimals := CurrencyDecimals(currency)
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	if decimals == 0 {
		return fmt.Sprintf("%s %s%d", currency, sign, minor)
	}
	div := int64(math.Pow10(decimals))
	return fmt.Sprintf("%s %s%d.%0*d", currency, sign, minor/div, decimals, minor%div)
}

// CurrencyDecimals is how many minor-unit digits a currency has, from
// ISO 4217 (emv.LookupCurrency: 2 for most, 0 for JPY, 3 for KWD); 2 for
// a code it does not list.
func CurrencyDecimals(currency string) int {
	if c, ok := emv.LookupCurrency(currency); ok {
		return c.Exponent
	}
	return 2
}
