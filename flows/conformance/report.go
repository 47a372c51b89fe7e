package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Line is one rule as text: its mark, id and title, and for a rule that did
// not pass, what differed or why it was skipped on the next line.
func Line(r Result) string {
	mark := map[Status]string{Passed: "✓", Failed: "✗", Skipped: "–", Errored: "✗"}[r.Status]
	line := fmt.Sprintf("%s %-26s  %s", mark, r.ID, r.Title)
	switch r.Status {
	case Failed:
		line += "\n    " + r.Detail
	case Skipped:
		line += "\n    skipped: " + r.Detail
	case Errored:
		line += "\n    " + r.Detail
	}
	return line
}

// WriteSummary writes the totals.
func WriteSummary(w io.Writer, r *Report) {
	fmt.Fprintf(w, "%d rules on %s: %d passed, %d failed, %d skipped, %d without an answer in %s\n",
		len(r.Results), r.Target, r.Count(Passed), r.Count(Failed), r.Count(Skipped), r.Count(Errored), r.Duration.Round(1e6))
}

// WriteText writes every rule, then the totals.
func WriteText(w io.Writer, r *Report) {
	for _, res := range r.Results {
		fmt.Fprintln(w, Line(res))
	}
	WriteSummary(w, r)
}

type jsonReport struct {
	Target     string   `json:"target"`
	Passed     int      `json:"passed"`
	Failed     int      `json:"failed"`
	Skipped    int      `json:"skipped"`
	Errors     int      `json:"errors"`
	DurationMS int64    `json:"duration_ms"`
	Rules      []Result `json:"rules"`
}

// WriteJSON writes the report as JSON.
func WriteJSON(w io.Writer, r *Report) error {
	out := jsonReport{Target: r.Target, Passed: r.Count(Passed), Failed: r.Count(Failed), Skipped: r.Count(Skipped),
		Errors: r.Count(Errored), DurationMS: r.Duration.Milliseconds(), Rules: r.Results}
	if out.Rules == nil {
		out.Rules = []Result{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

type junitSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Skipped  int        `xml:"skipped,attr"`
	Time     string     `xml:"time,attr"`
	Suite    junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one test case per rule.
func WriteJUnit(w io.Writer, r *Report) error {
	secs := fmt.Sprintf("%.3f", r.Duration.Seconds())
	suite := junitSuite{Name: "walletsim check " + r.Target, Tests: len(r.Results), Failures: r.Count(Failed),
		Errors: r.Count(Errored), Skipped: r.Count(Skipped), Time: secs}
	for _, res := range r.Results {
		c := junitCase{Name: res.ID + ": " + res.Title, Classname: "seed " + res.Seed}
		p := &junitProblem{Message: res.Detail}
		switch res.Status {
		case Failed:
			c.Failure = p
		case Errored:
			c.Error = p
		case Skipped:
			c.Skipped = p
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped, Time: secs, Suite: suite}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Failures lists the rules that did not pass, one line each, for a test's
// or a person's quick look.
func (r *Report) Failures() []string {
	var out []string
	for _, res := range r.Results {
		if res.Status == Failed || res.Status == Errored {
			out = append(out, res.ID+": "+strings.ReplaceAll(res.Detail, "\n", " "))
		}
	}
	return out
}
