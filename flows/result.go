package flows

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// Result is how a step ended, in terms a person (or a scenario's
// expectations) can check.
type Result struct {
	OK      bool
	Summary string // one line, plain words
	// HTTPStatus is the final answer's status (0 when there was none).
	HTTPStatus int
	// Fields are the values that matter, in display order.
	Fields []Field
	// Authentication results, when the step has one.
	TransStatus string
	ECI         string
	CAVV        string
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

// Field is one labelled value of a Result.
type Field struct {
	Label, Value string
}

// Get returns the value of the field labelled label.
func (r Result) Get(label string) string {
	for _, f := range r.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
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
