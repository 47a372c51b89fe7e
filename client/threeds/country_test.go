package threeds

import (
	"strings"
	"testing"
)

// TestValidCountry: every ISO 3166-1 alpha-2 code of the table, and
// nothing that only straddles two of them.
func TestValidCountry(t *testing.T) {
	codes := strings.Fields(countryCodes)
	for _, code := range codes {
		if !ValidCountry(code) {
			t.Errorf("ValidCountry(%q) = false", code)
		}
	}
	if len(codes) != 249 {
		t.Errorf("%d codes, want 249", len(codes))
	}
	for _, bad := range []string{"", "S", "sa", "DA", "D ", " A", "SAU", "XX", "E A"} {
		if ValidCountry(bad) {
			t.Errorf("ValidCountry(%q) = true", bad)
		}
	}
}

// TestValidCountryEveryPair: of all two-byte strings, exactly the table's
// codes are valid.
func TestValidCountryEveryPair(t *testing.T) {
	want := map[string]bool{}
	for _, code := range strings.Fields(countryCodes) {
		want[code] = true
	}
	for i := range 1 << 16 {
		s := string([]byte{byte(i >> 8), byte(i)})
		if ValidCountry(s) != want[s] {
			t.Errorf("ValidCountry(%q) = %v", s, !want[s])
		}
	}
}
