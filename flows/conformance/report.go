package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/walletsim/walletsim/flows/internal/junit"
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

// WriteJUnit writes the report as JUnit XML: one test case per rule.
func WriteJUnit(w io.Writer, r *Report) error {
	var cases []junit.Case
	for _, res := range r.Results {
		c := junit.Case{Name: res.ID + ": " + res.Title, Classname: "seed " + res.Seed}
		p := &junit.Problem{Message: res.Detail}
		switch res.Status {
		case Failed:
			c.Failure = p
		case Errored:
			c.Error = p
		case Skipped:
			c.Skipped = p
		}
		cases = append(cases, c)
	}
	return junit.Write(w, "walletsim check "+r.Target, r.Duration, cases)
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
