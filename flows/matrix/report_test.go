package matrix

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"testing"
)

const (
	readmeBegin = "<!-- walletsim matrix --markdown: begin -->\n"
	readmeEnd   = "<!-- walletsim matrix --markdown: end -->"
)

// The README's outcome table is the one walletsim checks against: it is
// written by WriteMarkdown, between two markers.
func TestREADMEHasTheTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), readmeBegin)
	inside, _, ok2 := strings.Cut(rest, readmeEnd)
	if !ok || !ok2 {
		t.Fatalf("README.md has no %q … %q block", strings.TrimSpace(readmeBegin), readmeEnd)
	}
	var want bytes.Buffer
	WriteMarkdown(&want)
	if inside != want.String() {
		t.Errorf("README.md's outcome table is not the documented one: regenerate it with\n  go run ./cmd/walletsim matrix --markdown\nwant:\n%s", want.String())
	}
}

func TestReports(t *testing.T) {
	rep := run(t, Approve)
	rep.Cells[0].Got.TransStatus = "N" // one red cell
	rep.Passed, rep.Failed = rep.Passed-1, 1

	var j bytes.Buffer
	if err := WriteJSON(&j, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Failed int
		Cells  []struct {
			Card string
			OK   bool
			Diff string
			Got  struct{ TransStatus string }
		}
	}
	if err := json.Unmarshal(j.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Failed != 1 || len(doc.Cells) != len(Cells()) || doc.Cells[0].OK || doc.Cells[0].Diff != "transStatus N, want Y" || !doc.Cells[1].OK {
		t.Errorf("JSON: %+v", doc.Cells[:2])
	}

	var x bytes.Buffer
	if err := WriteJUnit(&x, rep); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(x.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != len(Cells()) || suites.Failures != 1 {
		t.Errorf("JUnit: %d tests, %d failures", suites.Tests, suites.Failures)
	}

	var s bytes.Buffer
	WriteSummary(&s, rep)
	if want := fmt.Sprintf("✗ 4000000000000010 browser no_preference enrolled: transStatus N, want Y\n%d cells, %d as documented, 1 not", len(Cells()), len(Cells())-1); !strings.HasPrefix(s.String(), want) {
		t.Errorf("summary:\n%s", s.String())
	}

	rows := Grid(rep)
	if len(rows) != len(Cells())/4 || len(rows[0].Cells) != 4 || rows[0].Cells[3].Preference != "mandated" {
		t.Errorf("grid: %d rows, first %+v", len(rows), rows[0])
	}
}
