package pay

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/tui/common"
)

// emvMsg carries the EMV messages read for the purchase, when the session
// can read them (none otherwise: the page then offers nothing).
type emvMsg struct {
	id    string
	steps []emv.Step
}

// readMessages reads the purchase's EMV messages once it has a result.
func (m *Model) readMessages() tea.Cmd {
	flow := m.flow
	if flow == nil || flow.Authentication() == nil {
		return nil
	}
	ctx := m.c.Ctx
	return func() tea.Msg {
		steps, err := flow.Messages(ctx)
		if err != nil || len(steps) == 0 {
			return nil
		}
		return emvMsg{flow.Authentication().ID, steps}
	}
}

// onMessages keeps the messages and tells the app, for the inspector.
func (m *Model) onMessages(msg emvMsg) tea.Cmd {
	if m.flow == nil || m.flow.Authentication() == nil || m.flow.Authentication().ID != msg.id {
		return nil // a purchase the page has left
	}
	m.emv = msg.steps
	return func() tea.Msg { return common.MessagesReadMsg{ID: msg.id, Steps: msg.steps} }
}

// showMessages opens the messages behind the result.
func (m *Model) showMessages() tea.Cmd {
	if len(m.emv) == 0 {
		return nil
	}
	return common.ShowMessages(fmt.Sprintf("EMV messages of authentication %s", m.flow.Authentication().ID), m.emv)
}

// messagesLine says that the messages can be opened, and how.
func (m *Model) messagesLine() string {
	if len(m.emv) == 0 {
		return ""
	}
	return fmt.Sprintf("%s: the %d EMV messages behind this result, each field explained",
		m.c.Keys.Messages.Help().Key, len(m.emv))
}
