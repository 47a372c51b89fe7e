// Package keymap holds every key of the TUI, and the rule that decides who
// gets a key.
//
// The rule: a text field that has focus takes the keys that type (letters,
// digits, symbols, space), the keys that edit, enter (which submits it) and
// esc (which leaves it). Every other key,
// and every key while no text field has focus, goes to the app first
// (explain, inspector, glossary, keys, save, quit…), then to the phone
// (scan, reject, approve while a request waits), then to the page. A field
// that takes only some keys says so: the one-time code field takes digits,
// so the app's letter keys work beside it. ctrl+c always quits.
package keymap

import (
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap is every key the TUI knows.
type KeyMap struct {
	// Global keys: on every screen, unless a text field has focus.
	Quit, ForceQuit, Help, Back   key.Binding
	Explain, ExplainAll, Inspect  key.Binding
	Glossary                      key.Binding
	Save, Phone                   key.Binding
	LeaveField, EnterField        key.Binding
	Up, Down, Move, Enter, Tab    key.Binding
	PageUp, PageDown, Top, Bottom key.Binding
	Scroll, ScrollLines, Filter   key.Binding
	HalfPageUp, HalfPageDown      key.Binding
	Select, Close                 key.Binding

	// Page and component keys.
	Walkthrough, Card, TypeCard key.Binding
	Again, Cancel, OpenBrowser  key.Binding
	Verify                      key.Binding
	View, Change, Unenroll      key.Binding
	Manual, Run, EditPath       key.Binding
	Scan, Reject, Approve       key.Binding
	Confirm, Clock              key.Binding
	Copy, CopyValue, CopyField  key.Binding
	Reveal, Write               key.Binding
	Messages, Learn             key.Binding
	Answer, Hint, Do            key.Binding
}

// New returns the key map.
func New() KeyMap {
	k := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	return KeyMap{
		Quit:         k("quit", "q"),
		ForceQuit:    k("quit", "ctrl+c"),
		Help:         k("keys", "?"),
		Back:         k("back", "esc"),
		Explain:      k("explain", "x"),
		ExplainAll:   k("explainer, full screen", "X"),
		Inspect:      k("inspector", "i"),
		Glossary:     k("glossary", "g"),
		Save:         k("save as scenario", "S"),
		Phone:        k("phone", "p"),
		LeaveField:   k("leave field", "esc"),
		EnterField:   key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "back to the field")),
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Move:         key.NewBinding(key.WithKeys("up", "down", "k", "j"), key.WithHelp("↑/↓", "move")),
		Enter:        k("select", "enter"),
		Tab:          key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "next field")),
		PageUp:       key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:          key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		Bottom:       key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),
		Scroll:       key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
		ScrollLines:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll")),
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half a page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half a page down")),
		Select:       key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "select")),
		Close:        k("close", "esc"),
		Filter:       k("filter", "/"),

		Walkthrough: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"), key.WithHelp("1–7", "walkthrough")),
		Card:        k("card", "c"),
		TypeCard:    k("type a card", "t"),
		Again:       k("new purchase", "n"),
		Cancel:      k("cancel", "esc"),
		OpenBrowser: k("open in browser", "o"),
		Verify:      k("verify", "enter"),
		View:        k("view", "v"),
		Change:      k("change method", "m"),
		Unenroll:    k("unenroll", "u"),
		Manual:      k("enter auth3dsId", "a"),
		Run:         k("run", "enter"),
		EditPath:    k("edit path", "e"),
		Scan:        key.NewBinding(key.WithKeys(" "), key.WithHelp("hold space", "scan")),
		Reject:      k("reject", "r"),
		Approve:     k("approve, no hold", "v"),
		Confirm:     k("yes, approve", "y"),
		Clock:       k("skip time", "t"),
		Copy:        k("copy as cURL", "y"),
		CopyValue:   k("copy a value", "y"),
		CopyField:   k("copy a value", "v"),
		Reveal:      k("reveal secrets", "R"),
		Write:       k("save cURL to file", "w"),
		Messages:    k("EMV messages", "m"),
		Learn:       k("course", "l"),
		Answer:      key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1–6", "answer")),
		Hint:        k("hint", "h"),
		Do:          k("do it", "d"),
	}
}

// Types reports whether km is a key that types: runes (letters, digits,
// symbols) or space. A focused text field takes these before the app.
func Types(km tea.KeyMsg) bool {
	return km.Type == tea.KeyRunes && !km.Alt || km.Type == tea.KeySpace
}

// Digits reports whether km types only digits.
func Digits(km tea.KeyMsg) bool {
	if km.Type != tea.KeyRunes || km.Alt || len(km.Runes) == 0 {
		return false
	}
	for _, r := range km.Runes {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// Editing reports whether km edits the text of a field: backspace, delete,
// the cursor keys within a line, and the readline shortcuts textinput
// knows. They are no app key, so a field may always take them.
func Editing(km tea.KeyMsg) bool {
	switch km.Type {
	case tea.KeyBackspace, tea.KeyDelete, tea.KeyLeft, tea.KeyRight, tea.KeyHome, tea.KeyEnd,
		tea.KeyCtrlA, tea.KeyCtrlE, tea.KeyCtrlK, tea.KeyCtrlU, tea.KeyCtrlW, tea.KeyCtrlB, tea.KeyCtrlF,
		tea.KeyCtrlD, tea.KeyCtrlV:
		return true
	}
	return false
}

// TextField is what a focused text field owns: what types, what edits,
// enter (which submits it) and esc (which leaves it).
func TextField(km tea.KeyMsg) bool {
	return Types(km) || Editing(km) || km.Type == tea.KeyEnter || km.Type == tea.KeyEscape
}

// DigitField is what a focused digits-only field owns: digits, editing
// keys, enter and esc.
func DigitField(km tea.KeyMsg) bool {
	return Digits(km) || Editing(km) || km.Type == tea.KeyEnter || km.Type == tea.KeyEscape
}

// Rule is the key rule in one sentence, for the help screen.
const Rule = "A text field with focus takes what you type; esc leaves it, and then the app's keys work " +
	"(enter goes back to the field). The one-time code field takes digits only, so x, i, g, ? and p work " +
	"beside it. ctrl+c always quits."
