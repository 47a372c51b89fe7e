package flows

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// Result is how a step ended, in terms a person (or a scenario's
// expectations) can check. Other packages read its typed fields; Fields
// is the same story as labelled text, for display only.
type Result struct {
	OK      bool
	Summary string // one line, plain words
	// HTTPStatus is the final answer's status (0 when there was none).
	HTTPStatus int
	// Fields are the values that matter, labelled, in display order.
	Fields []Field

	// What the API's answer said, when the step got one.
	Status       string // the status word: the enrollment's (ACTIVE), the authentication's (authenticated), the wallet decision's (VERIFIED)
	StatusReason string // the wallet platform's reason for its status
	Message      string // the issuer's or the 3DS server's message

	// Authentication results, when the step has one.
	TransStatus       string
	ECI               string
	CAVV              string
	FailureReason     string // why the authentication did not succeed
	ChallengeURL      string // the ACS's challenge page, while it waits (C)
	ChallengeMandated string // the ACS's acsChallengeMandated: Y or N
	// AttemptsLeft is how many codes the challenge page still takes; nil
	// when the step read no challenge page.
	AttemptsLeft *int
	Amount       Money // the purchase's amount

	// Enrollment results.
	OTPMethod   issuing.OTPMethod
	Destination string // where one-time codes go, masked

	// Errors: the API's code and bad fields, or a transport or validation
	// failure; Err is the underlying error.
	ErrorCode   string
	FieldErrors []client.FieldError
	Err         error
	Cancelled   bool
	// Skipped: the step cannot be done on this target, and Summary says
	// why in words. Not a failure, unless something was expected of it.
	Skipped bool
}

// Skip is a step not done on this target, with the reason.
func Skip(reason string) Result { return Result{Skipped: true, Summary: reason} }

// Field is one labelled value of a Result, for display.
type Field struct {
	Label, Value string
}

// Money is an amount in minor units of an ISO 4217 currency.
type Money struct {
	Minor    int64
	Currency string
}

// String is the amount with its currency ("SAR 49.99"), or "" for none.
func (m Money) String() string {
	if m == (Money{}) {
		return ""
	}
	return testcards.FormatAmount(m.Minor, m.Currency)
}

// MaxMoney bounds what ParseMoney takes, in major units.
const MaxMoney = 1_000_000_000

//lint:ignore ST1005 a sentence for the person who typed the amount
var errNotAmount = errors.New("Enter an amount such as 49.99.")

// ParseMoney reads an amount typed in major units ("49.99") as minor
// units of currency, exactly: as a decimal string, never through a float
// (where 49.9900000001 once passed as 4999). Its errors are sentences
// for the person who typed it.
func ParseMoney(s, currency string) (Money, error) {
	decimals := testcards.CurrencyDecimals(currency)
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	if whole+frac == "" || !digitsOnly(whole) || !digitsOnly(frac) {
		return Money{}, errNotAmount
	}
	if len(frac) > decimals {
		if strings.Trim(frac[decimals:], "0") != "" {
			return Money{}, fmt.Errorf("%s has %d decimals.", currency, decimals) //lint:ignore ST1005 a sentence for the person who typed it
		}
		frac = frac[:decimals]
	}
	frac += strings.Repeat("0", decimals-len(frac))
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > len(strconv.Itoa(MaxMoney)) {
		return Money{}, errNotAmount
	}
	scale := int64(1)
	for range decimals {
		scale *= 10
	}
	minor, _ := strconv.ParseInt(whole+frac, 10, 64) // at most 13 digits
	if minor <= 0 || minor > MaxMoney*scale {
		return Money{}, errNotAmount
	}
	return Money{minor, currency}, nil
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (r *Result) add(label, value string) {
	if value != "" {
		r.Fields = append(r.Fields, Field{label, value})
	}
}

// failure turns any error of a step into a readable Result: never a crash.
func failure(err error) Result {
	r := Result{Err: err}
	var (
		ve  *client.ValidationError
		te  *client.TransportError
		ie  *issuing.Error
		we  *wallet.Error
		tde *threeds.Error
		ne  net.Error
	)
	switch {
	case errors.Is(err, context.Canceled):
		r.Cancelled = true
		r.Summary = "Cancelled."
	case errors.As(err, &ve):
		r.Summary = "Not sent: the request is invalid."
		r.FieldErrors = ve.Fields
	case errors.As(err, &ie):
		r.HTTPStatus, r.ErrorCode = ie.HTTPStatus, fmt.Sprint(ie.Code)
		r.Summary = fmt.Sprintf("The issuer %s (HTTP %d): %s", answered(ie.HTTPStatus), ie.HTTPStatus, ie.Message)
	case errors.As(err, &we):
		r.HTTPStatus, r.ErrorCode = we.HTTPStatus, we.Code
		r.Summary = fmt.Sprintf("The wallet platform %s (HTTP %d, %s): %s", answered(we.HTTPStatus), we.HTTPStatus, we.Code, we.Message)
		if len(we.Details) > 0 && len(we.FieldErrors) == 0 {
			r.Summary += " — " + strings.Join(we.Details, " ")
		}
		for _, f := range we.FieldErrors {
			r.FieldErrors = append(r.FieldErrors, client.FieldError{Field: f.Field, Message: f.Error})
		}
	case errors.As(err, &tde):
		r.HTTPStatus = tde.HTTPStatus
		r.Summary = fmt.Sprintf("The 3DS server %s (HTTP %d): %s", answered(tde.HTTPStatus), tde.HTTPStatus, tde.Message)
		for _, f := range slices.Sorted(maps.Keys(tde.Errors)) {
			for _, m := range tde.Errors[f] {
				r.FieldErrors = append(r.FieldErrors, client.FieldError{Field: f, Message: m})
			}
		}
	case errors.As(err, &ne) && ne.Timeout():
		r.Summary = "No answer in time: the request timed out."
	case errors.As(err, &te):
		r.Summary = "No answer: " + te.Err.Error()
	default:
		r.Summary = err.Error()
	}
	return r
}

// answered says how a party answered an error status: a 4xx refuses the
// request, a 5xx is the party failing.
func answered(status int) string {
	if status >= 500 {
		return "failed"
	}
	return "refused"
}

// String is a Result's text with its field errors, for logs and reports.
func (r Result) String() string {
	if len(r.FieldErrors) == 0 {
		return r.Summary
	}
	return r.Summary + " " + client.JoinFields(r.FieldErrors)
}
