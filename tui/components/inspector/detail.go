package inspector

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/client"
)

// maxShownBody caps how much of a body the details show; the cURL export
// always has all of it.
const maxShownBody = 64 << 10

// openDetail opens the details of the selected exchange.
func (m *Model) openDetail() {
	if len(m.exchanges) == 0 {
		return
	}
	m.detail = true
	m.vpW = -1
	m.layoutDetail()
	m.vp.GotoTop()
}

// layoutDetail lays the details out again for the current width.
func (m *Model) layoutDetail() {
	m.sizeViewport()
	if !m.detail || m.vpW == m.w {
		return
	}
	m.vpW = m.w
	off := m.vp.YOffset
	m.vp.SetContent(m.detailContent(m.exchanges[m.sel], max(m.w, 20)))
	m.vp.SetYOffset(off)
}

// sizeViewport gives the viewport what the title and footer leave.
func (m *Model) sizeViewport() {
	m.vp.Width = max(m.w, 1)
	m.vp.Height = max(m.h-1-len(m.footer()), 1)
	m.vp.SetYOffset(m.vp.YOffset) // clamp
}

// detailLines draws the title line and the viewport in height lines.
func (m *Model) detailLines(height int) []string {
	s := m.c.Styles
	ex := m.exchanges[m.sel]
	title := fmt.Sprintf("#%d %s", m.sel+1, clean(ex.Op))
	if ex.Op == InboundOp {
		title = InboundMark + " " + title
	}
	code, st := m.code(ex)
	meta := ""
	if ex.Attempt > 1 {
		meta += fmt.Sprintf(" · attempt %d", ex.Attempt)
	}
	meta += " · " + clock(ex.Started) + " · took " + took(ex.Duration)
	left := s.Title.Render(title) + s.Subtle.Render(" · ") + st.Render(code) + s.Subtle.Render(meta)

	vp := m.vp
	vp.Height = max(height-1, 1)
	vp.SetYOffset(vp.YOffset)
	right := ""
	if total := vp.TotalLineCount(); total > vp.Height {
		right = s.Subtle.Render(fmt.Sprintf("lines %d–%d of %d", vp.YOffset+1, min(vp.YOffset+vp.Height, total), total))
	}
	return append([]string{spread(left, right, m.w)}, strings.Split(vp.View(), "\n")...)
}

// detailContent is the exchange as text, wrapped to width: the request
// line, headers and body, then the response's, or the transport error.
func (m *Model) detailContent(ex client.Exchange, width int) string {
	s := m.c.Styles
	var lines []string
	add := func(text string, style func(...string) string) {
		for _, l := range strings.Split(ansi.Wrap(text, width, ""), "\n") {
			if style != nil {
				l = style(l)
			}
			lines = append(lines, l)
		}
	}
	subtle, label, sub := s.Subtle.Render, s.Label.Render, s.Subtitle.Render
	headers := func(h http.Header) {
		for _, name := range client.SortedNames(h) {
			for _, v := range h[name] {
				add(label(clean(name)+":")+" "+clean(v), nil)
			}
		}
	}
	body := func(b []byte) {
		if len(b) == 0 {
			add("(no body)", subtle)
			return
		}
		more := len(b) - maxShownBody
		if more > 0 {
			b = b[:maxShownBody]
		}
		add(clean(string(client.PrettyJSON(b))), nil)
		if more > 0 {
			add(fmt.Sprintf("… %d more bytes, not shown (the cURL export has them)", more), subtle)
		}
	}

	inbound := ex.Op == InboundOp
	if ex.Tag != "" {
		add(label("step")+" "+clean(ex.Tag), nil)
		lines = append(lines, "")
	}
	if inbound {
		add(sub("Request received")+subtle(" · a webhook sent to walletsim"), nil)
	} else {
		add(sub("Request"), nil)
	}
	add(s.Value.Render(clean(ex.Request.Method))+" "+clean(client.RedactURL(ex.Request.URL)), nil)
	headers(ex.Request.Header)
	lines = append(lines, "")
	body(ex.Request.Body)
	lines = append(lines, "")

	if ex.Response == nil {
		add(sub("No response")+subtle(" · transport error"), nil)
		msg := ex.Error
		if msg == "" {
			msg = "the request got no HTTP response"
		}
		add(clean(msg), s.Bad.Render)
		return strings.Join(lines, "\n")
	}
	code, st := m.code(ex)
	if text := http.StatusText(ex.Response.Status); text != "" {
		code += " " + text
	}
	heading := "Response"
	if inbound {
		heading = "Response sent"
	}
	add(sub(heading)+subtle(" · ")+st.Render(code), nil)
	headers(ex.Response.Header)
	lines = append(lines, "")
	body(ex.Response.Body)
	return strings.Join(lines, "\n")
}
