package emv

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// validate refuses an authentication or outcome the builders cannot turn
// into messages EMV allows, naming what is wrong: the sandbox's own
// mistakes are found here, not by whoever reads the messages later.
func validate(a Authentication, o Outcome) error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	for _, id := range [][2]string{{"IDs.ThreeDSServer", a.IDs.ThreeDSServer}, {"IDs.DS", a.IDs.DS}, {"IDs.ACS", a.IDs.ACS}} {
		if !formats().uuid.MatchString(id[1]) {
			bad("%s %q is not a UUID", id[0], id[1])
		}
	}
	if a.Time.IsZero() {
		bad("Time is not set")
	}
	if !formats().pan.MatchString(a.Card.Number) {
		bad("Card.Number is not 12–19 digits")
	}
	if a.Card.Month < 1 || a.Card.Month > 12 || a.Card.Year < 2000 {
		bad("Card expiry %d/%d is not a month and a year from 2000", a.Card.Month, a.Card.Year)
	}
	if a.Amount < 0 {
		bad("Amount %d is negative", a.Amount)
	}
	if a.Channel != ChannelBrowser && a.Channel != ChannelDecoupled {
		bad("Channel %q is neither browser nor decoupled", a.Channel)
	}
	if !strings.HasPrefix(a.ReturnURL, "https://") && !strings.HasPrefix(a.ReturnURL, "http://") {
		bad("ReturnURL %q is not an http(s) URL", a.ReturnURL)
	}
	errs = append(errs, validateOutcome(a, o)...)
	if len(errs) > 0 {
		return errors.New("emv: " + strings.Join(errs, "; "))
	}
	return nil
}

func validateOutcome(a Authentication, o Outcome) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	switch o.Status {
	case Authenticated, Attempted, NotAuthenticated, Unavailable, Rejected:
		if o.Result != nil {
			bad("a Result is only for C and D, not %s", o.Status)
		}
	case ChallengeRequired:
		if o.ACSURL == "" {
			bad("C needs the ACSURL of the challenge page")
		}
	case DecoupledConfirmed:
		if a.Channel != ChannelDecoupled {
			bad("the ACS may answer D only when the AReq asked for decoupled authentication (answer N with reason 23)")
		}
	default:
		bad("Status %q is not one of Y A N U R C D", o.Status)
	}
	errs = append(errs, checkResult("", o.Status, o.Reason, o.CAVV)...)
	if o.Status.Final() && (o.AuthType != "" || o.Mandated || o.ACSURL != "") {
		bad("AuthType, Mandated and ACSURL are only for C and D")
	}
	if r := o.Result; r != nil {
		switch r.Status {
		case Authenticated, Attempted, NotAuthenticated, Unavailable, Rejected:
		default:
			bad("Result.Status %q is not one of Y A N U R", r.Status)
		}
		errs = append(errs, checkResult("Result.", r.Status, r.Reason, r.CAVV)...)
		if r.Interactions < 0 || r.Interactions > 99 {
			bad("Result.Interactions %d is not 0–99", r.Interactions)
		}
		if r.Cancel != "" && !knownCode("challengeCancel", string(r.Cancel)) {
			bad("Result.Cancel %q is not a challengeCancel code", r.Cancel)
		}
		// A browser challenge ends with a CRes, which carries only Y or N:
		// any other result must be a timeout, when there is no CRes.
		if o.Status == ChallengeRequired && r.Status != Authenticated && r.Status != NotAuthenticated && !r.Cancel.TimedOut() {
			bad("a challenge ends in Y or N, or in a timeout (Result.Cancel 03, 04, 05 or 08), not %s", r.Status)
		}
	}
	return errs
}

// checkResult checks the reason and CAVV that go with a transStatus.
func checkResult(prefix string, st TransStatus, reason Reason, cavv string) []string {
	var errs []string
	switch st {
	case Authenticated, Attempted:
		if !formats().cavv.MatchString(cavv) {
			errs = append(errs, fmt.Sprintf("%s%s needs a CAVV of 28 base64 characters, not %q", prefix, st, cavv))
		}
		if reason != "" {
			errs = append(errs, fmt.Sprintf("%s%s carries no reason", prefix, st))
		}
	case NotAuthenticated, Unavailable, Rejected:
		if !knownCode("transStatusReason", string(reason)) {
			errs = append(errs, fmt.Sprintf("%s%s needs a transStatusReason 01–26, not %q", prefix, st, reason))
		}
		if cavv != "" {
			errs = append(errs, fmt.Sprintf("%s%s carries no CAVV", prefix, st))
		}
	default:
		if reason != "" || cavv != "" {
			errs = append(errs, fmt.Sprintf("%s%s carries neither reason nor CAVV", prefix, st))
		}
	}
	return errs
}

// formats are validate's regexps, compiled when first used (see rules).
var formats = sync.OnceValue(func() struct{ uuid, pan, cavv *regexp.Regexp } {
	return struct{ uuid, pan, cavv *regexp.Regexp }{
		uuid: regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
		pan:  regexp.MustCompile(`^[0-9]{12,19}$`),
		cavv: regexp.MustCompile(`^[A-Za-z0-9+/]{27}=$|^[A-Za-z0-9+/]{28}$`),
	}
})
