// Package walletinbox is the cardholder's side: the wallet app's requests
// and the messages the issuer sent, with the phone beside them. On a real
// platform a request can be taken by its auth3dsId when no webhook reaches
// the listener.
package walletinbox

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/components/phone"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

// Model is the wallet inbox page.
type Model struct {
	c     *common.Common
	phone *phone.Model
	w, h  int
	id    textinput.Model
	entry bool // typing an auth3dsId
}

// New builds the page over the app's phone.
func New(c *common.Common, p *phone.Model) *Model {
	id := textinput.New()
	id.Placeholder = "auth3dsId"
	id.CharLimit = 100
	id.Width = 40
	return &Model{c: c, phone: p, id: id}
}

func (m *Model) Init() tea.Cmd    { return nil }
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }
func (m *Model) Title() string    { return "Wallet inbox" }
func (m *Model) WantsPhone() bool { return true }

// Owns: the auth3dsId field, while it is open, takes what types and esc
// (which closes it).
func (m *Model) Owns(km tea.KeyMsg) bool { return m.entry && keymap.TextField(km) }

func (m *Model) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.entry {
		enter := k.Enter
		enter.SetHelp("enter", "take the request")
		cancel := k.LeaveField
		cancel.SetHelp("esc", "cancel")
		return []key.Binding{enter, cancel}
	}
	return []key.Binding{k.Manual, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{{m.c.Keys.Manual, m.c.Keys.Back}} }

func (m *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if m.entry {
			var cmd tea.Cmd
			m.id, cmd = m.id.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	k := m.c.Keys
	if m.entry {
		switch {
		case key.Matches(km, k.Back):
			m.entry = false
			return m, nil
		case key.Matches(km, k.Enter):
			m.entry = false
			return m, m.phone.Lookup(strings.TrimSpace(m.id.Value()))
		}
		var cmd tea.Cmd
		m.id, cmd = m.id.Update(km)
		return m, cmd
	}
	switch {
	case key.Matches(km, k.Back):
		return m, common.GoHome
	case key.Matches(km, k.Manual):
		m.entry = true
		m.id.SetValue("")
		return m, m.id.Focus()
	}
	return m, nil
}

func (m *Model) View() string {
	s := m.c.Styles
	t := m.c.Session.Target
	var b strings.Builder
	b.WriteString(s.Title.Render("Wallet inbox") + s.Subtle.Render("  · the cardholder's phone") + "\n\n")
	how := "Requests arrive as signed webhooks from the wallet platform."
	if t.Sandbox {
		how = "In the sandbox the wallet platform's webhooks reach this wallet automatically."
	}
	how += " Pay online (decoupled) to send one, or press a to enter an auth3dsId by hand. The newest waits " +
		m.c.OnPhone() + "."
	b.WriteString(lipgloss.NewStyle().Width(min(m.w, 70)).Render(how) + "\n\n")
	reqs := m.phone.Requests()
	if len(reqs) == 0 {
		b.WriteString(s.Subtle.Render("No requests yet.") + "\n")
	}
	for i := len(reqs) - 1; i >= 0; i-- {
		r := reqs[i]
		e := r.Pending.Event
		fmt.Fprintf(&b, "%s  %s  •••• %s  %s\n", s.Value.Render(r.Pending.Amount()), e.MerchantName, e.LastFourDigits, state(s, r.State))
		b.WriteString(s.Subtle.Render("   auth3dsId "+e.Auth3dsID) + "\n")
	}
	if n := len(m.phone.Messages()); n > 0 {
		fmt.Fprintf(&b, "\n%s\n", s.Subtle.Render(fmt.Sprintf("%d message(s) from the issuer on the phone.", n)))
	}
	if m.entry {
		b.WriteString("\n" + s.Subtitle.Render("Take a request by its auth3dsId") + "\n" + m.id.View() + "\n")
	}
	return b.String()
}

// state colours a request's state.
func state(s *styles.Styles, st phone.State) string {
	switch st {
	case phone.Approved:
		return s.OK.Render(st.String())
	case phone.Rejected, phone.Failed, phone.Expired:
		return s.Bad.Render(st.String())
	}
	return s.Warn.Render(st.String())
}
