// Package learn is the course page: the lessons with the learner's
// progress, a lesson's text, its exercises — checked from what the
// learner actually did in the simulator (the session's course.Journal),
// saying what is missing until they pass — and its multiple-choice
// questions, each answer explained. Progress is saved as it is made.
package learn

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/flows/course"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/keymap"
)

// Model is the course page.
type Model struct {
	c    *common.Common
	l    *common.Learn
	w, h int

	off     int  // the lesson's first line shown
	item    int  // the exercise or question in focus, in lesson order (-1: none)
	hint    bool // the focused exercise's hint is shown
	typing  bool // the answer field has focus
	input   textinput.Model
	follow  bool   // scroll to the focused item at the next draw
	warning string // a progress file that could not be read or saved
}

// New builds the course page on the app's course.
func New(c *common.Common) *Model {
	m := &Model{c: c, l: c.Learn, item: -1}
	if m.l != nil && !m.l.Ready() {
		m.warning, m.l = "The course could not be loaded: "+m.l.Err().Error(), nil
	}
	m.input = textinput.New()
	m.input.CharLimit = 64
	m.input.Width = 40
	m.input.Placeholder = "type it here"
	if m.l != nil {
		m.warning = m.l.Warning
		m.item, m.follow = m.l.Item, m.l.Item >= 0 // back from doing an exercise
	}
	return m
}

func (m *Model) Init() tea.Cmd {
	m.grade()
	return nil
}

func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }
func (m *Model) Title() string    { return "Learn 3-D Secure" }
func (m *Model) WantsPhone() bool { return false }
func (m *Model) inLesson() bool {
	return m.l != nil && m.l.Lesson >= 0 && m.l.Lesson < len(m.l.Course.Lessons)
}
func (m *Model) lesson() *course.Lesson { return m.l.Course.Lessons[m.l.Lesson] }

// Owns: the answer field with focus takes what types, edits, enter and esc.
func (m *Model) Owns(km tea.KeyMsg) bool { return m.typing && keymap.TextField(km) }

// items are the lesson's exercises, then its questions: what tab moves
// between.
func (m *Model) items() int {
	l := m.lesson()
	return len(l.Exercises) + len(l.Questions)
}

// exercise is the focused exercise (nil when a question or nothing is).
func (m *Model) exercise() *course.Exercise {
	if !m.inLesson() || m.item < 0 || m.item >= len(m.lesson().Exercises) {
		return nil
	}
	return &m.lesson().Exercises[m.item]
}

// question is the focused question (nil when it is not one).
func (m *Model) question() *course.Question {
	if !m.inLesson() {
		return nil
	}
	i := m.item - len(m.lesson().Exercises)
	if i < 0 || i >= len(m.lesson().Questions) {
		return nil
	}
	return &m.lesson().Questions[i]
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.l == nil {
		return []key.Binding{k.Back}
	}
	if m.typing {
		check := k.Enter
		check.SetHelp("enter", "check")
		return []key.Binding{check, k.LeaveField}
	}
	if !m.inLesson() {
		open := k.Enter
		open.SetHelp("enter", "open")
		home := k.Back
		home.SetHelp("esc", "home")
		return []key.Binding{k.Move, open, home}
	}
	next := k.Tab
	next.SetHelp("tab", "next task")
	b := []key.Binding{k.ScrollLines, next}
	if ex := m.exercise(); ex != nil { // what a newcomer needs most first: the narrower the bar, the fewer stay
		b = append(b, k.Do)
		if ex.Hint != "" {
			b = append(b, k.Hint)
		}
		if ex.Ask != nil {
			answer := k.Enter
			answer.SetHelp("enter", "answer")
			b = append(b, answer)
		}
	}
	if q := m.question(); q != nil {
		answer := k.Answer
		answer.SetHelp(answerKeys(len(q.Choices)), "answer")
		b = append(b, answer)
	}
	lessons := k.Back
	lessons.SetHelp("esc", "lessons")
	return append(b, lessons)
}

func answerKeys(n int) string {
	if n <= 1 {
		return "1"
	}
	return "1–" + string(rune('0'+min(n, 6)))
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Move, k.Enter, k.Back},
		{k.ScrollLines, k.Scroll, k.Tab, k.Do, k.Hint, k.Answer, k.LeaveField},
	}
}

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	if m.l != nil {
		defer func() { m.l.Item = m.item }()
	}
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if m.l == nil {
			if key.Matches(msg, m.c.Keys.Back) {
				return m, common.GoHome
			}
			return m, nil
		}
		if m.typing {
			return m, m.typeKey(msg)
		}
		if m.inLesson() {
			return m, m.lessonKey(msg)
		}
		return m, m.listKey(msg)
	case common.EventMsg:
		m.grade() // a wallet's answer may land while the course is open
	}
	return m, nil
}

func (m *Model) listKey(km tea.KeyMsg) tea.Cmd {
	k, n := m.c.Keys, len(m.l.Course.Lessons)
	switch {
	case key.Matches(km, k.Up):
		m.l.Cursor = (m.l.Cursor + n - 1) % n
	case key.Matches(km, k.Down), key.Matches(km, k.Tab):
		m.l.Cursor = (m.l.Cursor + 1) % n
	case key.Matches(km, k.Enter):
		m.l.Lesson, m.off, m.item, m.hint = m.l.Cursor, 0, -1, false
	case key.Matches(km, k.Back):
		return common.GoHome
	}
	return nil
}

func (m *Model) lessonKey(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(km, k.Back):
		m.l.Lesson, m.item = -1, -1
	case km.Type == tea.KeyShiftTab:
		m.focus(-1)
	case key.Matches(km, k.Tab):
		m.focus(1)
	case key.Matches(km, k.Up):
		m.off--
	case key.Matches(km, k.Down):
		m.off++
	case key.Matches(km, k.PageUp):
		m.off -= max(m.h-3, 1)
	case key.Matches(km, k.PageDown):
		m.off += max(m.h-3, 1)
	case key.Matches(km, k.Top):
		m.off = 0
	case key.Matches(km, k.Bottom):
		m.off = 1 << 20
	case key.Matches(km, k.Hint) && m.exercise() != nil:
		m.hint, m.follow = !m.hint, true
	case key.Matches(km, k.Do) && m.exercise() != nil:
		return tea.Batch(common.Go(target(m.exercise())),
			common.Notice("Do it here, then press "+k.Learn.Help().Key+" to come back to the course and see it checked."))
	case key.Matches(km, k.Enter) && m.exercise() != nil && m.exercise().Ask != nil:
		m.typing, m.follow = true, true
		m.input.SetValue(m.l.Answer(m.lesson().ID, m.exercise().ID))
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(km, k.Answer) && m.question() != nil:
		m.answer(int(km.String()[0] - '1'))
	}
	return nil
}

// focus moves to the next (+1) or previous (-1) exercise or question.
func (m *Model) focus(by int) {
	n := m.items()
	if n == 0 {
		return
	}
	switch {
	case m.item < 0 && by < 0:
		m.item = n - 1
	case m.item < 0:
		m.item = 0
	default:
		m.item = (m.item + by + n) % n
	}
	m.hint, m.follow = false, true
}

func (m *Model) typeKey(km tea.KeyMsg) tea.Cmd {
	switch km.Type {
	case tea.KeyEscape:
		m.typing = false
		m.input.Blur()
		return nil
	case tea.KeyEnter:
		m.typing = false
		m.input.Blur()
		m.l.SetAnswer(m.lesson().ID, m.exercise().ID, m.input.Value())
		m.grade()
		m.follow = true
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(km)
	return cmd
}

// answer records choice i of the focused question, and saves.
func (m *Model) answer(i int) {
	q := m.question()
	if i < 0 || i >= len(q.Choices) {
		return
	}
	correct, _ := q.Answer(i)
	m.l.Progress.Answer(m.lesson().ID, q.ID, i, correct, m.c.Now())
	m.follow = true
	m.save()
}

// grade checks every exercise of the course against what the learner has
// done, and records (and saves) the ones that pass for the first time. A
// pass stays passed: the journal is this session's, the progress is for
// good.
func (m *Model) grade() {
	if m.l == nil {
		return
	}
	rec, changed := m.l.Journal.Snapshot(), false
	for _, l := range m.l.Course.Lessons {
		for _, ex := range l.Exercises {
			if m.l.Progress.Passed(l.ID, ex.ID) {
				continue
			}
			if ex.Grade(rec, m.l.Answer(l.ID, ex.ID)).Passed {
				m.l.Progress.Pass(l.ID, ex.ID, m.c.Now())
				changed = true
			}
		}
	}
	if changed {
		m.save()
	}
}

func (m *Model) save() {
	if m.l.NoSave {
		return
	}
	if err := m.l.Store.Save(m.l.Progress); err != nil {
		m.warning = "Your progress could not be saved: " + err.Error()
	}
}

// needsMessages reports whether an exercise is checked from the EMV
// messages (a "messages" condition, or a message's field).
func needsMessages(ex *course.Exercise) bool {
	keys := []string{}
	for _, c := range ex.Purchase {
		keys = append(keys, c.Key)
	}
	if ex.Ask != nil {
		keys = append(keys, ex.Ask.Key)
	}
	for _, k := range keys {
		if k == "messages" || strings.Contains(k, ".") {
			return true
		}
	}
	return false
}

// target is the page where an exercise is done.
func target(ex *course.Exercise) common.PageID {
	for _, c := range ex.Enrollment {
		if c.Key == "action" && c.Want != course.Enrolled {
			return common.Manage
		}
	}
	if len(ex.Enrollment) > 0 {
		return common.Enroll
	}
	for _, c := range ex.Purchase {
		if c.Key == "channel" && c.Want == "decoupled" || c.Key == "ares" && c.Want == "D" || c.Key == "wallet" {
			return common.PayDecoupled
		}
	}
	return common.PayBrowser
}
