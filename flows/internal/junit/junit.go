// Package junit writes JUnit XML as CI servers read it: one suite of test
// cases, for the reports of walletsim run and walletsim check.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// Case is one test case.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr,omitempty"`
	Failure   *Problem `xml:"failure,omitempty"`
	Error     *Problem `xml:"error,omitempty"`
	Skipped   *Problem `xml:"skipped,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Problem is why a case failed, erred or was skipped.
type Problem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type suites struct {
	XMLName xml.Name `xml:"testsuites"`
	counts
	Suites []suite `xml:"testsuite"`
}

type suite struct {
	Name string `xml:"name,attr"`
	counts
	Cases []Case `xml:"testcase"`
}

type counts struct {
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr,omitempty"`
	Time     string `xml:"time,attr"`
}

// Secs is a duration as JUnit writes it: seconds, to the millisecond.
func Secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// Write writes one suite named name, which took d, with its counts taken
// from the cases.
func Write(w io.Writer, name string, d time.Duration, cases []Case) error {
	c := counts{Tests: len(cases), Time: Secs(d)}
	for _, tc := range cases {
		switch {
		case tc.Failure != nil:
			c.Failures++
		case tc.Error != nil:
			c.Errors++
		case tc.Skipped != nil:
			c.Skipped++
		}
	}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites{counts: c, Suites: []suite{{Name: name, counts: c, Cases: cases}}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
