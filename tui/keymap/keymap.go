// Package keymap holds the keys of the TUI, the same on every screen.
package keymap

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key the TUI knows.
type KeyMap struct {
	Quit, Back, Help           key.Binding
	Explain, Inspect, Glossary key.Binding
	Save, Card                 key.Binding
	Up, Down, Move, Enter, Tab key.Binding
	// Page and component keys.
	Open, Cancel, Reject, Scan key.Binding
	Copy, Reveal, Write, Again key.Binding
	View, Change, Unenroll     key.Binding
	Refresh, Manual            key.Binding
}

// New returns the key map.
func New() KeyMap {
	k := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	return KeyMap{
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Back:     k("back", "esc"),
		Help:     k("keys", "?"),
		Explain:  k("explain", "x"),
		Inspect:  k("inspector", "i"),
		Glossary: k("glossary", "g"),
		Save:     k("save as scenario", "S"),
		Card:     k("card", "c"),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Move:     key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑/↓", "move")),
		Enter:    k("select", "enter"),
		Tab:      key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next field")),
		Open:     k("open in browser", "o"),
		Cancel:   k("cancel", "esc"),
		Reject:   k("reject", "r"),
		Scan:     key.NewBinding(key.WithKeys(" "), key.WithHelp("hold space", "scan fingerprint")),
		Copy:     k("copy as cURL", "y"),
		Reveal:   k("reveal secrets", "R"),
		Write:    k("save cURL to file", "w"),
		Again:    k("new purchase", "n"),
		View:     k("view", "v"),
		Change:   k("change method", "m"),
		Unenroll: k("unenroll", "u"),
		Refresh:  k("refresh", "r"),
		Manual:   k("enter auth3dsId", "a"),
	}
}
