package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/walletsim/walletsim/flows/internal/junit"
)

// StepLine is a step as one line of text: "✓ 3 authenticate — Challenge
// required (C)…" or "✗ …" with the failed expectations on the next lines.
func StepLine(sr *StepResult) string {
	mark, skipped := "✓", ""
	switch {
	case !sr.OK():
		mark = "✗"
	case sr.Result.Skipped:
		mark, skipped = "–", "skipped: "
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %s — %s%s", mark, sr.Index, sr.Action, skipped, sr.Result.String())
	for _, f := range sr.Failures {
		fmt.Fprintf(&b, "\n    line %d: %s", sr.ExpectLine, f)
	}
	if sr.Error != "" {
		fmt.Fprintf(&b, "\n    line %d: cannot run: %s", sr.Line, sr.Error)
	}
	return b.String()
}

// WriteSummary writes the run's totals and what went wrong.
func WriteSummary(w io.Writer, r *Report) {
	for _, s := range r.Scenarios {
		if s.Status == Passed {
			continue
		}
		fmt.Fprintf(w, "%s %s (%s): %s\n", strings.ToUpper(s.Status), s.Name, s.File, s.why())
	}
	skipped := ""
	switch n := r.SkippedSteps(); n {
	case 0:
	case 1:
		skipped = " (1 step skipped: not possible on the target)"
	default:
		skipped = fmt.Sprintf(" (%d steps skipped: not possible on the target)", n)
	}
	fmt.Fprintf(w, "%d scenarios: %d passed, %d failed, %d errors%s in %s\n",
		len(r.Scenarios), r.Passed, r.Failed, r.Errors, skipped, r.Duration.Round(1e6))
}

// SkippedSteps counts the steps not done because the target cannot do them.
func (r *Report) SkippedSteps() int {
	n := 0
	for _, s := range r.Scenarios {
		for _, st := range s.Steps {
			if st.Result.Skipped {
				n++
			}
		}
	}
	return n
}

// why says in one line why a scenario did not pass.
func (s *ScenarioResult) why() string {
	if s.Error != "" {
		return s.Error
	}
	for _, st := range s.Steps {
		if len(st.Failures) > 0 {
			return fmt.Sprintf("step %d (%s, line %d): %s", st.Index, st.Action, st.ExpectLine, strings.Join(st.Failures, "; "))
		}
	}
	return ""
}

// jsonReport is the --json output.
type jsonReport struct {
	Passed     int            `json:"passed"`
	Failed     int            `json:"failed"`
	Errors     int            `json:"errors"`
	DurationMS int64          `json:"duration_ms"`
	Scenarios  []jsonScenario `json:"scenarios"`
}

type jsonScenario struct {
	Name       string     `json:"name"`
	File       string     `json:"file"`
	Target     string     `json:"target"`
	Status     string     `json:"status"`
	Error      string     `json:"error,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	Steps      []jsonStep `json:"steps"`
}

type jsonStep struct {
	Index       int               `json:"index"`
	Line        int               `json:"line"`
	Action      string            `json:"action"`
	OK          bool              `json:"ok"`
	Skipped     bool              `json:"skipped,omitempty"` // not possible on the target; summary says why
	Summary     string            `json:"summary"`
	HTTPStatus  int               `json:"http_status,omitempty"`
	TransStatus string            `json:"trans_status,omitempty"`
	ECI         string            `json:"eci,omitempty"`
	CAVV        string            `json:"cavv,omitempty"`
	ErrorCode   string            `json:"error_code,omitempty"`
	FieldErrors map[string]string `json:"field_errors,omitempty"`
	Failures    []string          `json:"failures,omitempty"`
	Error       string            `json:"error,omitempty"`
}

// WriteJSON writes the report as JSON.
func WriteJSON(w io.Writer, r *Report) error {
	out := jsonReport{Passed: r.Passed, Failed: r.Failed, Errors: r.Errors, DurationMS: r.Duration.Milliseconds(), Scenarios: []jsonScenario{}}
	for _, s := range r.Scenarios {
		js := jsonScenario{Name: s.Name, File: s.File, Target: s.Target, Status: s.Status, Error: s.Error,
			DurationMS: s.Duration.Milliseconds(), Steps: []jsonStep{}}
		for _, st := range s.Steps {
			res := st.Result
			step := jsonStep{Index: st.Index, Line: st.Line, Action: st.Action, OK: st.OK(), Skipped: res.Skipped, Summary: res.Summary,
				HTTPStatus: res.HTTPStatus, TransStatus: res.TransStatus, ECI: res.ECI, CAVV: res.CAVV,
				ErrorCode: res.ErrorCode, Failures: st.Failures, Error: st.Error}
			for _, f := range res.FieldErrors {
				if step.FieldErrors == nil {
					step.FieldErrors = map[string]string{}
				}
				step.FieldErrors[f.Field] = f.Message
			}
			js.Steps = append(js.Steps, step)
		}
		out.Scenarios = append(out.Scenarios, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteJUnit writes the report as JUnit XML: one test case per scenario.
func WriteJUnit(w io.Writer, r *Report) error {
	var cases []junit.Case
	for _, s := range r.Scenarios {
		var log strings.Builder
		for _, st := range s.Steps {
			log.WriteString(StepLine(st) + "\n")
		}
		c := junit.Case{Name: s.Name, Classname: s.File, Time: junit.Secs(s.Duration), SystemOut: log.String()}
		switch s.Status {
		case Failed:
			c.Failure = &junit.Problem{Message: s.why(), Text: log.String()}
		case Errored:
			c.Error = &junit.Problem{Message: s.why(), Text: log.String()}
		}
		cases = append(cases, c)
	}
	return junit.Write(w, "walletsim", r.Duration, cases)
}
