// Package inspector is the TUI's HTTP inspector: an overlay listing every
// HTTP exchange of the session, newest first — the calls walletsim makes to
// the issuer, the 3DS server and the wallet platform (each attempt), and the
// webhooks it receives — with the details of each one, and its export as a
// cURL command to the clipboard (OSC 52) or to a file.
//
// Everything it shows is already redacted. Secrets only leave it on an
// explicit request: the "reveal secrets" mode, shown on screen while it is
// on, applies to the next copy or save and then turns itself off.
//
// "/" filters the list (one expiry leaves hundreds of polling rows); v
// offers one value of the exchange (an id, a CAVV) to copy.
package inspector

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/filter"
	"github.com/walletsim/walletsim/tui/export"
)

// InboundOp is the Op of the webhooks walletsim receives; they are listed
// with the calls it makes, marked InboundMark.
const InboundOp = "webhook.ThreeDSecureEvent"

// InboundMark marks an inbound exchange in the list.
const InboundMark = "⇠"

// Model is the inspector. Build it with New.
type Model struct {
	// Clipboard receives the text to copy and says what it did with it.
	// The default writes an OSC 52 sequence to the terminal (/dev/tty,
	// else stderr), through tmux or screen when they run.
	Clipboard func(text string) (string, error)
	// SaveDir is where cURL files are saved: "." (the current directory)
	// by default.
	SaveDir string

	c *common.Common
	// exchanges are in arrival order, oldest first; the list shows them
	// the other way round. An index into it names an exchange for good.
	exchanges []client.Exchange
	sel       int // index of the selected exchange
	// pinned: the user has moved the selection, so it stays on its
	// exchange; until then it follows the newest.
	pinned bool
	top    int // first list row shown; row 0 is the newest exchange
	w, h   int

	detail bool
	vp     viewport.Model
	vpW    int // width the detail content was laid out for

	reveal bool
	status string
	tone   tone

	filter *filter.Model
	keys   keys
}

// tone is how a status line is coloured.
type tone int

const (
	toneOK tone = iota
	toneWarn
	toneBad
)

// keys are the inspector's own keys, besides the app's c.Keys.
type keys struct {
	pageUp, pageDown, home, end key.Binding
}

// New builds the inspector.
func New(c *common.Common) *Model {
	m := &Model{
		Clipboard: c.Copy,
		SaveDir:   ".",
		c:         c,
		filter:    filter.New(c),
		keys:      keys{pageUp: c.Keys.PageUp, pageDown: c.Keys.PageDown, home: c.Keys.Top, end: c.Keys.Bottom},
	}
	if m.Clipboard == nil {
		m.Clipboard = export.FromEnv().Copy
	}
	m.vp = viewport.New(0, 0)
	m.vp.MouseWheelEnabled = false
	m.vp.KeyMap = viewport.KeyMap{
		Up:           c.Keys.Up,
		Down:         c.Keys.Down,
		PageUp:       m.keys.pageUp,
		PageDown:     m.keys.pageDown,
		HalfPageUp:   c.Keys.HalfPageUp,
		HalfPageDown: c.Keys.HalfPageDown,
	}
	return m
}

// Add records one exchange (one attempt, already redacted). Until the
// user moves the selection, it is on the newest exchange; from then on it
// stays on the exchange it is on.
func (m *Model) Add(ex client.Exchange) {
	m.exchanges = append(m.exchanges, ex)
	switch {
	case !m.pinned && m.filter.Match(m.text(len(m.exchanges)-1)):
		m.sel = len(m.exchanges) - 1
	case m.pinned && m.top > 0 && m.filter.Match(m.text(len(m.exchanges)-1)):
		// Scrolled down: keep the rows in view where they are.
		m.top++
	}
	m.scroll()
}

// Open is the inspector opened again: on the newest exchange, at the top
// of the list, as its title says ("newest first"). A filter stays.
func (m *Model) Open() {
	m.pinned, m.detail, m.top, m.status = false, false, 0, ""
	if rows := m.rows(); len(rows) > 0 {
		m.sel = rows[0]
	}
	m.scroll()
}

// rows are the exchanges the list shows, newest first: those the filter
// lets through.
func (m *Model) rows() []int {
	rows := make([]int, 0, len(m.exchanges))
	for i := len(m.exchanges) - 1; i >= 0; i-- {
		if m.filter.Match(m.text(i)) {
			rows = append(rows, i)
		}
	}
	return rows
}

// text is what the filter looks in for exchange i: its method, path,
// status, operation and step.
func (m *Model) text(i int) string {
	ex := m.exchanges[i]
	code, _ := m.code(ex)
	return ex.Request.Method + " " + pathOf(ex.Request.URL) + " " + code + " " + ex.Op + " " + ex.Tag
}

// rowOf is the row of the selected exchange (-1 when filtered out).
func (m *Model) rowOf(rows []int) int {
	for r, i := range rows {
		if i == m.sel {
			return r
		}
	}
	return -1
}

// Owns reports whether the inspector takes km before the app's keys: the
// filter's while it is typed (or esc, to clear it), and esc in the details
// (back to the list).
func (m *Model) Owns(km tea.KeyMsg) bool {
	return m.filter.Owns(km) || m.detail && key.Matches(km, m.c.Keys.Back)
}

// Len is the number of exchanges recorded.
func (m *Model) Len() int { return len(m.exchanges) }

// SetSize sets the area the inspector draws in. It is cheap when the size
// does not change.
func (m *Model) SetSize(w, h int) {
	if w == m.w && h == m.h {
		return
	}
	m.w, m.h = w, h
	m.layoutDetail()
	m.scroll()
}

// InDetail reports whether the details of an exchange are open: then esc
// goes back to the list.
func (m *Model) InDetail() bool { return m.detail }

// Update handles keys and the mouse.
func (m *Model) Update(msg tea.Msg) (*Model, tea.Cmd) {
	if mm, ok := msg.(tea.MouseMsg); ok {
		return m, m.mouse(mm)
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	defer m.scroll()
	k := m.c.Keys
	if m.filter.Owns(km) {
		changed, cmd := m.filter.Update(km)
		if changed {
			m.refilter()
		}
		return m, cmd
	}
	switch {
	case key.Matches(km, k.Filter) && !m.detail:
		m.status = ""
		return m, m.filter.Start()
	case key.Matches(km, k.Messages):
		if steps := m.messages(); len(steps) > 0 {
			return m, common.ShowMessages("EMV messages behind "+m.name(), steps)
		}
		return m, nil
	case key.Matches(km, k.CopyField):
		if ex, ok := m.selected(); ok {
			return m, common.Offer("Copy a value of "+m.name(), values(ex))
		}
		return m, nil
	case key.Matches(km, k.Copy):
		m.pinned = true
		m.copyCurl()
		return m, nil
	case key.Matches(km, k.Write):
		m.pinned = true
		m.saveCurl()
		return m, nil
	case key.Matches(km, k.Reveal):
		m.toggleReveal()
		return m, nil
	}
	m.status = ""
	if m.detail {
		return m.updateDetail(km)
	}
	rows := m.rows()
	n := len(rows)
	if n == 0 {
		return m, nil
	}
	row := max(m.rowOf(rows), 0)
	switch {
	case key.Matches(km, k.Up):
		row--
	case key.Matches(km, k.Down):
		row++
	case key.Matches(km, m.keys.pageUp):
		row -= max(m.listRows()-1, 1)
	case key.Matches(km, m.keys.pageDown):
		row += max(m.listRows()-1, 1)
	case key.Matches(km, m.keys.home):
		row = 0
	case key.Matches(km, m.keys.end):
		row = n - 1
	case key.Matches(km, k.Enter):
		m.pinned = true
		m.openDetail()
		return m, nil
	default:
		return m, nil
	}
	// From the first move on, the selection stays on its exchange.
	m.pinned = true
	m.sel = rows[min(max(row, 0), n-1)]
	return m, nil
}

// refilter keeps the selection on an exchange the filter shows.
func (m *Model) refilter() {
	rows := m.rows()
	if len(rows) > 0 && m.rowOf(rows) < 0 {
		m.sel = rows[0]
	}
	m.top = 0
}

// mouse: the wheel moves the selection (or scrolls the details); a click
// selects a row, a click on the selected row opens it.
func (m *Model) mouse(mm tea.MouseMsg) tea.Cmd {
	if mm.Action != tea.MouseActionPress && mm.Action != tea.MouseActionRelease {
		return nil
	}
	defer m.scroll()
	rows := m.rows()
	step := map[tea.MouseButton]int{tea.MouseButtonWheelUp: -1, tea.MouseButtonWheelDown: 1}[mm.Button]
	switch {
	case m.detail && step != 0:
		m.vp.SetYOffset(m.vp.YOffset + 3*step)
	case step != 0 && len(rows) > 0 && mm.Action == tea.MouseActionPress:
		m.pinned = true
		m.sel = rows[min(max(m.rowOf(rows)+step, 0), len(rows)-1)]
	case mm.Button == tea.MouseButtonLeft && mm.Action == tea.MouseActionRelease && !m.detail:
		r := m.topFor(m.listRows()) + mm.Y - 2 // under the title and the column headers
		if mm.Y < 2 || r < 0 || r >= len(rows) {
			return nil
		}
		m.pinned = true
		if rows[r] == m.sel {
			m.openDetail()
		}
		m.sel = rows[r]
	}
	return nil
}

func (m *Model) updateDetail(km tea.KeyMsg) (*Model, tea.Cmd) {
	switch {
	case key.Matches(km, m.c.Keys.Back):
		m.detail = false
		return m, nil
	case key.Matches(km, m.keys.home):
		m.vp.GotoTop()
		return m, nil
	case key.Matches(km, m.keys.end):
		m.vp.GotoBottom()
		return m, nil
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(km)
	return m, cmd
}

// ShortHelp is the keys for the help bar, for the view that is open.
func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	reveal := k.Reveal
	if m.reveal {
		reveal.SetHelp(reveal.Help().Key, "keep secrets redacted")
	}
	if m.detail {
		scroll := k.ScrollLines
		scroll.SetHelp("↑/↓ pgup/pgdn", "scroll")
		back := k.Back
		back.SetHelp(back.Help().Key, "back to list")
		return append(m.messagesKey(scroll), k.Copy, k.CopyField, k.Write, reveal, back)
	}
	if m.filter.Typing() {
		return m.filter.Help()
	}
	if len(m.exchanges) == 0 {
		return nil
	}
	move := k.Select
	enter := k.Enter
	enter.SetHelp(enter.Help().Key, "details")
	return append(append(m.messagesKey(move, enter), k.Copy, k.CopyField, k.Write, reveal), m.filter.Help()...)
}

// FullHelp is every key of the inspector.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Move, m.keys.pageUp, m.keys.pageDown, m.keys.home, m.keys.end, k.Enter, k.Filter},
		{k.Messages, k.Copy, k.CopyField, k.Write, k.Reveal, k.Back},
	}
}

// View draws the inspector in exactly w×h cells.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	foot := m.footer()
	body := m.h - len(foot)
	var lines []string
	if m.detail {
		lines = m.detailLines(body)
	} else {
		lines = m.listLines(body)
	}
	// The footer sits at the bottom, above the app's help bar.
	for len(lines) < body {
		lines = append(lines, "")
	}
	return fit(append(lines[:body], foot...), m.w, m.h)
}

// selected is the selected exchange, if any.
// messages are the EMV messages behind the selected exchange, when they
// were read (see common.MessagesOf).
func (m *Model) messages() []emv.Step {
	ex, ok := m.selected()
	if !ok {
		return nil
	}
	return m.c.MessagesOf(ex.Request.URL)
}

// messagesKey is keys, with the key to the EMV messages when the selected
// exchange has some.
func (m *Model) messagesKey(keys ...key.Binding) []key.Binding {
	if len(m.messages()) > 0 {
		keys = append(keys, m.c.Keys.Messages)
	}
	return keys
}

func (m *Model) selected() (client.Exchange, bool) {
	if len(m.exchanges) == 0 || m.rowOf(m.rows()) < 0 && !m.detail {
		return client.Exchange{}, false
	}
	return m.exchanges[m.sel], true
}

// style returns the status-line style of t.
func (m *Model) style(t tone) lipgloss.Style {
	switch t {
	case toneWarn:
		return m.c.Styles.Warn
	case toneBad:
		return m.c.Styles.Bad
	}
	return m.c.Styles.OK
}
