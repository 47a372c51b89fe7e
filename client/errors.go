package client

import (
	"sort"
	"strings"
)

// FieldError is one bad field of a request, named as on the wire
// ("customer_device.timezone", "verification.method", "x-card-id").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors collects the bad fields of one request.
type FieldErrors []FieldError

// Add records a bad field.
func (fe *FieldErrors) Add(field, message string) {
	*fe = append(*fe, FieldError{Field: field, Message: message})
}

// Err returns a *ValidationError for op, or nil when there is nothing wrong.
func (fe FieldErrors) Err(op string) error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Op: op, Fields: fe}
}

// ValidationError is a request refused before anything was sent.
type ValidationError struct {
	Op     string
	Fields FieldErrors
}

func (e *ValidationError) Error() string {
	return e.Op + ": invalid request: " + JoinFields(e.Fields)
}

// JoinFields renders field errors as "field: message; field: message",
// sorted by field so that the text is stable.
func JoinFields(fields FieldErrors) string {
	sorted := append(FieldErrors(nil), fields...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Field < sorted[j].Field })
	parts := make([]string, len(sorted))
	for i, f := range sorted {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}
