package phone

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/client/acs"
)

// View draws the phone, w×h; what does not fit scrolls.
func (m *Model) View() string {
	s := m.c.Styles
	return s.Phone.Width(max(m.w-2, 1)).Height(max(m.h-2, 1)).Render(s.PhoneScreen.Render(m.pane.View(m.content())))
}

// content is the phone's screen, top to bottom.
func (m *Model) content() string {
	s := m.c.Styles
	inner := max(m.w-4, 16)
	parts := []string{s.PhoneBar.Render(spread(m.c.Now().Format("15:04"), "WalletsimBank", inner))}
	if a := m.shown(); a != nil {
		parts = append(parts, m.request(a, inner))
	} else {
		parts = append(parts, s.Subtle.Render(lipgloss.NewStyle().Width(inner).Render(
			"No 3DS requests yet. They arrive here when a purchase needs the cardholder's approval.")))
	}
	if n := m.others(); n > 0 {
		parts = append(parts, s.Subtle.Render(fmt.Sprintf("+%d more request(s) in the wallet inbox (home, 5)", n)))
	}
	for _, msg := range m.messages {
		parts = append(parts, m.sms(msg, inner))
	}
	return strings.Join(parts, "\n")
}

// others counts the open requests besides the one shown.
func (m *Model) others() int {
	n, shown := 0, m.shown()
	for _, r := range m.requests {
		if r != shown && r.State.Open() {
			n++
		}
	}
	return n
}

// request draws a 3DS request card with its countdown and, while the
// cardholder acts, the fingerprint.
func (m *Model) request(a *Request, width int) string {
	s := m.c.Styles
	p := a.Pending
	var b strings.Builder
	b.WriteString(s.Subtitle.Render("Approve this purchase?") + "\n")
	b.WriteString(p.Event.MerchantName + "\n" + s.Value.Render(p.Amount()) + "\n")
	b.WriteString("Card •••• " + p.Event.LastFourDigits + "\n")
	if a.State.Open() {
		now := m.c.Now()
		left := p.TimeLeft(now)
		total := max(p.ExpiresAt.Sub(p.Since), time.Second)
		bar := m.bar // a copy: drawing changes nothing
		bar.Width = max(width-17, 6)
		fmt.Fprintf(&b, "%s %s left\n", bar.ViewAs(float64(left)/float64(total)), clock(left))
		b.WriteString(m.fingerprint(a) + "\n")
	}
	style := s.Text
	switch a.State {
	case Approved:
		style = s.OK
	case Rejected, Failed, Expired:
		style = s.Bad
	}
	b.WriteString(style.Render(lipgloss.NewStyle().Width(width - 4).Render(a.Note)))
	return s.Notification.Width(width - 2).Render(b.String()) // Width leaves out the border
}

// fingerprint draws the sensor, lit from the bottom as the scan proceeds.
func (m *Model) fingerprint(a *Request) string {
	lines := []string{
		"   .-~~~-.   ",
		"  / .-~-. \\  ",
		" | / .-. \\ | ",
		" | | ( ) | | ",
		" | \\ '-' / | ",
		"  \\ '-~-' /  ",
		"   '-~~~-'   ",
	}
	lit := 0
	if a.State == Scanning {
		lit = min(len(lines), int(m.scan.proven()*float64(len(lines)))+1)
	}
	s := m.c.Styles
	for i := range lines {
		if i >= len(lines)-lit {
			lines[i] = s.Accent.Render(lines[i])
		} else {
			lines[i] = s.Subtle.Render(lines[i])
		}
	}
	return lipgloss.NewStyle().PaddingLeft(2).Render(strings.Join(lines, "\n"))
}

func (m *Model) sms(msg acs.Message, width int) string {
	s := m.c.Styles
	head := msg.Channel + " · " + msg.From
	if msg.Subject != "" {
		head += "\n" + msg.Subject
	}
	return s.SMS.Width(width - 2).Render(s.Subtle.Render(head) + "\n" + lipgloss.NewStyle().Width(width-4).Render(msg.Body))
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// spread puts left and right at the two ends of width.
func spread(left, right string, width int) string {
	gap := max(width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	return left + strings.Repeat(" ", gap) + right
}
