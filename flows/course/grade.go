package course

import (
	"fmt"
	"strings"
)

// Grade is the result of checking an exercise against the record.
type Grade struct {
	Passed bool
	// Missing says, when not passed, what is missing: which purchase came
	// closest, then each condition it did not meet.
	Missing []string
}

func (g Grade) String() string {
	if g.Passed {
		return "Passed."
	}
	return "Not yet: " + strings.Join(g.Missing, " ")
}

// Grade checks the exercise against what the learner did; answer is what
// they typed for the exercise's Ask ("" when it has none).
func (e Exercise) Grade(rec Record, answer string) Grade {
	if len(e.Enrollment) > 0 {
		_, g := match(e.Enrollment, enrollmentFacts, rec.Enrollments, describeEnrollment, "No enrollment change yet in this session.")
		return g
	}
	facts := make(map[string]fact[Purchase], len(e.Purchase))
	for _, c := range e.Purchase {
		facts[c.Key], _ = lookupPurchaseFact(c.Key)
	}
	matched, g := match(e.Purchase, facts, rec.Purchases, describePurchase, "No purchase yet in this session.")
	if !g.Passed || e.Ask == nil {
		return g
	}
	f, _ := lookupPurchaseFact(e.Ask.Key)
	typed := strings.TrimSpace(answer)
	if typed == "" {
		return Grade{Missing: []string{fmt.Sprintf("You did it; now find its %s and type it in.", f.label)}}
	}
	for _, p := range matched {
		if f.sameAnswer(typed, f.get(p)) {
			return Grade{Passed: true}
		}
	}
	return Grade{Missing: []string{fmt.Sprintf("%q is not the %s of a purchase that did this: look again.", typed, f.label)}}
}

// match finds, newest first, the items that meet every condition, or says
// what the closest one lacks.
func match[T any](conds []Condition, facts map[string]fact[T], items []T, describe func(T) string, none string) ([]T, Grade) {
	var matched []T
	var closest []string
	closestItem := -1
	for i := len(items) - 1; i >= 0; i-- {
		var unmet []string
		for _, c := range conds {
			f := facts[c.Key]
			if got := f.get(items[i]); !f.met(got, c.Want) {
				unmet = append(unmet, f.unmet(got, c.Want))
			}
		}
		if len(unmet) == 0 {
			matched = append(matched, items[i])
		} else if closestItem < 0 || len(unmet) < len(closest) {
			closest, closestItem = unmet, i
		}
	}
	switch {
	case len(matched) > 0:
		return matched, Grade{Passed: true}
	case closestItem < 0:
		return nil, Grade{Missing: []string{none}}
	}
	for i := 1; i < len(closest); i++ { // the first follows "Closest so far: …,"
		closest[i] = sentence(closest[i])
	}
	return nil, Grade{Missing: append([]string{"Closest so far: " + describe(items[closestItem]) + ","}, closest...)}
}

// sentence starts a sentence with a capital, unless its first word is a
// name as EMV spells it (transStatusReason, challenge_preference, ECI).
func sentence(s string) string {
	word, _, _ := strings.Cut(s, " ")
	if word == "" || strings.ContainsFunc(word, func(r rune) bool { return r != '-' && (r < 'a' || r > 'z') }) {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// unmet says in words how got falls short of want.
func (f fact[T]) unmet(got, want string) string {
	switch {
	case f.numeric:
		return fmt.Sprintf("%s: %s, wanted at least %s.", f.label, got, want)
	case f.list:
		return fmt.Sprintf("it has no %s among its %s (yet).", want, f.label)
	case got == "" && want == Any:
		return fmt.Sprintf("it has no %s (yet).", f.label)
	case got == "":
		return fmt.Sprintf("%s: none yet, wanted %s.", f.label, want)
	}
	return fmt.Sprintf("%s was %s, wanted %s.", f.label, got, want)
}

func describePurchase(p Purchase) string {
	s := "the purchase"
	if p.CardLastFour != "" {
		s += " with the card ending " + p.CardLastFour
	}
	if !p.At.IsZero() {
		s += " at " + p.At.Format("15:04:05")
	}
	return s
}

func describeEnrollment(e Enrollment) string {
	s := "the change"
	if e.CardLastFour != "" {
		s += " to the card ending " + e.CardLastFour
	}
	if !e.At.IsZero() {
		s += " at " + e.At.Format("15:04:05")
	}
	return s
}
