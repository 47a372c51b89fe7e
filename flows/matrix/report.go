package matrix

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows/internal/junit"
)

// cardNames are the test cards' forced outcomes as the tables name them.
var cardNames = map[testcards.Outcome]string{
	testcards.Frictionless: "frictionless (Y)", testcards.Attempted: "attempted (A)",
	testcards.Challenge: "challenge (C)", testcards.Decoupled: "decoupled (D)",
	testcards.NotAuth: "not authenticated (N)", testcards.Rejected: "rejected (R)",
	testcards.Unavailable: "unavailable (U)", testcards.Fault500: "fault 500",
	testcards.Fault503: "fault 503", testcards.FaultTimeout: "fault timeout",
}

// CardName names what a test card forces, in a few words.
func CardName(o testcards.Outcome) string {
	if n, ok := cardNames[o]; ok {
		return n
	}
	return string(o)
}

// jsonCell is a cell as --json writes it.
type jsonCell struct {
	Card       string  `json:"card"`
	Scheme     string  `json:"scheme"`
	Forces     string  `json:"forces"`
	Channel    string  `json:"channel"`
	Preference string  `json:"challenge_preference"`
	Enrolled   bool    `json:"enrolled"`
	OK         bool    `json:"ok"`
	Want       Outcome `json:"want"`
	Got        Outcome `json:"got"`
	Diff       string  `json:"diff,omitempty"`
}

// WriteJSON writes the report as one JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	doc := struct {
		Target     string     `json:"target"`
		Cardholder Cardholder `json:"cardholder"`
		Passed     int        `json:"passed"`
		Failed     int        `json:"failed"`
		DurationMS int64      `json:"duration_ms"`
		Cells      []jsonCell `json:"cells"`
	}{r.Target, r.Cardholder, r.Passed, r.Failed, r.Duration.Milliseconds(), make([]jsonCell, len(r.Cells))}
	for i, c := range r.Cells {
		jc := jsonCell{Card: c.Card.PAN, Scheme: string(c.Card.Scheme), Forces: string(c.Card.Outcome),
			Channel: string(c.Channel), Preference: string(c.Preference), Enrolled: c.Enrolled,
			OK: c.OK(), Want: c.Want, Got: c.Got}
		if !jc.OK {
			jc.Diff = Diff(c.Want, c.Got)
		}
		doc.Cells[i] = jc
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteJUnit writes one test case per cell, a failure for each red one.
func WriteJUnit(w io.Writer, r *Report) error {
	cases := make([]junit.Case, len(r.Cells))
	for i, c := range r.Cells {
		cases[i] = junit.Case{Name: c.Name(), Classname: "matrix." + string(c.Card.Scheme), SystemOut: c.Got.Short()}
		if !c.OK() {
			cases[i].Failure = &junit.Problem{Message: Diff(c.Want, c.Got),
				Text: fmt.Sprintf("want %s\ngot  %s", c.Want.Short(), c.Got.Short())}
		}
	}
	return junit.Write(w, "walletsim matrix ("+string(r.Cardholder)+")", r.Duration, cases)
}

// WriteSummary writes the count and every red cell with what differed.
func WriteSummary(w io.Writer, r *Report) {
	for _, c := range r.Cells {
		if !c.OK() {
			fmt.Fprintf(w, "✗ %s: %s\n", c.Name(), Diff(c.Want, c.Got))
		}
	}
	fmt.Fprintf(w, "%d cells, %d as documented, %d not (cardholder: %s, target: %s, %s)\n",
		len(r.Cells), r.Passed, r.Failed, r.Cardholder, r.Target, r.Duration.Round(1e6))
}

// Row is one line of the grid: a card on a channel, enrolled or not, and
// its cells for each challenge preference (threeds.ChallengePreferences).
type Row struct {
	Card     testcards.Card
	Channel  threeds.Channel
	Enrolled bool
	Cells    []CellResult
}

// Grid groups the report's cells into rows for a table.
func Grid(r *Report) []Row {
	var rows []Row
	for _, c := range r.Cells {
		n := len(rows)
		if n == 0 || rows[n-1].Card != c.Card || rows[n-1].Channel != c.Channel || rows[n-1].Enrolled != c.Enrolled {
			rows = append(rows, Row{Card: c.Card, Channel: c.Channel, Enrolled: c.Enrolled})
			n++
		}
		rows[n-1].Cells = append(rows[n-1].Cells, c)
	}
	return rows
}

// WriteMarkdown writes the documented outcome table — the README's — from
// Rules, Endings and ECIs.
func WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| card | channel | `challenge_preference` | enrolled | ACS answers | why |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range Rules {
		answer := "**" + r.ARes + "**"
		if r.Failure != NoFailure {
			answer = string(r.Failure)
			if r.Failure == NoAnswer {
				answer = "no answer (client timeout)"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", list(r.Cards, CardName), list(r.Channels, str),
			list(r.Preferences, code), r.Enrolled, answer, r.Note)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "When the ACS answers C or D, the cardholder's part decides (`walletsim matrix --cardholder`):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| `--cardholder` | challenge page (C) | wallet (D) |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, ch := range Cardholders {
		c, d := Endings["C"][ch], Endings["D"][ch]
		fmt.Fprintf(w, "| `%s` | %s → **%s** | %s → **%s** |\n", ch, c.Step, c.TransStatus, d.Step, d.TransStatus)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Only a final **Y** or **A** carries an ECI and a CAVV:")
	fmt.Fprintln(w)
	fmt.Fprint(w, "| transStatus |")
	for _, s := range testcards.Schemes {
		fmt.Fprintf(w, " %s |", schemeNames[s])
	}
	fmt.Fprint(w, "\n|---|")
	for range testcards.Schemes {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for _, ts := range []string{"Y", "A"} {
		fmt.Fprintf(w, "| %s |", ts)
		for _, s := range testcards.Schemes {
			fmt.Fprintf(w, " %s |", ECIs[ts][s])
		}
		fmt.Fprintln(w)
	}
}

// schemeNames are the networks' names as the README writes them.
var schemeNames = map[testcards.Scheme]string{
	testcards.Visa: "Visa", testcards.Mastercard: "Mastercard", testcards.Mada: "mada", testcards.Amex: "American Express",
}

func str[S ~string](s S) string  { return string(s) }
func code[S ~string](s S) string { return "`" + string(s) + "`" }

// list joins a rule's values, or says "any" for none.
func list[T any](vs []T, name func(T) string) string {
	if len(vs) == 0 {
		return "any"
	}
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = name(v)
	}
	return strings.Join(names, ", ")
}
