package inspector

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/client"
)

// The list's columns, left to right: marker, number (when wide), time
// (unless narrow), direction, method, path, HTTP status, duration, attempt,
// operation. Path and operation share what the others leave.
const (
	markerW = 2
	timeW   = 8
	methodW = 6
	statusW = 4
	tookW   = 6
	tryW    = 3
	minPath = 12
	// Below this width the time column is left out; from this one on,
	// the exchanges' numbers are shown.
	timeFrom = 72
	numFrom  = 100
)

// columns is the list's layout at one width.
type columns struct {
	time          bool
	num, path, op int
}

func (m *Model) columns() columns {
	c := columns{time: m.w >= timeFrom}
	fixed := markerW + 2 + methodW + 1 + 2 + statusW + 1 + tookW + 1 + tryW + 2
	if c.time {
		fixed += timeW + 1
	}
	if m.w >= numFrom {
		c.num = len(strconv.Itoa(len(m.exchanges))) + 1
		fixed += c.num + 1
	}
	avail := max(m.w-fixed, 2*minPath)
	longest := len("OP")
	for _, ex := range m.exchanges {
		longest = max(longest, ansi.StringWidth(clean(ex.Op)))
	}
	c.op = min(longest, avail-max(avail/2, minPath))
	c.path = avail - c.op
	return c
}

// listRows is how many exchanges fit under the title and column headers.
func (m *Model) listRows() int { return max(m.h-2-len(m.footer()), 1) }

// scroll keeps the selected row in view and the list's top in range.
func (m *Model) scroll() {
	m.top = m.topFor(m.listRows())
	m.sizeViewport()
}

func (m *Model) topFor(rows int) int {
	visible := m.rows()
	n := len(visible)
	if n == 0 {
		return 0
	}
	top, row := m.top, max(m.rowOf(visible), 0)
	if row < top {
		top = row
	}
	if row >= top+rows {
		top = row - rows + 1
	}
	return min(max(top, 0), max(n-rows, 0))
}

// listLines draws the title, the column headers and the rows that fit in
// height lines.
func (m *Model) listLines(height int) []string {
	s := m.c.Styles
	n := len(m.exchanges)
	if n == 0 {
		lines := []string{s.Title.Render("HTTP inspector"), ""}
		text := "No HTTP exchanges yet. They appear here as you use walletsim: every call to the issuer, " +
			"the 3DS server and the wallet platform (each retry too), and every webhook walletsim receives."
		for _, l := range strings.Split(ansi.Wrap(text, max(m.w-2, 10), ""), "\n") {
			lines = append(lines, "  "+s.Subtle.Render(l))
		}
		return lines
	}

	count := fmt.Sprintf("%d exchanges", n)
	if n == 1 {
		count = "1 exchange"
	}
	if m.filter.Active() {
		count = fmt.Sprintf("%d of %s", len(m.rows()), count)
	}
	left := s.Title.Render("HTTP inspector") + s.Subtle.Render(" · "+count+" · newest first")
	right := ""
	for _, ex := range m.exchanges {
		if ex.Op == InboundOp {
			right = s.Subtle.Render(InboundMark + " webhook received")
			break
		}
	}
	lines := []string{spread(left, right, m.w)}

	c := m.columns()
	head := strings.Repeat(" ", markerW)
	if c.num > 0 {
		head += cellRight("#", c.num) + " "
	}
	if c.time {
		head += cell("TIME", timeW) + " "
	}
	head += "  " + cell("METHOD", methodW) + " " + cell("PATH", c.path) + "  " + cell("HTTP", statusW) + " " +
		cellRight("TOOK", tookW) + " " + cellRight("TRY", tryW) + "  " + "OP"
	lines = append(lines, s.Subtle.Render(head))

	visible := m.rows()
	if len(visible) == 0 {
		lines = append(lines, "  "+s.Subtle.Render("No exchange matches the filter."))
	}
	rows := max(height-2, 1)
	top := m.topFor(rows)
	for r := top; r < min(top+rows, len(visible)); r++ {
		lines = append(lines, m.row(visible[r], c))
	}
	return lines
}

// row draws exchange i.
func (m *Model) row(i int, c columns) string {
	s := m.c.Styles
	ex := m.exchanges[i]
	text := s.Text
	marker := "  "
	if i == m.sel {
		text = s.Selected
		marker = "▸ "
	}
	dir := " "
	if ex.Op == InboundOp {
		dir = InboundMark
	}
	var b strings.Builder
	b.WriteString(text.Render(marker))
	if c.num > 0 {
		b.WriteString(s.Subtle.Render(cellRight("#"+strconv.Itoa(i+1), c.num)) + " ")
	}
	if c.time {
		b.WriteString(s.Subtle.Render(cell(clock(ex.Started), timeW)) + " ")
	}
	b.WriteString(s.Accent.Render(dir) + " ")
	b.WriteString(text.Render(cell(clean(ex.Request.Method), methodW)) + " ")
	b.WriteString(text.Render(cell(pathOf(ex.Request.URL), c.path)) + "  ")
	code, st := m.code(ex)
	b.WriteString(st.Render(cell(code, statusW)) + " ")
	b.WriteString(cellRight(took(ex.Duration), tookW) + " ")
	try := ""
	if ex.Attempt > 1 {
		try = strconv.Itoa(ex.Attempt)
	}
	b.WriteString(s.Warn.Render(cellRight(try, tryW)) + "  ")
	b.WriteString(text.Render(ansi.Truncate(clean(ex.Op), c.op, "…")))
	return b.String()
}

// status is the exchange's HTTP status, or ERR when it got no response,
// with the style of its class.
func (m *Model) code(ex client.Exchange) (string, lipgloss.Style) {
	s := m.c.Styles
	if ex.Response == nil {
		return "ERR", s.Bad
	}
	code := ex.Response.Status
	switch {
	case code >= 200 && code < 300:
		return strconv.Itoa(code), s.OK
	case code >= 400 && code < 500:
		return strconv.Itoa(code), s.Warn
	case code >= 500:
		return strconv.Itoa(code), s.Bad
	}
	return strconv.Itoa(code), s.Text
}

// footer is the reveal warning and the status line, wrapped to the width.
func (m *Model) footer() []string {
	if m.w <= 0 {
		return nil
	}
	var lines []string
	add := func(text string, st lipgloss.Style) {
		for _, l := range strings.Split(ansi.Wrap(text, m.w, ""), "\n") {
			lines = append(lines, st.Render(l))
		}
	}
	if m.reveal {
		k := m.c.Keys
		add(fmt.Sprintf("⚠ REVEAL SECRETS ON: next copy (%s) or save (%s) has the real secrets. %s cancels.",
			k.Copy.Help().Key, k.Write.Help().Key, k.Reveal.Help().Key), m.c.Styles.Bad)
	}
	if m.status != "" {
		add(m.status, m.style(m.tone))
	}
	if f := m.filter.View(len(m.rows()), len(m.exchanges)); f != "" && !m.detail {
		lines = append(lines, ansi.Truncate(f, m.w, "…"))
	}
	// Never more than half the height, so that the list stays usable.
	return lines[:min(len(lines), max(m.h/2, 1))]
}

// fit makes lines exactly w×h: cut or padded to h lines, each truncated
// or padded to w cells.
func fit(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		if lipgloss.Width(l) > w {
			l = ansi.Truncate(l, w, "…")
		}
		out[i] = l + strings.Repeat(" ", max(w-lipgloss.Width(l), 0))
	}
	return strings.Join(out, "\n")
}

// spread puts left and right at the two ends of a line of width w, leaving
// right out when both do not fit.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if right == "" || gap < 2 {
		return left
	}
	return left + strings.Repeat(" ", gap) + right
}

// cell truncates s to w cells with "…" and pads it to w.
func cell(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}

// cellRight is cell aligned right.
func cellRight(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return strings.Repeat(" ", max(w-ansi.StringWidth(s), 0)) + s
}

// pathOf is the path and query of a URL, without scheme and host.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return clean(raw)
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return clean(p)
}

// clock is the time of day an exchange started.
func clock(t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return t.Format("15:04:05")
}

// took rounds a duration for reading: 412µs, 87ms, 1.24s, 1m5s.
func took(d time.Duration) string {
	switch {
	case d <= 0:
		return "0ms"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// clean makes text from the wire safe to draw: control characters (which
// could drive the terminal) and invalid UTF-8 become "�", tabs spaces.
// Newlines are kept.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || r != '\n' && unicode.IsControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteString("    ")
		case r == '\r':
		case r == utf8.RuneError || unicode.IsControl(r):
			b.WriteRune('�')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
