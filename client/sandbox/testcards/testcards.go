// Package testcards is the sandbox's catalogue: the test cards and what each
// forces, the sandbox cardholder who owns them, the card schemes, and how
// amounts are written. It holds no HTTP, so that the flows and the TUI can
// offer test cards without importing the sandbox server.
package testcards

import (
	"strings"

	"github.com/walletsim/walletsim/client/emv"
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

// Scheme is a card network as seed 004 names it in "scheme".
type Scheme string

// The schemes the sandbox knows. American Express's 3DS program is
// SafeKey, with the same ECI values as Visa (05/06/07).
const (
	Visa       Scheme = "visa"
	Mastercard Scheme = "mastercard"
	Mada       Scheme = "mada"
	Amex       Scheme = "amex"
)

// Schemes lists them in the order the catalogue does.
var Schemes = []Scheme{Visa, Mastercard, Mada, Amex}

// The sandbox cardholder: every test card is theirs.
const (
	CardholderID = "CH-5435323362"
	WalletID     = "WAL-5435323362"
	CustomerID   = "5435323362" // on the wallet platform (seed 002's example)
	HolderName   = "Layla Haddad"
	HolderEmail  = "layla.haddad@example.com"
	HolderPhone  = "+966500000001"
)

// Card is a card the sandbox knows: its PAN forces an outcome, and it
// belongs to the sandbox cardholder, so enrolling it (x-card-id = CardID)
// lets the ACS challenge it. A card that forces N, R or U says why:
// Reason is the transStatusReason the ACS answers with.
type Card struct {
	PAN     string
	Scheme  Scheme
	Outcome Outcome
	Reason  emv.Reason
	CardID  string
}

// Describe says what the card forces, with its reason, for tables and
// pickers: "Rejected (R) · 05 expired card". It stays within 53
// characters, what a picker row leaves at 80 columns.
func (c Card) Describe() string {
	if c.Reason == "" {
		return c.Outcome.Describe()
	}
	return statusWord[c.Outcome] + " (" + string(c.Outcome) + ") · " + string(c.Reason) + " " + ReasonText(c.Reason)
}

var statusWord = map[Outcome]string{NotAuth: "Not authenticated", Rejected: "Rejected", Unavailable: "Unavailable"}

// Short is a scheme's name in four letters or fewer, for narrow
// tables: visa, mc, mada, amex.
func (s Scheme) Short() string {
	if s == Mastercard {
		return "mc"
	}
	return string(s)
}

// ReasonText is a transStatusReason's meaning in a few words, as the
// catalogue shows it.
func ReasonText(r emv.Reason) string {
	if t, ok := reasonText[r]; ok {
		return t
	}
	return emv.CodeMeaning("transStatusReason", string(r))
}

var reasonText = map[emv.Reason]string{
	emv.ReasonCardAuthFailed:    "card authentication failed",
	emv.ReasonExpiredCard:       "expired card",
	emv.ReasonNoCardRecord:      "no card record",
	emv.ReasonSuspectedFraud:    "suspected fraud",
	emv.ReasonNotPermitted:      "not permitted to cardholder",
	emv.ReasonNotEnrolled:       "cardholder not enrolled",
	emv.ReasonTimedOutAtACS:     "timed out at the ACS",
	emv.ReasonMaxChallenges:     "max challenges exceeded",
	emv.ReasonACSTechnicalIssue: "ACS technical issue",
	emv.ReasonNotPerformed:      "attempted, not performed",
}

// LastFour is the PAN's last four digits.
func (c Card) LastFour() string { return c.PAN[len(c.PAN)-4:] }

// GroupPAN writes a PAN in groups as cards print it: four digits at a
// time, and an American Express card's 15 digits as 4-6-5.
func GroupPAN(pan string) string {
	gaps := func(i int) bool { return i%4 == 0 }
	if len(pan) == 15 && SchemeOf(pan) == Amex {
		gaps = func(i int) bool { return i == 4 || i == 10 }
	}
	var b strings.Builder
	for i, r := range pan {
		if i > 0 && gaps(i) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// outcomeCodes are the digits 13–15 of a test PAN (12–14 of an American
// Express one). The plain N, R and U cards carry the commonest reason of
// their status; the "2xx" cards force the other main reasons (2 and the
// reason's two digits), each with the transStatus the ACS answers it with
// (emv.ReasonOutcomes).
var outcomeCodes = []struct {
	code    string
	outcome Outcome
	reason  emv.Reason
}{
	{"001", Frictionless, ""}, {"002", Attempted, ""}, {"003", Challenge, ""}, {"004", Decoupled, ""},
	{"005", NotAuth, emv.ReasonCardAuthFailed}, {"006", Rejected, emv.ReasonSuspectedFraud},
	{"007", Unavailable, emv.ReasonACSTechnicalIssue},
	{"500", Fault500, ""}, {"503", Fault503, ""}, {"408", FaultTimeout, ""},
	{"205", Rejected, emv.ReasonExpiredCard}, {"208", NotAuth, emv.ReasonNoCardRecord},
	{"212", Rejected, emv.ReasonNotPermitted}, {"213", Unavailable, emv.ReasonNotEnrolled},
	{"214", Unavailable, emv.ReasonTimedOutAtACS}, {"219", NotAuth, emv.ReasonMaxChallenges},
	{"226", NotAuth, emv.ReasonNotPerformed},
}

// bins are the BIN of each scheme's test cards. mada's is co-badged with
// Visa; American Express's PANs are 15 digits long (BIN + 00000 +
// outcome code + Luhn digit), the others' 16 (BIN + 000000 + …).
var bins = []struct {
	bin    string
	scheme Scheme
	fill   string
}{{"400000", Visa, "000000"}, {"520000", Mastercard, "000000"}, {"440647", Mada, "000000"}, {"374245", Amex, "00000"}}

// All is the table of cards, scheme by scheme in the order of Schemes,
// the reason cards after the others.
var All = func() []Card {
	cards := make([]Card, 0, len(bins)*len(outcomeCodes))
	for _, s := range bins {
		for _, oc := range outcomeCodes {
			pan := withLuhn(s.bin + s.fill + oc.code)
			cards = append(cards, Card{
				PAN: pan, Scheme: s.scheme, Outcome: oc.outcome, Reason: oc.reason,
				CardID: "7e57ca4d-0000-4000-8000-" + pan[len(pan)-12:],
			})
		}
	}
	return cards
}()

// Lookup finds a test card by PAN.
func Lookup(pan string) (Card, bool) {
	for _, c := range All {
		if c.PAN == pan {
			return c, true
		}
	}
	return Card{}, false
}

// LookupCardID finds a test card by its card id.
func LookupCardID(id string) (Card, bool) {
	for _, c := range All {
		if c.CardID == id {
			return c, true
		}
	}
	return Card{}, false
}

// madaBINs are a few of mada's issuer BINs (mada cards are co-badged, so
// they must be checked before the Visa/Mastercard ranges).
var madaBINs = []string{"440647", "440795", "446404", "457865", "588845", "588846", "588847", "588848", "588849", "588850", "968201", "968202", "968203", "968204", "968205", "968206", "968207", "968208", "968209", "968211", "636120", "504300", "529741", "543357"}

// SchemeOf names the network of a PAN from its BIN: mada, Visa (4),
// Mastercard (51–55, 2221–2720), American Express (34, 37); anything else
// is "unknown".
func SchemeOf(pan string) Scheme {
	for _, b := range madaBINs {
		if strings.HasPrefix(pan, b) {
			return Mada
		}
	}
	if strings.HasPrefix(pan, "4") {
		return Visa
	}
	if strings.HasPrefix(pan, "34") || strings.HasPrefix(pan, "37") {
		return Amex
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
