package course_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/flows/course"
)

const (
	cavv   = "AAIBBRQxMAAAAAPoaCAjdQAAAAA="
	cavvA  = "AAEBBRQxMAAAAAPoaCAjdQAAAAE="
	dsID   = "00000000-0000-4000-8000-000000000002"
	acsURL = "https://sandbox.walletsim.example/acs/challenge/1"
)

var t0 = time.Date(2026, 6, 23, 8, 15, 22, 0, time.UTC)

// purchase is what the flows would record of one authentication in the
// sandbox: its EMV messages (built as the sandbox builds them) and what
// the flows saw, set by with.
func purchase(t *testing.T, s emv.Scheme, ch emv.Channel, pref string, o emv.Outcome, with func(*course.Purchase)) course.Purchase {
	t.Helper()
	a := emv.Authentication{
		IDs:  emv.IDs{ThreeDSServer: "00000000-0000-4000-8000-000000000001", DS: dsID, ACS: "00000000-0000-4000-8000-000000000003"},
		Time: t0, Scheme: s, Card: emv.Card{Number: "4000000000001003", Month: 1, Year: 2030},
		Amount: 100, Currency: "SAR", Channel: ch, ChallengePreference: pref,
		ReturnURL: "https://shop.example/return", Parties: emv.SandboxParties,
	}
	steps, err := emv.Build(a, o)
	if err != nil {
		t.Fatal(err)
	}
	p := course.Purchase{ID: "auth-1", At: t0, CardLastFour: "1003", Scheme: string(s), Channel: string(ch), Preference: pref}
	p.ApplyMessages(steps)
	if with != nil {
		with(&p)
	}
	return p
}

func frictionless(t *testing.T, s emv.Scheme, st emv.TransStatus, reason emv.Reason) course.Purchase {
	o := emv.Outcome{Status: st, Reason: reason}
	switch st {
	case emv.Authenticated:
		o.CAVV = cavv
	case emv.Attempted:
		o.CAVV = cavvA
	}
	return purchase(t, s, emv.ChannelBrowser, "no_preference", o, nil)
}

func challenge(t *testing.T, r emv.Result, with func(*course.Purchase)) course.Purchase {
	return purchase(t, emv.Visa, emv.ChannelBrowser, "no_preference",
		emv.Outcome{Status: emv.ChallengeRequired, Mandated: true, ACSURL: acsURL, Result: &r}, with)
}

func decoupled(t *testing.T, r emv.Result, wallet string) course.Purchase {
	return purchase(t, emv.Visa, emv.ChannelDecoupled, "no_preference",
		emv.Outcome{Status: emv.DecoupledConfirmed, Mandated: true, Result: &r},
		func(p *course.Purchase) { p.Wallet = wallet })
}

// exerciseCase is one shipped exercise done right and done otherwise.
type exerciseCase struct {
	pass     course.Record
	answer   string // what the learner types for the exercise's ask
	fail     course.Record
	wrong    string // a wrong answer, with pass (for exercises that ask)
	mentions string // what the failing grade must name
}

// shippedCases are the shipped exercises, by lesson/exercise id, each
// passed by what the sandbox would record when the learner does the task.
func shippedCases(t *testing.T) map[string]exerciseCase {
	rec := func(ps ...course.Purchase) course.Record { return course.Record{Purchases: ps} }
	y := frictionless(t, emv.Visa, emv.Authenticated, "")
	passed := challenge(t, emv.Result{Status: emv.Authenticated, CAVV: cavv, Interactions: 1, Method: emv.MethodSMSOTP},
		func(p *course.Purchase) { p.OTP = "SMS" })
	mandated := purchase(t, emv.Visa, emv.ChannelBrowser, "mandated", emv.Outcome{Status: emv.Attempted, CAVV: cavvA}, nil)
	return map[string]exerciseCase{
		"parties/first-messages": {pass: rec(y), answer: dsID, fail: course.Record{}, wrong: "df3450f9", mentions: "No purchase yet"},
		"frictionless/frictionless-y": {pass: rec(y), fail: rec(passed),
			mentions: "the ACS's first answer (ARes transStatus) was C, wanted Y"},
		"frictionless/challenge-indicator": {pass: rec(mandated), answer: "04", fail: rec(y), wrong: "01",
			mentions: "challenge_preference was no_preference, wanted mandated"},
		"challenge/challenge-pass": {pass: rec(passed), fail: rec(y), mentions: "was Y, wanted C"},
		"challenge/wrong-then-right": {
			pass: rec(challenge(t, emv.Result{Status: emv.Authenticated, CAVV: cavv, Interactions: 2},
				func(p *course.Purchase) { p.WrongCodes = 1 })),
			fail: rec(passed), mentions: "wrong codes typed: 0, wanted at least 1"},
		"challenge/timeout": {
			pass:   rec(challenge(t, emv.Result{Status: emv.Unavailable, Reason: emv.ReasonTimedOutAtACS, Cancel: emv.CancelACSTimeout}, nil)),
			answer: "04", wrong: "01",
			fail: rec(passed), mentions: "final transStatus was Y, wanted U"},
		"decoupled/approve-read-cavv": {
			pass:   rec(decoupled(t, emv.Result{Status: emv.Authenticated, CAVV: cavv, Interactions: 1}, "VERIFIED")),
			answer: cavv, wrong: strings.ToLower(cavv),
			fail:     rec(decoupled(t, emv.Result{Status: emv.Unavailable, Reason: emv.ReasonDecoupledMaxTime, Cancel: emv.CancelDecoupledTimeout}, "")),
			mentions: "the wallet's answer: none yet, wanted VERIFIED"},
		"decoupled/reject": {
			pass:     rec(decoupled(t, emv.Result{Status: emv.NotAuthenticated, Reason: emv.ReasonCardAuthFailed, Interactions: 1}, "REJECTED")),
			fail:     rec(decoupled(t, emv.Result{Status: emv.Authenticated, CAVV: cavv, Interactions: 1}, "VERIFIED")),
			mentions: "the wallet's answer was VERIFIED, wanted REJECTED"},
		"eci-cavv/eci-06": {pass: rec(frictionless(t, emv.Amex, emv.Attempted, "")), fail: rec(frictionless(t, emv.Mastercard, emv.Attempted, "")),
			mentions: "ECI was 01, wanted 06"},
		"eci-cavv/mastercard-eci": {pass: rec(frictionless(t, emv.Mastercard, emv.Authenticated, "")), answer: "02", wrong: "05",
			fail: rec(y), mentions: "scheme was visa, wanted mastercard"},
		"outcomes/rejected-reason": {pass: rec(frictionless(t, emv.Mada, emv.Rejected, emv.ReasonSuspectedFraud)), answer: "11", wrong: "12",
			fail: rec(frictionless(t, emv.Mada, emv.NotAuthenticated, emv.ReasonCardAuthFailed)), mentions: "was N, wanted R"},
		"outcomes/unavailable-reason": {pass: rec(frictionless(t, emv.Visa, emv.Unavailable, emv.ReasonACSTechnicalIssue)), answer: "22", wrong: "14",
			fail: rec(y), mentions: "final transStatus was Y, wanted U"},
		"outcomes/too-many-codes": {
			pass: rec(challenge(t, emv.Result{Status: emv.NotAuthenticated, Reason: emv.ReasonMaxChallenges, Interactions: 3},
				func(p *course.Purchase) { p.WrongCodes = 3 })),
			answer: "19", wrong: "01",
			fail:     rec(challenge(t, emv.Result{Status: emv.NotAuthenticated, Reason: emv.ReasonNotPerformed, Cancel: emv.CancelByCardholder}, nil)),
			mentions: "wrong codes typed: 0, wanted at least 3"},
		"enrollment/enroll-sms": {
			pass:     course.Record{Enrollments: []course.Enrollment{{At: t0, CardLastFour: "1003", Action: course.Enrolled, Method: "SMS"}}},
			fail:     course.Record{Enrollments: []course.Enrollment{{At: t0, CardLastFour: "1003", Action: course.Enrolled, Method: "EMAIL"}}},
			mentions: "one-time code method was EMAIL, wanted SMS"},
		"enrollment/code-by-email": {
			pass: rec(challenge(t, emv.Result{Status: emv.Authenticated, CAVV: cavv, Interactions: 1, Method: emv.MethodOTPOther},
				func(p *course.Purchase) { p.OTP = "EMAIL" })),
			fail: rec(passed), mentions: "where the one-time code went was SMS, wanted EMAIL"},
	}
}

// TestShippedExercises: every shipped exercise passes when the learner
// does what it asks (and types the right value), and fails, saying what
// is missing, when they did something else or typed a wrong value.
func TestShippedExercises(t *testing.T) {
	c, err := course.Load("")
	if err != nil {
		t.Fatal(err)
	}
	cases := shippedCases(t)
	names := map[string]bool{}
	for _, l := range c.Lessons {
		for _, e := range l.Exercises {
			names[l.ID+"/"+e.ID] = true
		}
	}
	for name := range cases {
		if !names[name] {
			t.Errorf("grading case %s matches no shipped exercise", name)
		}
	}
	for _, l := range c.Lessons {
		for _, e := range l.Exercises {
			name := l.ID + "/" + e.ID
			t.Run(name, func(t *testing.T) {
				tc, ok := cases[name]
				if !ok {
					t.Fatal("no grading case for this exercise: add one to shippedCases")
				}
				if g := e.Grade(tc.pass, tc.answer); !g.Passed {
					t.Errorf("doing it: %s", g)
				}
				g := e.Grade(tc.fail, tc.answer)
				if g.Passed || !strings.Contains(g.String(), tc.mentions) {
					t.Errorf("doing something else: %s; want it to say %q", g, tc.mentions)
				}
				if e.Ask == nil {
					return
				}
				if g := e.Grade(tc.pass, tc.wrong); g.Passed || !strings.Contains(g.String(), "is not the") {
					t.Errorf("a wrong answer %q: %s", tc.wrong, g)
				}
				if g := e.Grade(tc.pass, " "); g.Passed || !strings.Contains(g.String(), "now find its") {
					t.Errorf("no answer: %s", g)
				}
			})
		}
	}
}

func TestGradeRules(t *testing.T) {
	y := frictionless(t, emv.Visa, emv.Authenticated, "")
	older, newer := y, frictionless(t, emv.Visa, emv.Rejected, emv.ReasonSuspectedFraud)
	older.CardLastFour, older.At = "0001", t0
	newer.CardLastFour, newer.At = "0002", t0.Add(time.Minute)
	rec := course.Record{Purchases: []course.Purchase{older, newer}}
	for _, tc := range []struct {
		name   string
		e      course.Exercise
		answer string
		pass   bool
		says   string
	}{
		{"any value", course.Exercise{Purchase: []course.Condition{{Key: "cavv", Want: "any"}}}, "", true, ""},
		{"any value missing", course.Exercise{Purchase: []course.Condition{{Key: "cancel", Want: "any"}}}, "", false, "it has no challengeCancel (yet)."},
		{"closest is the one with fewest misses", course.Exercise{Purchase: []course.Condition{{Key: "status", Want: "R"}, {Key: "reason", Want: "12"}}},
			"", false, "card ending 0002 at 08:16:22, transStatusReason was 11, wanted 12."},
		{"ties go to the newest", course.Exercise{Purchase: []course.Condition{{Key: "status", Want: "U"}}},
			"", false, "card ending 0002"},
		{"a message's field", course.Exercise{Purchase: []course.Condition{{Key: "ARes.transStatusReason", Want: "11"}}}, "", true, ""},
		{"a message type", course.Exercise{Purchase: []course.Condition{{Key: "messages", Want: "RReq"}}}, "", false, "it has no RReq among its messages (yet)."},
		{"answer without the leading zero", course.Exercise{Purchase: []course.Condition{{Key: "status", Want: "R"}},
			Ask: &course.Ask{Key: "reason"}}, " 11 ", true, ""},
		{"answer in lower case", course.Exercise{Purchase: []course.Condition{{Key: "reason", Want: "11"}},
			Ask: &course.Ask{Key: "status"}}, "r", true, ""},
		{"a CAVV is exact", course.Exercise{Purchase: []course.Condition{{Key: "status", Want: "Y"}},
			Ask: &course.Ask{Key: "cavv"}}, strings.ToUpper(cavv), false, "is not the CAVV"},
		{"the answer of any matching purchase", course.Exercise{Purchase: []course.Condition{{Key: "scheme", Want: "visa"}},
			Ask: &course.Ask{Key: "status"}}, "Y", true, ""},
		{"each miss after the first is a sentence", course.Exercise{Purchase: []course.Condition{{Key: "scheme", Want: "mastercard"}, {Key: "status", Want: "A"}, {Key: "reason", Want: "12"}}},
			"", false, "scheme was visa, wanted mastercard. Final transStatus was R, wanted A. transStatusReason was 11, wanted 12."},
		{"no enrollment", course.Exercise{Enrollment: []course.Condition{{Key: "action", Want: "enrolled"}}}, "", false, "No enrollment change yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.e.Grade(rec, tc.answer)
			if g.Passed != tc.pass || !strings.Contains(g.String(), tc.says) {
				t.Errorf("Grade = %s, want passed=%v saying %q", g, tc.pass, tc.says)
			}
		})
	}
}

func TestQuestionAnswer(t *testing.T) {
	q := course.Question{Choices: []course.Choice{{Text: "a", Why: "no"}, {Text: "b", Correct: true, Why: "yes"}}}
	for i, want := range []struct {
		ok  bool
		why string
	}{{false, "no"}, {true, "yes"}} {
		if ok, why := q.Answer(i); ok != want.ok || why != want.why {
			t.Errorf("Answer(%d) = %v %q", i, ok, why)
		}
	}
	if ok, why := q.Answer(5); ok || why == "" {
		t.Errorf("Answer(5) = %v %q", ok, why)
	}
}

// TestJournalConcurrent: flows feed the journal from several goroutines
// while the course grades snapshots (run with -race).
func TestJournalConcurrent(t *testing.T) {
	var j course.Journal
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("auth-%d", i%4)
			j.Purchase(id, func(p *course.Purchase) { p.Status = "Y"; p.Interactions++ })
			j.Enrollment(course.Enrollment{Action: course.Viewed})
		}()
		go func() {
			defer wg.Done()
			_ = j.Snapshot()
		}()
	}
	wg.Wait()
	rec := j.Snapshot()
	total := 0
	for _, p := range rec.Purchases {
		total += p.Interactions
	}
	if len(rec.Purchases) != 4 || total != 8 || len(rec.Enrollments) != 8 {
		t.Errorf("journal: %d purchases, %d updates, %d enrollments", len(rec.Purchases), total, len(rec.Enrollments))
	}
}

// TestApplyMessages: the EMV messages set a purchase's values; the RReq
// overrides the ARes's C.
func TestApplyMessages(t *testing.T) {
	p := challenge(t, emv.Result{Status: emv.NotAuthenticated, Reason: emv.ReasonNotPerformed, Cancel: emv.CancelByCardholder, Interactions: 2}, nil)
	if p.AResStatus != "C" || p.Mandated != "Y" || p.Status != "N" || p.Reason != "26" || p.Cancel != "01" || p.Interactions != 2 || p.ECI != "" {
		t.Errorf("%+v", p)
	}
	y := frictionless(t, emv.Mastercard, emv.Authenticated, "")
	if y.AResStatus != "Y" || y.Status != "Y" || y.ECI != "02" || y.CAVV != cavv {
		t.Errorf("%+v", y)
	}
}
