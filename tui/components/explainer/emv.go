package explainer

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/tui/common"
)

// emvOf is the EMV messages of the latest authentication read, which the
// explainer offers to open: what happened under the HTTP exchanges it
// explains.
type emvOf struct {
	id    string
	steps []emv.Step
}

// SetMessages gives the explainer the EMV messages of an authentication
// just read (the latest one is offered).
func (m *Model) SetMessages(id string, steps []emv.Step) {
	m.emv = emvOf{id, steps}
	m.version++
	m.refresh()
}

// messagesKey opens them, when there are some.
func (m *Model) messagesKey(km tea.KeyMsg) (tea.Cmd, bool) {
	if len(m.emv.steps) == 0 || !key.Matches(km, m.c.Keys.Messages) {
		return nil, false
	}
	return common.ShowMessages("EMV messages of authentication "+m.emv.id, m.emv.steps), true
}

// messagesLine says that they can be opened.
func (m *Model) messagesLine() string {
	if len(m.emv.steps) == 0 {
		return ""
	}
	return m.c.Styles.Subtle.Render(fmt.Sprintf("%s: the %d EMV messages under the latest authentication (%s), each field explained.",
		m.c.Keys.Messages.Help().Key, len(m.emv.steps), m.emv.id))
}
