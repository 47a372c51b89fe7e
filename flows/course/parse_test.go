package course_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/flows/course"
)

// valid is a small lesson file with every kind of part.
const valid = `---
id: my-lesson
title: Our platform's 3DS
order: 15
summary: What our issuer does differently.
exercises:
  - id: y
    task: Make a purchase that ends with Y.
    purchase:
      status: "Y"
      eci: "05"
    ask:
      prompt: "Its CAVV:"
      value: RReq.authenticationValue
  - id: sms
    task: Enroll by SMS.
    enrollment:
      method: SMS
questions:
  - id: q
    ask: Which?
    choices:
      - text: This
        correct: true
        why: Because.
      - text: That
        why: Because not.
---
# Our platform

Some text.
`

func TestParseValid(t *testing.T) {
	l, err := course.Parse("my.md", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "my-lesson" || l.Order != 15 || l.Body != "# Our platform\n\nSome text." || len(l.Exercises) != 2 || len(l.Questions) != 1 {
		t.Errorf("%+v", l)
	}
	e := l.Exercises[0]
	if len(e.Purchase) != 2 || e.Purchase[0] != (course.Condition{Key: "status", Want: "Y"}) || e.Ask.Key != "RReq.authenticationValue" {
		t.Errorf("exercise %+v", e)
	}
	if crlf, err := course.Parse("crlf.md", []byte(strings.ReplaceAll(valid, "\n", "\r\n"))); err != nil || crlf.Body != l.Body {
		t.Errorf("CRLF: %v", err)
	}
}

// TestParseRefuses: each bad file is refused with its file, line and
// field (the line of the offending key or value in the file).
func TestParseRefuses(t *testing.T) {
	swap := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("%q not in the valid lesson", old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"no front matter", "# Just text\n", "x.md:1: file: a lesson starts with"},
		{"unclosed front matter", "---\nid: x\n", `x.md:1: file: the front matter has no closing "---"`},
		{"not UTF-8", "---\nid: \xff\n---\nx\n", "x.md:1: file: not UTF-8"},
		{"too large", "---\n" + strings.Repeat("#", course.MaxFileBytes), "x.md:1: file: larger than 256 KiB"},
		{"YAML syntax", swap("title: Our platform's 3DS", "title: [unclosed"), "x.md:"},
		{"not a mapping", "---\n- a\n---\nx\n", "x.md:2: front matter: must be a mapping"},
		{"unknown key", swap("order: 15", "order: 15\ncolour: red"), "x.md:5: colour: unknown field"},
		{"unknown exercise key", swap("    task: Enroll by SMS.", "    task: Enroll by SMS.\n    points: 3"), "x.md:17: exercises[1].points: unknown field"},
		{"order not a number", swap("order: 15", "order: soon"), "x.md:4: order: cannot unmarshal !!str `soon` into int"},
		{"order missing", swap("order: 15\n", ""), "x.md:2: order: missing"},
		{"bad id", swap("id: my-lesson", "id: My Lesson"), `x.md:2: id: "My Lesson": an id is`},
		{"title missing", swap("title: Our platform's 3DS", "title: ''"), "x.md:3: title: missing"},
		{"title too long", swap("title: Our platform's 3DS", "title: "+strings.Repeat("t", 61)), "x.md:3: title: 61 characters, more than 60"},
		{"unknown fact", swap(`      eci: "05"`, `      colour: red`), "x.md:11: exercises[0].purchase.colour: unknown fact"},
		{"bad fact value", swap(`      eci: "05"`, `      eci: "5"`), `x.md:11: exercises[0].purchase.eci: "5" is not one of 05, 06, 07, 02, 01, 00`},
		{"bad status", swap(`      status: "Y"`, `      status: X`), `x.md:10: exercises[0].purchase.status: "X" is not one of Y, A, N, U, R`},
		{"unknown message field", swap("value: RReq.authenticationValue", "value: RReq.cavv"), `x.md:14: exercises[0].ask.value: "RReq.cavv" is not a purchase fact`},
		{"count asked", swap("value: RReq.authenticationValue", "value: wrong_codes"), "is a count or a list"},
		{"count not a number", swap(`      eci: "05"`, `      wrong_codes: some`), `exercises[0].purchase.wrong_codes: "some" is not a whole number`},
		{"list as a value", swap(`      eci: "05"`, `      eci: ["05", "06"]`), "x.md:11: exercises[0].purchase.eci: must be a single value"},
		{"both purchase and enrollment", swap("    enrollment:\n      method: SMS", "    enrollment:\n      method: SMS\n    purchase:\n      status: N"), "x.md:15: exercises[1]: an exercise checks a purchase: or an enrollment: (exactly one)"},
		{"neither", swap("    enrollment:\n      method: SMS\n", ""), "exercises[1]: an exercise checks"},
		{"ask on an enrollment", swap("      method: SMS", "      method: SMS\n    ask:\n      prompt: x\n      value: eci"), "exercises[1].ask: only a purchase exercise can ask"},
		{"duplicate id", swap("  - id: sms", "  - id: y"), `x.md:15: exercises[1].id: "y" is used twice`},
		{"no correct choice", swap("        correct: true\n", ""), "x.md:23: questions[0].choices: 0 choices are correct"},
		{"one choice", swap("      - text: That\n        why: Because not.\n", ""), "questions[0].choices: 1 choices: a question has 2 to 6"},
		{"choice without why", swap("        why: Because not.", ""), "x.md:26: questions[0].choices[1].why: missing"},
		{"nothing to do", "---\nid: x\ntitle: X\norder: 1\n---\nText\n", "x.md:2: exercises: a lesson ends with exercises or questions"},
		{"empty body", strings.Split(valid, "# Our")[0], "body: the lesson has no text"},
		{"wide line", valid + strings.Repeat("w", course.MaxWidth+1) + "\n", "x.md:32: body: 77 columns wide, more than 76"},
		{"tab", valid + "\tindented\n", "x.md:32: body: a tab"},
		{"duplicate key", swap("order: 15", "order: 15\norder: 16"), "already defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := course.Parse("x.md", []byte(tc.file))
			var pe *course.Error
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant a *course.Error containing %q", err, tc.want)
			}
		})
	}
}

// FuzzParse: no file panics or hangs the parser; a refusal always names
// a line from 1 and a field; what parses has an id, a title and a body.
func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\nexercises: [{purchase: {RReq.eci: any}}]\n---\nx"))
	f.Add([]byte("---\nid: a\ntitle: b\norder: 1\nquestions: [{id: q, ask: a, choices: [{text: a, why: b, correct: true}, {text: c, why: d}]}]\n---\nx\n"))
	f.Add([]byte("---\n&a [*a]\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := course.Parse("f.md", data)
		if err != nil {
			var pe *course.Error
			if !errors.As(err, &pe) || len(pe.Problems) == 0 {
				t.Fatalf("error %v is not a *course.Error with problems", err)
			}
			for _, p := range pe.Problems {
				if p.Line < 1 || p.Field == "" || p.Msg == "" {
					t.Fatalf("problem without line, field or message: %+v", p)
				}
			}
			return
		}
		if l.ID == "" || l.Title == "" || strings.TrimSpace(l.Body) == "" || len(l.Exercises)+len(l.Questions) == 0 {
			t.Fatalf("parsed an incomplete lesson: %+v", l)
		}
	})
}
