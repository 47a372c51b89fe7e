package testcards

import (
	"fmt"
	"math"
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

// CurrencyDecimals is how many minor-unit digits a currency has (ISO 4217):
// 2 for most, 0 for JPY and its kind, 3 for KWD and its kind.
func CurrencyDecimals(currency string) int {
	switch currency {
	case "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF":
		return 0
	case "KWD", "BHD", "OMR", "JOD", "TND", "LYD", "IQD":
		return 3
	}
	return 2
}
