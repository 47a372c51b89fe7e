package pay

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/components/resultcard"
)

func (m *Model) View() string {
	s := m.c.Styles
	var b strings.Builder
	title := s.Title.Render(m.Title())
	if sub := s.Subtle.Render("  · the merchant's checkout"); lipgloss.Width(title+sub) <= m.w {
		title += sub
	}
	b.WriteString(title + "\n\n")
	switch m.stage {
	case stageForm:
		if m.left {
			b.WriteString(s.Warn.Render("You left the field: enter goes back to it, esc goes home.") + "\n\n")
		}
		b.WriteString(m.form.View())
	case stageBusy:
		b.WriteString(m.busyLine())
	case stageChallenge:
		b.WriteString(m.challengeView())
	case stageWallet:
		b.WriteString(m.walletView())
	case stageDone:
		title := "Final result"
		if m.finalTag != "" {
			title = m.finalTag
		}
		if line := m.messagesLine(); line != "" { // above the card: the card may need scrolling
			b.WriteString(lipgloss.NewStyle().Width(min(m.w, 80)).Render(line) + "\n")
		}
		b.WriteString(resultcard.Render(s, title, *m.final, min(m.w, 80)))
		b.WriteString("\n" + s.Subtle.Render(lipgloss.NewStyle().Width(min(m.w, 80)).Render(next(m.final))))
	}
	return b.String()
}

// busyLine is the spinner, what is in flight and how its attempts went.
func (m *Model) busyLine() string {
	line := m.spin.View() + " " + m.busy
	if m.attempt != "" {
		line += "\n" + m.c.Styles.Warn.Render(lipgloss.NewStyle().Width(max(min(m.w, 76)-2, 20)).Render("  "+m.attempt))
	}
	return line
}

func (m *Model) walletView() string {
	s := m.c.Styles
	r := m.started
	text := "The ACS answered D (decoupled): it asked the cardholder's wallet, " + m.c.OnPhone() + ", to approve " +
		r.Amount.String() + ". Hold space to scan the fingerprint and approve (or v, then y, to approve " +
		"without holding), press r to reject, or let the time run out."
	if m.c.Clock != nil {
		text += " t moves the test clock on: to just before the request expires, then past it."
	}
	return m.busyLine() + "\n\n" + lipgloss.NewStyle().Width(min(m.w, 70)).Render(text) + "\n\n" +
		s.Subtle.Render(lipgloss.NewStyle().Width(min(m.w, 70)).Render(
			"The merchant checks the 3DS server every "+PollEvery.String()+" until the result is final."))
}

func plural(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

// next suggests what to try after a result.
func next(r *flows.Result) string {
	switch r.TransStatus {
	case "Y":
		return "Authenticated. n for another purchase (try a card that forces a challenge or D), y to copy a value, esc for home."
	case "A":
		return "Attempted. If the card should be challenged, enroll it first (home, 1). n for another purchase."
	}
	return "n for another purchase, y to copy a value, esc for home, i to inspect the HTTP exchanges."
}
