package sandbox

import (
	"strings"
)

// Outcome is what a test card forces.
type Outcome string

// The outcomes a test card can force: a transStatus, or a fault.
const (
	Frictionless Outcome = "Y" // authenticated without a challenge
	Attempted    Outcome = "A" // attempts processing
	Challenge    Outcome = "C" // browser challenge with a one-time code
	Decoupled    Outcome = "D" // decoupled: the wallet approves or rejects
	NotAuth      Outcome = "N" // not authenticated
	Rejected     Outcome = "R" // issuer rejects
	Unavailable  Outcome = "U" // authentication could not be performed
	Fault500     Outcome = "500"
	Fault503     Outcome = "503"
	FaultTimeout Outcome = "timeout"
)

// Scheme is a card network as seed 004 names it in "scheme".
type Scheme string

// The schemes the sandbox knows.
const (
	Visa       Scheme = "visa"
	Mastercard Scheme = "mastercard"
	Mada       Scheme = "mada"
)

// TestCard is a card the sandbox knows: its PAN forces an outcome, and it
// belongs to the sandbox cardholder, so enrolling it (x-card-id = CardID)
// lets the ACS challenge it.
type TestCard struct {
	PAN     string
	Scheme  Scheme
	Outcome Outcome
	CardID  string
}

// LastFour is the PAN's last four digits.
func (c TestCard) LastFour() string { return c.PAN[len(c.PAN)-4:] }

// Describe says what the card forces, for tables and pickers.
func (o Outcome) Describe() string {
	switch o {
	case Frictionless:
		return "Frictionless: authenticated at once (Y)"
	case Attempted:
		return "Attempted: attempts processing, proof of attempt (A)"
	case Challenge:
		return "Challenge: one-time code on the issuer's page (C → Y/N/U)"
	case Decoupled:
		return "Decoupled: the wallet approves or rejects (D → Y/N/U)"
	case NotAuth:
		return "Not authenticated (N)"
	case Rejected:
		return "Rejected by the issuer (R)"
	case Unavailable:
		return "Authentication unavailable (U)"
	case Fault500:
		return "3DS server answers 500"
	case Fault503:
		return "3DS server answers 503"
	case FaultTimeout:
		return "3DS server never answers (client timeout)"
	}
	return string(o)
}

// The sandbox cardholder: every test card is theirs.
const (
	CardholderID = "CH-5435323362"
	WalletID     = "WAL-5435323362"
	CustomerID   = "5435323362" // on the wallet platform (seed 002's example)
	HolderName   = "Layla Haddad"
	HolderEmail  = "layla.haddad@example.com"
	HolderPhone  = "+966500000001"
)

// outcomeCodes are the digits 13–15 of a test PAN.
var outcomeCodes = []struct {
	code    string
	outcome Outcome
}{
	{"001", Frictionless}, {"002", Attempted}, {"003", Challenge}, {"004", Decoupled},
	{"005", NotAuth}, {"006", Rejected}, {"007", Unavailable},
	{"500", Fault500}, {"503", Fault503}, {"408", FaultTimeout},
}

// TestCards is the table of cards: BIN + 000000 + outcome code + Luhn digit,
// for a Visa, a Mastercard and a mada (co-badged with Visa) BIN.
var TestCards = func() []TestCard {
	var cards []TestCard
	for _, s := range []struct {
		bin    string
		scheme Scheme
	}{{"400000", Visa}, {"520000", Mastercard}, {"440647", Mada}} {
		for _, oc := range outcomeCodes {
			pan := withLuhn(s.bin + "000000" + oc.code)
			cards = append(cards, TestCard{
				PAN: pan, Scheme: s.scheme, Outcome: oc.outcome,
				CardID: "7e57ca4d-0000-4000-8000-" + pan[len(pan)-12:],
			})
		}
	}
	return cards
}()

// Lookup finds a test card by PAN.
func Lookup(pan string) (TestCard, bool) {
	for _, c := range TestCards {
		if c.PAN == pan {
			return c, true
		}
	}
	return TestCard{}, false
}

// LookupCardID finds a test card by its card id.
func LookupCardID(id string) (TestCard, bool) {
	for _, c := range TestCards {
		if c.CardID == id {
			return c, true
		}
	}
	return TestCard{}, false
}

// madaBINs are a few of mada's issuer BINs (mada cards are co-badged, so
// they must be checked before the Visa/Mastercard ranges).
var madaBINs = []string{"440647", "440795", "446404", "457865", "588845", "588846", "588847", "588848", "588849", "588850", "968201", "968202", "968203", "968204", "968205", "968206", "968207", "968208", "968209", "968211", "636120", "504300", "529741", "543357"}

// SchemeOf names the network of a PAN from its BIN: mada, Visa (4),
// Mastercard (51–55, 2221–2720); anything else is "unknown".
func SchemeOf(pan string) Scheme {
	for _, b := range madaBINs {
		if strings.HasPrefix(pan, b) {
			return Mada
		}
	}
	if strings.HasPrefix(pan, "4") {
		return Visa
	}
	if len(pan) >= 4 {
		p2, p4 := atoi(pan[:2]), atoi(pan[:4])
		if p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720 {
			return Mastercard
		}
	}
	return "unknown"
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// withLuhn appends the Luhn check digit to a payload of digits.
func withLuhn(payload string) string {
	sum := 0
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if (len(payload)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return payload + string(rune('0'+(10-sum%10)%10))
}

// ECI is the Electronic Commerce Indicator for a result: only Y and A carry
// one. Mastercard uses 02/01, the others (Visa, mada) 05/06.
func ECI(s Scheme, transStatus string) string {
	mc := s == Mastercard
	switch {
	case transStatus == "Y" && mc:
		return "02"
	case transStatus == "Y":
		return "05"
	case transStatus == "A" && mc:
		return "01"
	case transStatus == "A":
		return "06"
	}
	return ""
}

// WebhookScheme is the cardScheme of a ThreeDSecureEvent (VISA | MC); the
// sandbox's mada cards are co-badged with Visa.
func WebhookScheme(s Scheme) string {
	if s == Mastercard {
		return "MC"
	}
	return "VISA"
}
