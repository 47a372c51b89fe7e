// Package explainer is the pane that says, for someone learning 3-D Secure,
// what just happened and who talked to whom: the current step's title and
// explanation, a sequence diagram of its messages between the parties, the
// outcome once the step has finished (what transStatus, ECI and CAVV mean),
// and a short history of the steps before. HTTP exchanges are not shown
// here: the inspector does that.
package explainer

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/styles"
)

const (
	// maxText is the widest the prose is wrapped, for readability on wide
	// terminals; the diagram may use the whole width.
	maxText = 100
	// historyShown is how many earlier steps "Before:" lists.
	historyShown = 3
	// historyKept bounds the steps remembered.
	historyKept = 32
)

// entry is one step as the explainer knows it.
type entry struct {
	flow, step string
	explain    *flows.Explanation // what the step does (StepStarted)
	done       bool
	result     *flows.Result
	outcome    *flows.Explanation // what the result means (Finished)
	notes      []string           // what arrived from outside during the step
}

// asked is what the step was to do, while that is still true: not once
// it was refused, when the outcome says what happened instead.
func (e *entry) asked() string {
	if e.explain == nil || e.done && e.outcome != nil && e.outcome.Arrows != nil {
		return ""
	}
	return e.explain.Text
}

// arrows are the step's messages: what happened once it is done (a
// refusal, a wrong code), else what it sends.
func (e *entry) arrows() []flows.Arrow {
	if e.done && e.outcome != nil && e.outcome.Arrows != nil {
		return e.outcome.Arrows
	}
	if e.explain == nil {
		return nil
	}
	return e.explain.Arrows
}

func (e *entry) title() string {
	if e.explain != nil && e.explain.Title != "" {
		return e.explain.Title
	}
	return e.flow + ": " + e.step
}

// Model is the explainer pane. Like every model of the TUI, it is used
// from the program's update loop only.
type Model struct {
	c *common.Common

	steps   []*entry            // oldest first; the last is the one shown
	pending map[string][]string // notes of a flow waiting for its next step
	version int                 // bumped by every change of steps
	emv     emvOf               // the latest authentication's EMV messages

	w, h     int
	rendered struct{ version, w, h int } // what vp holds
	lines    int                         // content height at w
	vp       viewport.Model
	scroll   key.Binding
	page     key.Binding
	// More is said on the last line when the content does not fit (how
	// to read the rest).
	More string
}

// New returns an empty explainer: until a step starts it introduces the
// parties of 3-D Secure and how to use walletsim.
func New(c *common.Common) *Model {
	m := &Model{c: c, vp: viewport.New(0, 0), More: "↑/↓ to scroll"}
	m.rendered.version = -1
	m.vp.KeyMap = viewport.KeyMap{
		Up:       c.Keys.Up,
		Down:     c.Keys.Down,
		PageUp:   c.Keys.PageUp,
		PageDown: c.Keys.PageDown,
	}
	m.scroll, m.page = c.Keys.ScrollLines, c.Keys.Scroll
	return m
}

// Observe takes every event of the session. It uses StepStarted (the
// step's explanation), Finished (its result and what the result means) and
// Received (a webhook or a message that arrived); exchanges are the
// inspector's.
func (m *Model) Observe(e flows.Event) {
	if m.observe(e) {
		m.version++
		m.refresh()
	}
}

// observe files e; it reports whether anything changed.
func (m *Model) observe(e flows.Event) bool {
	switch e.Kind {
	case flows.StepStarted:
		// What arrived for this flow while none of its steps was running
		// (a webhook before the wallet listens) belongs to its next step.
		m.push(&entry{flow: e.Flow, step: e.Step, explain: e.Explain, notes: m.pending[e.Flow]})
		delete(m.pending, e.Flow)
		return true
	case flows.Finished:
		en := m.find(e.Flow, e.Step, true)
		if en == nil {
			en = &entry{flow: e.Flow, step: e.Step}
			m.push(en)
		} else {
			m.moveLast(en) // what finished last is what happened last
		}
		en.done, en.result, en.outcome = true, e.Result, e.Explain
		return true
	case flows.Received:
		if e.Note == "" {
			return false
		}
		note := "Arrived: " + e.Note
		if e.Step == "webhook" {
			note = "Webhook " + e.Note
		}
		en := m.find(e.Flow, e.Step, false)
		if en == nil {
			en = m.latestOpen(e.Flow)
		}
		if _, what, ok := strings.Cut(e.Note, ": "); ok && en != nil && en.result != nil &&
			strings.Contains(en.result.Summary, what) {
			return false // the step's result already says it (the SMS that was read)
		}
		if en == nil {
			if m.pending == nil {
				m.pending = map[string][]string{}
			}
			m.pending[e.Flow] = append(m.pending[e.Flow], note)
			if n := len(m.pending[e.Flow]); n > historyShown {
				m.pending[e.Flow] = m.pending[e.Flow][n-historyShown:]
			}
			return false
		}
		en.notes = append(en.notes, note)
		return true
	}
	return false
}

func (m *Model) push(en *entry) {
	m.steps = append(m.steps, en)
	if len(m.steps) > historyKept {
		m.steps = append([]*entry(nil), m.steps[len(m.steps)-historyKept:]...)
	}
}

// find is the latest entry of flow/step (only an unfinished one if open).
func (m *Model) find(flow, step string, open bool) *entry {
	for i := len(m.steps) - 1; i >= 0; i-- {
		en := m.steps[i]
		if en.flow == flow && en.step == step && (!open || !en.done) {
			return en
		}
	}
	return nil
}

func (m *Model) latestOpen(flow string) *entry {
	for i := len(m.steps) - 1; i >= 0; i-- {
		if en := m.steps[i]; en.flow == flow && !en.done {
			return en
		}
	}
	return nil
}

func (m *Model) moveLast(en *entry) {
	for i, s := range m.steps {
		if s == en {
			m.steps = append(append(m.steps[:i:i], m.steps[i+1:]...), en)
			return
		}
	}
}

// SetSize sets the pane's size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.refresh()
}

// Update scrolls the pane when its content is taller than it
// (up/down, pgup/pgdown, the mouse wheel).
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok {
		if cmd, ok := m.messagesKey(km); ok {
			return m, cmd
		}
	}
	switch msg.(type) {
	case tea.KeyMsg, tea.MouseMsg:
		var cmd tea.Cmd
		m.vp, cmd = m.vp.Update(msg)
		return m, cmd
	}
	return m, nil
}

// View draws the pane, exactly w×h.
func (m *Model) View() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	if m.vp.Height == m.h { // everything fits, or no room for a footer
		return m.vp.View()
	}
	more := "↓ more below  ·  " + m.More
	if m.vp.AtBottom() {
		more = "↑ more above  ·  " + m.More
	}
	footer := lipgloss.NewStyle().Width(m.w).Render(m.c.Styles.Subtle.Render(ansi.Truncate(more, m.w, "")))
	return m.vp.View() + "\n" + footer
}

// refresh renders the content into the viewport when it or the size
// changed; a new step scrolls back to the top.
func (m *Model) refresh() {
	version := m.version
	if m.rendered.version == version && m.rendered.w == m.w && m.rendered.h == m.h || m.w == 0 || m.h == 0 {
		return // unchanged, or hidden (no room): rendered when given room
	}
	content := m.content(m.w)

	m.lines = strings.Count(content, "\n") + 1
	m.vp.Width, m.vp.Height = m.w, m.h
	if m.lines > m.h && m.h > 1 {
		m.vp.Height = m.h - 1 // the last row says there is more
	}
	m.vp.SetContent(content)
	if version != m.rendered.version {
		m.vp.GotoTop()
	} else {
		m.vp.SetYOffset(m.vp.YOffset)
	}
	m.rendered.version, m.rendered.w, m.rendered.h = version, m.w, m.h
}

// PreferredHeight is how many rows the pane needs to show the current step
// (and the history under it) without scrolling at width w.
func (m *Model) PreferredHeight(w int) int {
	return strings.Count(m.content(max(w, 1)), "\n") + 1
}

// ShortHelp lists the scrolling keys, enabled when there is something to
// scroll.
func (m *Model) ShortHelp() []key.Binding {
	scrollable := m.h > 0 && m.lines > m.h
	scroll, page := m.scroll, m.page // copies: asking changes nothing
	scroll.SetEnabled(scrollable)
	page.SetEnabled(scrollable)
	if len(m.emv.steps) > 0 {
		return []key.Binding{scroll, page, m.c.Keys.Messages}
	}
	return []key.Binding{scroll, page}
}

// FullHelp lists the scrolling keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{{m.scroll, m.page}} }

// Owns: nothing; the pane has no field.
func (m *Model) Owns(tea.KeyMsg) bool { return false }

// content is everything the pane shows, at width w.
func (m *Model) content(w int) string {
	if len(m.steps) == 0 {
		return m.intro(w)
	}
	s := m.c.Styles
	tw := min(w, maxText)
	cur := m.steps[len(m.steps)-1]
	var parts []string

	status := ""
	switch {
	case !cur.done:
		status = "in progress"
	case cur.result != nil && cur.result.Cancelled:
		status = "cancelled"
	case cur.result != nil && cur.result.Err != nil && cur.outcome != nil:
		status, _, _ = strings.Cut(strings.ToLower(cur.outcome.Title), " (") // "refused", "no answer"…
	}
	parts = append(parts, m.rule(cur.title(), status, w))
	var sections []string // separated by a blank line
	if cur.done && cur.result != nil {
		// What came out leads: on a short pane it is what must be seen.
		sections = append(sections, m.outcome(cur, tw))
		if line := m.messagesLine(); line != "" {
			sections = append(sections, block(line, tw))
		}
	}
	if text := cur.asked(); text != "" {
		sections = append(sections, block(s.Text.Render(tidy(text)), tw))
	}
	if arrows := cur.arrows(); len(arrows) > 0 {
		sections = append(sections, strings.Join(diagram(s, arrows, !cur.done, w), "\n"))
	}
	if len(sections) > 0 {
		parts = append(parts, strings.Join(sections, "\n\n"))
	}
	if len(cur.notes) > 0 {
		parts = append(parts, "")
		for _, n := range cur.notes {
			parts = append(parts, hang(s.Accent.Render("↳ "), s.Accent.Render(n), tw))
		}
	}
	if hist := m.history(tw); hist != "" {
		parts = append(parts, "", hist)
	}
	return strings.Join(parts, "\n")
}

// outcome is how the step ended and what that means.
func (m *Model) outcome(en *entry, w int) string {
	s := m.c.Styles
	r := en.result
	mark, ms := markOf(s, en)
	if r.OK && (r.TransStatus == "C" || r.TransStatus == "D") && (en.outcome == nil || !en.outcome.Failed) {
		mark, ms = "→", s.Accent // the authentication goes on
	}
	var lines []string
	lines = append(lines, hang(ms.Render(mark+" "), s.Value.Render(r.String()), w))
	var values []string
	if r.TransStatus != "" {
		values = append(values, s.Label.Render("transStatus ")+s.Value.Render(r.TransStatus))
	}
	if r.ECI != "" {
		values = append(values, s.Label.Render("ECI ")+s.Value.Render(r.ECI))
	}
	if r.CAVV != "" {
		values = append(values, s.Label.Render("CAVV ")+s.Value.Render(r.CAVV))
	}
	if r.FailureReason != "" {
		values = append(values, s.Label.Render("failure_reason ")+s.Value.Render(r.FailureReason))
	}
	if len(values) > 0 {
		lines = append(lines, hang("  ", strings.Join(values, "   "), w))
	}
	if o := en.outcome; o != nil {
		// "Authenticated (Y)" says nothing more than a summary
		// "Authenticated."; "Challenge required (C)" does after "Wrong code."
		head, _, _ := strings.Cut(o.Title, " (")
		if o.Title != "" && !strings.Contains(r.Summary, head) {
			lines = append(lines, hang("  ", s.Subtitle.Render(o.Title), w))
		}
		if o.Text != "" {
			lines = append(lines, hang("  ", s.Text.Render(tidy(o.Text)), w))
		}
	}
	return strings.Join(lines, "\n")
}

// history lists the few steps before the current one, oldest first.
func (m *Model) history(w int) string {
	before := m.steps[:len(m.steps)-1]
	if len(before) == 0 {
		return ""
	}
	before = before[max(0, len(before)-historyShown):]
	s := m.c.Styles
	label := "Before: "
	var lines []string
	for i, en := range before {
		prefix := strings.Repeat(" ", len(label))
		if i == 0 {
			prefix = s.Label.Render(label)
		}
		mark, ms := markOf(s, en)
		lines = append(lines, hang(prefix+ms.Render(mark+" "), s.Subtle.Render(en.title()), w))
	}
	return strings.Join(lines, "\n")
}

// markOf is a step's mark: ✓ done, ✗ failed (a refusal, a wrong code), –
// cancelled, … running.
func markOf(s *styles.Styles, en *entry) (string, lipgloss.Style) {
	switch {
	case !en.done || en.result == nil:
		return "…", s.Subtle
	case en.result.Cancelled:
		return "–", s.Warn
	case !en.result.OK, en.outcome != nil && en.outcome.Failed:
		return "✗", s.Bad
	}
	return "✓", s.OK
}

// intro is the empty state: the parties of 3-D Secure and how to use
// walletsim.
func (m *Model) intro(w int) string {
	s := m.c.Styles
	tw := min(w, maxText)
	k := m.c.Keys
	parties := []struct{ name, what string }{
		{"Cardholder", "the person paying: at the checkout in a browser, and on their phone."},
		{"Merchant", "the shop. It wants to be sure the card is used by its cardholder."},
		{"3DS Server", "the merchant's side of 3DS. It sends the Authentication Request (AReq) with the card, the amount and the device."},
		{"Directory Server", "run by the card scheme (Visa, Mastercard, mada). It routes the messages between the 3DS Server and the issuer."},
		{"Issuer's ACS", "the Access Control Server of the bank that issued the card. It decides: let the purchase through (frictionless), challenge the cardholder with a one-time code, or ask their wallet (decoupled)."},
		{"Wallet", "the app on the cardholder's phone where they approve or reject a purchase."},
	}
	parts := []string{
		m.rule("How 3-D Secure works", "", w),
		block(s.Text.Render("When a card pays online, 3-D Secure (3DS) lets the bank that issued it check that "+
			"the buyer really is the cardholder, before the payment is authorised. These parties take part:"), tw),
	}
	for _, p := range parties {
		parts = append(parts, hang("• ", s.Subtitle.Render(p.name)+" — "+p.what, tw))
	}
	parts = append(parts, "", block(s.Text.Render("In walletsim you play every part: enroll a card as the issuer, "+
		"pay as the merchant, answer as the cardholder. Each step is explained here as it happens, with a diagram of "+
		"who talks to whom.")+" "+s.Key.Render(k.Glossary.Help().Key)+s.Text.Render(" opens the glossary, ")+
		s.Key.Render(k.Inspect.Help().Key)+s.Text.Render(" shows the real HTTP messages."), tw))
	return strings.Join(parts, "\n")
}

// rule is the pane's first line, its title on a line across the width that
// sets it apart from the page above: "── The challenge page · in progress ──".
func (m *Model) rule(title, status string, w int) string {
	s := m.c.Styles
	text := s.Title.Render(title)
	if status != "" {
		text += s.Subtle.Render(" · " + status)
	}
	if fill := w - lipgloss.Width(text) - 4; fill >= 2 {
		return s.Lifeline.Render("── ") + text + " " + s.Lifeline.Render(strings.Repeat("─", fill))
	}
	text = s.Title.Render(title)
	if fill := w - lipgloss.Width(text) - 4; fill >= 2 && status != "" {
		return s.Lifeline.Render("── ") + text + " " + s.Lifeline.Render(strings.Repeat("─", fill)) + "\n" +
			block(s.Subtle.Render(status), w)
	}
	if status != "" {
		text += s.Subtle.Render(" · " + status)
	}
	return block(text, w)
}

// tidy collapses runs of spaces (an explanation built around an empty
// value, "ECI  (…)").
func tidy(text string) string {
	return strings.Join(strings.Fields(text), " ")
}

// block wraps text to w columns (lines are not padded).
func block(text string, w int) string {
	return trimLines(lipgloss.NewStyle().Width(max(w, 1)).Render(text))
}

// hang wraps body to w columns after prefix, indenting the lines after the
// first under the body.
func hang(prefix, body string, w int) string {
	pw := lipgloss.Width(prefix)
	if w-pw < 10 {
		return block(prefix+body, w)
	}
	return trimLines(lipgloss.JoinHorizontal(lipgloss.Top, prefix, block(body, w-pw)))
}

// trimLines drops the padding lipgloss adds at the end of lines.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
