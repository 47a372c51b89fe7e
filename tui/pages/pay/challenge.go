package pay

import (
	"context"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/common"
)

// challengeKey handles the challenge page's keys. The code field takes
// digits only; tab leaves it and comes back to it.
func (m *Model) challengeKey(km tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if m.busy != "" || m.page == nil {
		return nil
	}
	flow := m.flow
	switch {
	case key.Matches(km, k.Cancel):
		step := scenario.Step{Challenge: &scenario.ChallengeInput{Cancel: true}}
		return m.background("Cancelling the challenge…", func(ctx context.Context) tea.Msg {
			return submittedMsg{step, flow.CancelChallenge(ctx)}
		})
	case key.Matches(km, k.OpenBrowser):
		if err := m.c.OpenURL(m.started.ChallengeURL); err != nil {
			// The error names a URL a browser can reach: on the embedded
			// sandbox, the port opened for it, not the in-memory address.
			return common.Notice("No browser started: " + err.Error())
		}
		return common.Notice("Opened the challenge page in your browser")
	case key.Matches(km, k.Clock) && m.c.Clock != nil:
		return common.ShiftClock(m.c.ClockShift(m.page.ExpiresAt))
	case key.Matches(km, k.Tab):
		if m.code.Focused() {
			m.code.Blur()
			return nil
		}
		return m.code.Focus()
	case key.Matches(km, k.Verify):
		code := m.code.Value()
		if code == "" {
			m.note = "Type the code first."
			return m.code.Focus()
		}
		step := scenario.Step{Challenge: &scenario.ChallengeInput{Code: m.recordedCode(code)}}
		return m.background("Sending the code to the ACS…", func(ctx context.Context) tea.Msg {
			return submittedMsg{step, flow.Submit(ctx, code)}
		})
	}
	if km.Type != tea.KeyRunes && !m.code.Focused() {
		return nil
	}
	if km.Type == tea.KeyRunes { // what is typed or pasted: its digits
		km.Runes = []rune(strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, string(km.Runes)))
		if len(km.Runes) == 0 {
			return nil
		}
	}
	cmd := m.code.Focus()
	var typed tea.Cmd
	m.code, typed = m.code.Update(km)
	return tea.Batch(cmd, typed)
}

// recordedCode is how a typed code is saved in a scenario: the code of
// the inbox changes every run, so it is saved as "inbox" or "wrong".
func (m *Model) recordedCode(code string) string {
	switch {
	case m.inbox == "":
		return code
	case code == m.inbox:
		return scenario.CodeInbox
	}
	return scenario.CodeWrong
}

// expire reloads the challenge page once the test clock has passed its
// expiry, as the page's own countdown would in a browser: the ACS then
// ends the challenge (U, transStatusReason 14) and the merchant reads the
// result, with no code to type first.
func (m *Model) expire() tea.Cmd {
	if m.stage != stageChallenge || m.page == nil || m.busy != "" || m.c.Now().Before(m.page.ExpiresAt) {
		return nil
	}
	flow := m.flow
	return m.background("The challenge's time is up: reloading the page…", func(ctx context.Context) tea.Msg {
		return reloadedMsg{flow.ReadChallenge(ctx)}
	})
}

func (m *Model) onSubmitted(r flows.Result) tea.Cmd {
	m.busy = ""
	if ch := m.flow.Challenge(); ch != nil {
		m.page = ch
	}
	if r.Err == nil && r.TransStatus == "C" {
		m.note = r.Summary
		m.code.SetValue("")
		return m.code.Focus()
	}
	if r.Err != nil && !r.Cancelled {
		m.note = r.String()
		return nil
	}
	// The challenge is over: the merchant reads the result.
	m.stage = stageBusy
	flow := m.flow
	return m.background("Reading the final result from the 3DS server…", func(ctx context.Context) tea.Msg {
		return finalMsg{flow.Result(ctx)}
	})
}

// challengeView draws the ACS challenge page as the cardholder's browser
// would show it.
func (m *Model) challengeView() string {
	s := m.c.Styles
	p := m.page
	if p == nil {
		return m.busyLine()
	}
	width := min(m.w-2, 60)
	rows := [][2]string{{"Merchant", p.Merchant}, {"Amount", p.AmountDisplay}, {"Card", "•••• " + p.CardLastFour}}
	var b strings.Builder
	b.WriteString(s.BankTitle.Render("WalletsimBank · Verify it's you") + "\n\n")
	for _, r := range rows {
		b.WriteString(s.Label.Width(10).Render(r[0]) + s.Value.Render(r[1]) + "\n")
	}
	b.WriteString("\n" + lipgloss.NewStyle().Width(width-4).Render("We sent a one-time code by "+p.Channel+" to "+p.Destination+".") + "\n\n")
	b.WriteString("One-time code  " + m.code.View() + "\n\n")
	b.WriteString(s.Subtle.Render(plural(p.AttemptsLeft) + " left · expires " + p.ExpiresAt.Format("15:04:05")))
	if m.note != "" {
		b.WriteString("\n" + s.Warn.Render(lipgloss.NewStyle().Width(width-4).Render(m.note)))
	}
	if m.busy != "" {
		b.WriteString("\n" + m.busyLine())
	}
	page := s.Bank.Width(width).Render(b.String())
	hint := "The merchant shows this page from challenge_url; the browser talks to the ACS directly."
	if m.c.Sandbox() {
		hint = "The code is " + m.c.OnPhone() + ". " + hint
	}
	return page + "\n" + s.Subtle.Render(lipgloss.NewStyle().Width(width+2).Render(hint))
}
