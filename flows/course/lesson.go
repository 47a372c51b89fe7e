// Package course is walletsim's course on 3-D Secure, free of any UI: the
// lessons (data files, one per lesson: YAML front matter and a Markdown
// body), exercises graded from what the learner actually did in the
// sandbox (a Record the flows feed), multiple-choice questions with each
// answer explained, and the learner's progress, kept in
// $XDG_STATE_HOME/walletsim/.
//
// The shipped lessons are embedded; a team adds its own by putting lesson
// files in a directory (see Load) — no Go code. A bad lesson file is
// refused with its file, line and field.
package course

// Lesson is one lesson: its text, then exercises and questions.
type Lesson struct {
	ID      string
	Title   string
	Order   int    // lessons are shown by Order, then ID
	Summary string // one line for the list of lessons
	Body    string // Markdown, lines of at most MaxWidth columns
	Source  string // the file it came from
	idLine  int    // the line of its id, for errors naming it

	Exercises []Exercise
	Questions []Question
}

// Exercise is something to do in the sandbox, checked from the Record.
// Exactly one of Purchase and Enrollment has conditions.
type Exercise struct {
	ID   string
	Task string // what to do, one or two sentences
	Hint string // how, when the learner is stuck (optional)

	Purchase   []Condition // all met by one purchase
	Enrollment []Condition // all met by one enrollment change
	Ask        *Ask        // a value the learner must then find and type
}

// Condition is one fact a purchase or enrollment must show: Key is a fact
// (status, eci, RReq.authenticationValue, …) and Want its value, "any", or
// for counts the least number.
type Condition struct {
	Key, Want string
}

// Ask is a value the learner reads from the purchase that met the
// conditions and types in: its reason code, its CAVV from the RReq.
type Ask struct {
	Prompt string
	Key    string // a purchase fact, as in a Condition
}

// Question is a multiple-choice question with one right answer.
type Question struct {
	ID      string
	Ask     string
	Choices []Choice
}

// Choice is one answer, with why it is right or wrong.
type Choice struct {
	Text    string
	Correct bool
	Why     string
}

// Answer says whether choice i answers q, and why.
func (q Question) Answer(i int) (correct bool, why string) {
	if i < 0 || i >= len(q.Choices) {
		return false, "There is no such answer."
	}
	return q.Choices[i].Correct, q.Choices[i].Why
}
