package course

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// lesson checks the decoded front matter and builds the Lesson.
func (p *parser) lesson(raw rawLesson) *Lesson {
	l := &Lesson{ID: raw.ID, Title: strings.TrimSpace(raw.Title), Summary: strings.TrimSpace(raw.Summary), idLine: p.at("id")}
	if !idRE.MatchString(raw.ID) {
		p.fail(p.at("id"), "id", "%q: an id is 1–40 lower-case letters, digits and dashes", raw.ID)
	}
	p.text(l.Title, maxTitleRunes, true, "title")
	p.text(l.Summary, maxSummaryRunes, false, "summary")
	if raw.Order == nil {
		p.fail(p.at("order"), "order", "missing: lessons are shown by order (the shipped ones use 10, 20, … 70)")
	} else if l.Order = *raw.Order; l.Order < 0 || l.Order > 9999 {
		p.fail(p.at("order"), "order", "%d is not 0–9999", l.Order)
	}
	if len(raw.Exercises)+len(raw.Questions) == 0 {
		p.fail(p.at(), "exercises", "a lesson ends with exercises or questions: it has neither")
	}
	if len(raw.Exercises) > maxExercises {
		p.fail(p.at("exercises"), "exercises", "%d exercises, more than %d", len(raw.Exercises), maxExercises)
	}
	if len(raw.Questions) > maxQuestions {
		p.fail(p.at("questions"), "questions", "%d questions, more than %d", len(raw.Questions), maxQuestions)
	}
	ids := map[string]bool{}
	for i, re := range raw.Exercises {
		l.Exercises = append(l.Exercises, p.exercise(i, re, ids))
	}
	for i, rq := range raw.Questions {
		l.Questions = append(l.Questions, p.question(i, rq, ids))
	}
	return l
}

// text checks a piece of text's presence and length; path locates it.
func (p *parser) text(s string, max int, required bool, path ...any) {
	name := fieldName(path)
	switch n := utf8.RuneCountInString(s); {
	case required && strings.TrimSpace(s) == "":
		p.fail(p.at(path...), name, "missing")
	case n > max:
		p.fail(p.at(path...), name, "%d characters, more than %d", n, max)
	}
}

// fieldName renders a path as exercises[1].task.
func fieldName(path []any) string {
	var b strings.Builder
	for _, s := range path {
		switch s := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		case string:
			if b.Len() > 0 {
				b.WriteString(".")
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

// id checks an exercise's or question's id, unique in the lesson.
func (p *parser) id(id string, seen map[string]bool, path ...any) {
	at, name := p.at(append(path, "id")...), fieldName(append(path, "id"))
	switch {
	case !idRE.MatchString(id):
		p.fail(at, name, "%q: an id is 1–40 lower-case letters, digits and dashes", id)
	case seen[id]:
		p.fail(at, name, "%q is used twice in this lesson", id)
	}
	seen[id] = true
}

func (p *parser) exercise(i int, re rawExercise, ids map[string]bool) Exercise {
	at := []any{"exercises", i}
	e := Exercise{ID: re.ID, Task: strings.TrimSpace(re.Task), Hint: strings.TrimSpace(re.Hint)}
	p.id(re.ID, ids, at...)
	p.text(e.Task, maxTextRunes, true, append(at, "task")...)
	p.text(e.Hint, maxTextRunes, false, append(at, "hint")...)
	hasP, hasE := re.Purchase.Kind != 0, re.Enrollment.Kind != 0
	switch {
	case hasP == hasE:
		p.fail(p.at(at...), fieldName(at), "an exercise checks a purchase: or an enrollment: (exactly one)")
	case hasP:
		e.Purchase = conditions(p, &re.Purchase, append(at, "purchase"), func(k string) (fact[Purchase], bool) { return lookupPurchaseFact(k) })
	default:
		e.Enrollment = conditions(p, &re.Enrollment, append(at, "enrollment"), func(k string) (fact[Enrollment], bool) {
			f, ok := enrollmentFacts[k]
			return f, ok
		})
	}
	if re.Ask != nil {
		e.Ask = p.ask(re.Ask, hasP, append(at, "ask"))
	}
	return e
}

// conditions reads a mapping of fact: value, in order, each key a known
// fact and each value one it can have.
func conditions[T any](p *parser, n *yaml.Node, at []any, lookup func(string) (fact[T], bool)) []Condition {
	name := fieldName(at)
	if n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		p.fail(n.Line+p.offset, name, "must be a mapping of facts to values, e.g. status: Y")
		return nil
	}
	var out []Condition
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := lookup(k.Value)
		switch {
		case !ok:
			p.fail(k.Line+p.offset, name+"."+k.Value, "unknown fact (see the lesson format in the README)")
		case v.Kind != yaml.ScalarNode:
			p.fail(v.Line+p.offset, name+"."+k.Value, "must be a single value")
		default:
			if msg := f.checkWant(v.Value); msg != "" {
				p.fail(v.Line+p.offset, name+"."+k.Value, "%s", msg)
			}
			out = append(out, Condition{Key: k.Value, Want: v.Value})
		}
	}
	return out
}

func (p *parser) ask(ra *rawAsk, purchase bool, at []any) *Ask {
	a := &Ask{Prompt: strings.TrimSpace(ra.Prompt), Key: ra.Value}
	p.text(a.Prompt, 80, true, append(at, "prompt")...)
	f, ok := lookupPurchaseFact(ra.Value)
	switch {
	case !purchase:
		p.fail(p.at(at...), fieldName(at), "only a purchase exercise can ask for a value")
	case !ok:
		p.fail(p.at(append(at, "value")...), fieldName(append(at, "value")), "%q is not a purchase fact to read", ra.Value)
	case f.numeric || f.list:
		p.fail(p.at(append(at, "value")...), fieldName(append(at, "value")), "%q is a count or a list, not a value to type", ra.Value)
	}
	return a
}

func (p *parser) question(i int, rq rawQuestion, ids map[string]bool) Question {
	at := []any{"questions", i}
	q := Question{ID: rq.ID, Ask: strings.TrimSpace(rq.Ask)}
	p.id(rq.ID, ids, at...)
	p.text(q.Ask, maxTextRunes, true, append(at, "ask")...)
	if n := len(rq.Choices); n < 2 || n > maxChoices {
		p.fail(p.at(append(at, "choices")...), fieldName(append(at, "choices")), "%d choices: a question has 2 to %d", n, maxChoices)
	}
	correct := 0
	for j, rc := range rq.Choices {
		c := Choice{Text: strings.TrimSpace(rc.Text), Correct: rc.Correct, Why: strings.TrimSpace(rc.Why)}
		cat := append(at, "choices", j)
		p.text(c.Text, maxTextRunes, true, append(cat, "text")...)
		p.text(c.Why, maxTextRunes, true, append(cat, "why")...)
		if c.Correct {
			correct++
		}
		q.Choices = append(q.Choices, c)
	}
	if correct != 1 && len(rq.Choices) > 0 {
		p.fail(p.at(append(at, "choices")...), fieldName(append(at, "choices")), "%d choices are correct: exactly one must be", correct)
	}
	return q
}
