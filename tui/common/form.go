package common

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/walletsim/walletsim/tui/keymap"
)

// FormOwns reports whether the field of f that has focus takes km before
// the app: a text input takes what types and edits (and esc, which leaves
// it); a select takes them only while it filters. Arrows, tab and enter
// are the form's anyway, being no app keys.
func FormOwns(f *huh.Form, km tea.KeyMsg) bool {
	if f == nil {
		return false
	}
	switch field := f.GetFocusedField().(type) {
	case *huh.Input:
		return keymap.TextField(km)
	case interface{ GetFiltering() bool }:
		return field.GetFiltering() && keymap.TextField(km)
	}
	return false
}

// InTextInput reports whether the field of f that has focus is a text
// input.
func InTextInput(f *huh.Form) bool {
	if f == nil {
		return false
	}
	_, ok := f.GetFocusedField().(*huh.Input)
	return ok
}
