package helpbar

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"github.com/walletsim/walletsim/tui/common"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

func k(keys, help string) key.Binding {
	return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, help))
}

// TestFitKeepsQuitAndHelp: when the bar is narrow, the app's x and i go
// first, then the page's last keys; the app's q and ? stay, so that at 60
// columns a person can always quit and see every key.
func TestFitKeepsQuitAndHelp(t *testing.T) {
	home := []key.Binding{k("↑/↓", "move"), k("enter", "select"), k("c", "card"), k("x", "explain"), k("i", "inspector"), k("q", "quit"), k("?", "keys")}
	lesson := []key.Binding{k("↑/↓", "scroll"), k("tab", "next task"), k("d", "do it"), k("h", "hint"), k("x", "explain"), k("i", "inspector"), k("q", "quit"), k("?", "keys")}
	typing := []key.Binding{k("tab", "next field"), k("enter", "next"), k("esc", "leave field"), k("ctrl+c", "quit")}
	for _, tc := range []struct {
		name  string
		keys  []key.Binding
		width int
		want  string
	}{
		{"all fit", home, 80, "↑/↓ move • enter select • c card • x explain • i inspector • q quit • ? keys"},
		{"60 columns", home, 60, "↑/↓ move • enter select • c card • q quit • ? keys"},
		{"very narrow", home, 20, "q quit • ? keys"},
		{"narrower still", home, 10, "? keys"},
		{"the page's keys before x and i", lesson, 70, "↑/↓ scroll • tab next task • d do it • h hint • q quit • ? keys"},
		{"a text field's", typing, 44, "tab next field • enter next • ctrl+c quit"},
		{"none", nil, 60, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(&common.Common{Styles: styles.New(), Keys: keymap.New()})
			m.SetWidth(tc.width)
			if got := m.fit(tc.keys); got != tc.want {
				t.Errorf("fit at %d = %q, want %q", tc.width, got, tc.want)
			}
		})
	}
}
