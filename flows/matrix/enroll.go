package matrix

import (
	"context"
	"fmt"

	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/flows"
)

// enrollments reads each test card's enrollment: its OTP method, or ""
// when it is not enrolled.
func enrollments(ctx context.Context, sess *flows.Session) (map[string]issuing.OTPMethod, error) {
	got := map[string]issuing.OTPMethod{}
	for _, tc := range testcards.All {
		m, err := method(ctx, sess.Enrollment(cardOf(tc)))
		if err != nil {
			return nil, fmt.Errorf("card %s: %w", tc.PAN, err)
		}
		got[tc.CardID] = m
	}
	return got, nil
}

// method is the card's OTP method, "" when the issuer says it is not
// enrolled (a 4xx to the view).
func method(ctx context.Context, e *flows.EnrollmentFlow) (issuing.OTPMethod, error) {
	r := e.View(ctx)
	switch {
	case r.OK:
		return r.OTPMethod, nil
	case r.HTTPStatus >= 400 && r.HTTPStatus < 500:
		return "", nil
	}
	return "", fmt.Errorf("view: %s", r)
}

// setEnrollment enrolls every test card with OTP method m, or unenrolls it.
func setEnrollment(ctx context.Context, sess *flows.Session, enrolled bool, m issuing.OTPMethod) error {
	want := issuing.OTPMethod("")
	if enrolled {
		want = m
	}
	for _, tc := range testcards.All {
		if err := enroll(ctx, sess.Enrollment(cardOf(tc)), want); err != nil {
			return fmt.Errorf("card %s: %w", tc.PAN, err)
		}
	}
	return nil
}

// enroll brings one card to OTP method want ("" for not enrolled).
func enroll(ctx context.Context, e *flows.EnrollmentFlow, want issuing.OTPMethod) error {
	have, err := method(ctx, e)
	if err != nil || have == want {
		return err
	}
	var r flows.Result
	switch {
	case want == "":
		r = e.Unenroll(ctx)
	case have == "":
		r = e.Enroll(ctx, want)
	default:
		r = e.Change(ctx, want)
	}
	return stepErr(string(want), r)
}

// restore puts the cards' enrollments back as before.
func restore(ctx context.Context, sess *flows.Session, before map[string]issuing.OTPMethod) error {
	for _, tc := range testcards.All {
		if err := enroll(ctx, sess.Enrollment(cardOf(tc)), before[tc.CardID]); err != nil {
			return fmt.Errorf("restoring card %s: %w", tc.PAN, err)
		}
	}
	return nil
}
