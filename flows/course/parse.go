package course

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"go.yaml.in/yaml/v3"
)

// Limits of a lesson file, in bytes and counts, so a strange file is
// refused quickly instead of filling the screen or the memory.
const (
	MaxFileBytes    = 256 << 10
	MaxWidth        = 76 // columns of a body line: the lesson pane of an 80-column screen
	maxExercises    = 20
	maxQuestions    = 10
	maxChoices      = 6
	maxTitleRunes   = 60
	maxSummaryRunes = 72
	maxTextRunes    = 400
)

// Error is every problem found in one lesson file.
type Error struct {
	File     string
	Problems []Problem
}

// Problem is one bad line: its field (a path such as exercises[1].task)
// and what is wrong.
type Problem struct {
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s:%d: %s: %s", e.File, p.Line, p.Field, p.Msg)
	}
	return b.String()
}

// The raw shapes of a lesson file's front matter, decoded strictly
// (unknown keys are errors).
type (
	rawLesson struct {
		ID        string        `yaml:"id"`
		Title     string        `yaml:"title"`
		Order     *int          `yaml:"order"`
		Summary   string        `yaml:"summary"`
		Exercises []rawExercise `yaml:"exercises"`
		Questions []rawQuestion `yaml:"questions"`
	}
	rawExercise struct {
		ID         string    `yaml:"id"`
		Task       string    `yaml:"task"`
		Hint       string    `yaml:"hint"`
		Purchase   yaml.Node `yaml:"purchase"`
		Enrollment yaml.Node `yaml:"enrollment"`
		Ask        *rawAsk   `yaml:"ask"`
	}
	rawAsk struct {
		Prompt string `yaml:"prompt"`
		Value  string `yaml:"value"`
	}
	rawQuestion struct {
		ID      string      `yaml:"id"`
		Ask     string      `yaml:"ask"`
		Choices []rawChoice `yaml:"choices"`
	}
	rawChoice struct {
		Text    string `yaml:"text"`
		Correct bool   `yaml:"correct"`
		Why     string `yaml:"why"`
	}
)

// parser collects the problems of one file.
type parser struct {
	file     string
	root     *yaml.Node // the front matter's mapping, for lines
	offset   int        // file line of the front matter's first line, minus one
	problems []Problem
}

func (p *parser) fail(line int, field, format string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// at is the file line of the node at path in the front matter (the
// nearest existing parent's when the path ends early).
func (p *parser) at(path ...any) int {
	n, line := p.root, 1
	for _, step := range path {
		next := child(n, step)
		if next == nil {
			break
		}
		n, line = next, next.Line
	}
	return line + p.offset
}

// child is a mapping's value for a key, or a sequence's element.
func child(n *yaml.Node, step any) *yaml.Node {
	if n == nil {
		return nil
	}
	switch s := step.(type) {
	case string:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					return n.Content[i+1]
				}
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s < len(n.Content) {
			return n.Content[s]
		}
	}
	return nil
}

var (
	idRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	notFoundRE = regexp.MustCompile(`^field (\S+) not found in type`)
)

// Parse reads one lesson file: YAML front matter between two "---" lines,
// then the lesson's Markdown. file names it in errors.
func Parse(file string, data []byte) (*Lesson, error) {
	p := &parser{file: file, offset: 1}
	front, body, bodyLine, ok := p.split(data)
	if !ok {
		return nil, p.err()
	}
	var raw rawLesson
	if !p.decode(front, &raw) {
		return nil, p.err()
	}
	l := p.lesson(raw)
	l.Body, l.Source = p.body(body, bodyLine), file
	if len(p.problems) > 0 {
		return nil, p.err()
	}
	return l, nil
}

func (p *parser) err() error { return &Error{File: p.file, Problems: p.problems} }

// split separates the front matter from the body.
func (p *parser) split(data []byte) (front, body []byte, bodyLine int, ok bool) {
	switch {
	case len(data) > MaxFileBytes:
		p.fail(1, "file", "larger than %d KiB", MaxFileBytes>>10)
		return nil, nil, 0, false
	case !utf8.Valid(data):
		p.fail(1, "file", "not UTF-8 text")
		return nil, nil, 0, false
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) == 0 || strings.TrimRight(lines[0], "\n") != "---" {
		p.fail(1, "file", `a lesson starts with a line "---", then its front matter (id, title, order, …)`)
		return nil, nil, 0, false
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimRight(lines[i], "\n") == "---" {
			return []byte(strings.Join(lines[1:i], "")), []byte(strings.Join(lines[i+1:], "")), i + 2, true
		}
	}
	p.fail(1, "file", `the front matter has no closing "---" line`)
	return nil, nil, 0, false
}

// decode reads the front matter strictly, reporting YAML's errors with
// the file's line numbers and the field they are in.
func (p *parser) decode(front []byte, raw *rawLesson) bool {
	var doc yaml.Node
	if err := yaml.Unmarshal(front, &doc); err != nil {
		p.yamlError(err)
		return false
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.fail(2, "front matter", "must be a mapping of keys (id, title, order, …)")
		return false
	}
	p.root = doc.Content[0]
	dec := yaml.NewDecoder(bytes.NewReader(front))
	dec.KnownFields(true)
	if err := dec.Decode(raw); err != nil {
		p.yamlError(err)
		return false
	}
	return true
}

// yamlError turns YAML's errors ("line 5: field colour not found in type
// …") into problems.
func (p *parser) yamlError(err error) {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, msg := range msgs {
		m := yamlLineRE.FindStringSubmatch(msg)
		if m == nil {
			p.fail(1, "front matter", "%s", strings.TrimPrefix(msg, "yaml: "))
			continue
		}
		line, _ := strconv.Atoi(m[1])
		field, text := pathAt(p.root, line), m[2]
		if f := notFoundRE.FindStringSubmatch(text); f != nil {
			text = "unknown field"
		}
		if field == "" {
			field = "front matter"
		}
		p.fail(line+p.offset, field, "%s", text)
	}
}

// pathAt is the path of the key on line (YAML's numbering) in n, "" when
// none is.
func pathAt(n *yaml.Node, line int) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if sub := pathAt(v, line); sub != "" {
				return join(k.Value, sub)
			}
			if k.Line == line {
				return k.Value
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if sub := pathAt(c, line); sub != "" {
				return fmt.Sprintf("[%d]%s", i, dotted(sub))
			}
			if c.Line == line {
				return fmt.Sprintf("[%d]", i)
			}
		}
	}
	return ""
}

func join(key, sub string) string {
	if strings.HasPrefix(sub, "[") {
		return key + sub
	}
	return key + "." + sub
}

func dotted(sub string) string {
	if sub == "" || strings.HasPrefix(sub, "[") {
		return sub
	}
	return "." + sub
}

// body checks the Markdown: not empty, no tabs, no line wider than
// MaxWidth columns.
func (p *parser) body(body []byte, first int) string {
	text := strings.Trim(string(body), "\n")
	if strings.TrimSpace(text) == "" {
		p.fail(first, "body", "the lesson has no text after the front matter")
		return ""
	}
	lead := len(string(body)) - len(strings.TrimLeft(string(body), "\n"))
	for i, line := range strings.Split(text, "\n") {
		n := first + lead + i
		if strings.Contains(line, "\t") {
			p.fail(n, "body", "a tab: indent with spaces (tabs show differently in each terminal)")
		}
		if w := ansi.StringWidth(line); w > MaxWidth {
			p.fail(n, "body", "%d columns wide, more than %d: break the line", w, MaxWidth)
		}
	}
	return text
}
