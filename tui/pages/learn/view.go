package learn

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/flows/course"
)

// width is the text's width: the page's, up to a comfortable 80.
func (m *Model) width() int { return max(min(m.w, 80)-1, 20) }

func (m *Model) View() string {
	if m.l == nil {
		why := "The course is not loaded in this session. Start it with: walletsim learn"
		if m.warning != "" {
			why = m.warning
		}
		return m.c.Styles.Title.Render(m.Title()) + "\n\n" + strings.Join(wrap(why, m.width(), ""), "\n")
	}
	var lines []string
	if m.inLesson() {
		lines = m.lessonLines()
	} else {
		lines = m.listLines()
	}
	return m.window(lines)
}

// window draws the lines that fit, exactly h high: the lesson scrolls, the
// last line says what is above or below.
func (m *Model) window(lines []string) string {
	h := max(m.h, 3)
	if len(lines) <= h {
		m.off = 0
		return strings.Join(lines, "\n")
	}
	rows := h - 1
	m.off = min(max(m.off, 0), len(lines)-rows)
	more := "↓ more below"
	switch {
	case m.off+rows >= len(lines):
		more = "↑ more above"
	case m.off > 0:
		more = "↑↓ more above and below"
	}
	visible := append(append([]string(nil), lines[m.off:m.off+rows]...), m.c.Styles.Subtle.Render(more+" · ↑/↓ pgup/pgdn"))
	for i, l := range visible {
		visible[i] = ansi.Truncate(l, m.w, "…")
	}
	return strings.Join(visible, "\n")
}

// listLines are the lessons, each with how much of it is done.
func (m *Model) listLines() []string {
	s, w := m.c.Styles, m.width()
	out := []string{s.Title.Render("Learn 3-D Secure")}
	intro := "Read a lesson, then do its exercises in the simulator: walletsim checks what you actually did."
	if !m.l.NoSave {
		intro += " Your progress is saved."
	}
	out = append(out, wrap(s.Subtle.Render(intro), w, "")...)
	if m.warning != "" {
		out = append(out, wrap(s.Warn.Render(m.warning), w, "")...)
	}
	out = append(out, "")
	all, total := 0, 0
	for i, l := range m.l.Course.Lessons {
		done, n := m.l.Progress.Done(l)
		all, total = all+done, total+n
		mark := s.Subtle.Render(fmt.Sprintf("%d/%d", done, n))
		if done == n {
			mark = s.OK.Render("✓ done")
		}
		cursor, title := "  ", l.Title
		if i == m.l.Cursor {
			cursor, title = s.Selected.Render("▸ "), s.Selected.Render(l.Title)
		}
		line := fmt.Sprintf("%s%d  %s", cursor, i+1, title)
		room := w - lipgloss.Width(mark) - 1
		if lipgloss.Width(line) > room {
			line = ansi.Truncate(line, room, "…")
		}
		out = append(out, line+strings.Repeat(" ", max(room-lipgloss.Width(line), 0)+1)+mark)
		if i == m.l.Cursor || m.h >= 22+len(m.l.Course.Lessons) {
			out = append(out, wrap(s.Subtle.Render(l.Summary), w, "     ")...)
		}
	}
	out = append(out, "", s.Subtle.Render(fmt.Sprintf("%d of %d exercises and questions done.", all, total)))
	return out
}

// lessonLines are the lesson's text, its exercises and its questions;
// they remember where the focused item starts, to scroll to it.
func (m *Model) lessonLines() []string {
	s, w, l := m.c.Styles, m.width(), m.lesson()
	done, n := m.l.Progress.Done(l)
	out := []string{s.Subtle.Render(fmt.Sprintf("Lesson %d of %d · %d/%d done", m.l.Lesson+1, len(m.l.Course.Lessons), done, n))}
	if m.warning != "" {
		out = append(out, wrap(s.Warn.Render(m.warning), w, "")...)
	}
	out = append(out, "")
	out = append(out, render(s, l.Body, w)...)
	focusAt := -1
	rec := m.l.Journal.Snapshot()
	if len(l.Exercises) > 0 {
		out = append(out, "", s.Title.Render("Exercises"), "")
		for i, ex := range l.Exercises {
			if i == m.item {
				focusAt = len(out)
			}
			out = append(out, m.exerciseLines(l, i, ex, rec)...)
			out = append(out, "")
		}
	}
	if len(l.Questions) > 0 {
		out = append(out, "", s.Title.Render("Questions"), "")
		for i, q := range l.Questions {
			if len(l.Exercises)+i == m.item {
				focusAt = len(out)
			}
			out = append(out, m.questionLines(l, i, q)...)
			out = append(out, "")
		}
	}
	out = append(out, s.Subtle.Render("esc: back to the lessons"))
	if m.follow && focusAt >= 0 {
		m.follow = false
		rows := max(m.h-1, 1)
		end := focusAt + m.itemHeight(out, focusAt)
		if focusAt < m.off || end > m.off+rows {
			m.off = max(focusAt-1, end-rows)
			m.off = min(m.off, focusAt)
		}
	}
	return out
}

// itemHeight is how many lines the item starting at line at takes (up to
// the blank line after it).
func (m *Model) itemHeight(lines []string, at int) int {
	for i := at; i < len(lines); i++ {
		if lines[i] == "" {
			return i - at
		}
	}
	return len(lines) - at
}

// exerciseLines draw exercise i: its task, its check, and, in focus, its
// hint and the answer field.
func (m *Model) exerciseLines(l *course.Lesson, i int, ex course.Exercise, rec course.Record) []string {
	s, w := m.c.Styles, m.width()
	focused := i == m.item
	cursor := "  "
	if focused {
		cursor = s.Selected.Render("▸ ")
	}
	passed := m.l.Progress.Passed(l.ID, ex.ID)
	box := "[ ]"
	if passed {
		box = s.OK.Render("[✓]")
	}
	task := wrap(ex.Task, w-6, "")
	out := []string{cursor + box + " " + task[0]}
	for _, t := range task[1:] {
		out = append(out, "      "+t)
	}
	answer := m.l.Answer(l.ID, ex.ID)
	if !passed && !m.l.Messages && needsMessages(&ex) {
		out = append(out, wrap(s.Warn.Render("This walletsim cannot read an authentication's EMV messages yet, "+
			"so this exercise cannot be checked in this session."), w, "      ")...)
	}
	switch {
	case passed:
		out = append(out, "      "+s.OK.Render("Passed."))
	default:
		g := ex.Grade(rec, answer)
		out = append(out, wrap(s.Warn.Render("Not yet: ")+strings.Join(g.Missing, " "), w, "      ")...)
	}
	if ex.Ask != nil {
		switch {
		case focused && m.typing:
			out = append(out, "      "+ex.Ask.Prompt+" "+m.input.View())
		case answer != "":
			out = append(out, wrap(s.Label.Render(ex.Ask.Prompt)+" "+s.Value.Render(answer), w, "      ")...)
		case focused && !passed:
			out = append(out, wrap(s.Subtle.Render(ex.Ask.Prompt+" (enter to type it)"), w, "      ")...)
		}
	}
	if focused && m.hint && ex.Hint != "" {
		out = append(out, wrap(s.Subtle.Render("Hint: "+ex.Hint), w, "      ")...)
	}
	if focused && !passed {
		out = append(out, wrap(s.Subtle.Render(fmt.Sprintf("%s: do it in the simulator, then %s brings you back.",
			m.c.Keys.Do.Help().Key, m.c.Keys.Learn.Help().Key)), w, "      ")...)
	}
	return out
}

// questionLines draw question i: its choices and, once answered, whether
// the answer was right and why each choice is right or wrong.
func (m *Model) questionLines(l *course.Lesson, i int, q course.Question) []string {
	s, w := m.c.Styles, m.width()
	focused := len(l.Exercises)+i == m.item
	cursor := "  "
	if focused {
		cursor = s.Selected.Render("▸ ")
	}
	got, answered := course.Answered{}, false
	if lp := m.l.Progress.Lessons[l.ID]; lp != nil {
		got, answered = lp.Answers[q.ID]
	}
	mark := "[ ]"
	switch {
	case answered && got.Correct:
		mark = s.OK.Render("[✓]")
	case answered:
		mark = s.Bad.Render("[✗]")
	}
	ask := wrap(q.Ask, w-6, "")
	out := []string{cursor + mark + " " + ask[0]}
	for _, t := range ask[1:] {
		out = append(out, "      "+t)
	}
	for c, ch := range q.Choices {
		pick := "  "
		if answered && got.Choice == c {
			pick = "→ "
		}
		text := wrap(fmt.Sprintf("%d) %s", c+1, ch.Text), w-8, "")
		out = append(out, "    "+pick+text[0])
		for _, t := range text[1:] {
			out = append(out, "         "+t)
		}
		if !answered {
			continue
		}
		verdict := s.Bad.Render("✗ ")
		if ch.Correct {
			verdict = s.OK.Render("✓ ")
		}
		out = append(out, wrap(verdict+s.Subtle.Render(ch.Why), w, "         ")...)
	}
	switch {
	case answered && got.Correct:
		out = append(out, "      "+s.OK.Render("Right."))
	case answered:
		out = append(out, "      "+s.Bad.Render(fmt.Sprintf("Not %d: try again (the explanations say why).", got.Choice+1)))
	case focused:
		out = append(out, "      "+s.Subtle.Render("Press the number of your answer."))
	}
	return out
}
