// Package common is what every screen of the TUI shares: its size, styles
// and keys, the flows session, the card in use, and the recorder that saves
// the session as a scenario. Screens are Pages; the app switches between
// them with the messages below.
package common

import (
	"context"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/styles"
)

// Common is shared by every page and component.
type Common struct {
	Width, Height int // of the body, between header and help bar
	Styles        *styles.Styles
	Keys          keymap.KeyMap
	Session       *flows.Session
	Card          Card
	Recorder      *scenario.Recorder
	// Ctx lives as long as the app; pages derive cancellable contexts.
	Ctx context.Context
	// OpenURL opens a page in the user's browser.
	OpenURL func(string) error
}

// RecordCard makes card the recording's card; a scenario has one card, so
// it reports whether recorded steps were dropped.
func (c *Common) RecordCard(card Card) bool {
	return c.Recorder.UseCard(scenario.Card{Number: card.Number, Month: card.Month, Year: card.Year,
		CardholderID: card.Flows.CardholderID, WalletID: card.Flows.WalletID, CardID: card.Flows.CardID, CustomerID: card.Flows.CustomerID})
}

// Now is the session's clock (a test's fake one, or real time).
func (c *Common) Now() time.Time {
	if c.Session == nil {
		return time.Now()
	}
	return c.Session.Now()
}

// Sandbox reports whether the sandbox's extensions (inbox, amounts,
// test cards) are available.
func (c *Common) Sandbox() bool { return c.Session != nil && c.Session.Target.Extensions }

// Card is the card in use: its number and expiry for the merchant, its
// ids for the issuer and the wallet platform.
type Card struct {
	Number      string
	Month, Year int
	Flows       flows.Card
	// Test is the sandbox test card it is, if any.
	Test *sandbox.TestCard
}

// Label names the card for headers: "Visa •••• 0036 · challenge".
func (c Card) Label() string {
	if c.Number == "" {
		return "no card"
	}
	last4 := c.Number[max(0, len(c.Number)-4):]
	if c.Test == nil {
		return fmt.Sprintf("%s •••• %s", sandbox.SchemeOf(c.Number), last4)
	}
	return fmt.Sprintf("%s •••• %s · forces %s", schemeName(c.Test.Scheme), last4, c.Test.Outcome)
}

func schemeName(s sandbox.Scheme) string {
	switch s {
	case sandbox.Visa:
		return "Visa"
	case sandbox.Mastercard:
		return "Mastercard"
	case sandbox.Mada:
		return "mada"
	}
	return string(s)
}

// TestCard makes the Card of a sandbox test card.
func TestCard(tc sandbox.TestCard) Card {
	return Card{
		Number: tc.PAN, Month: 12, Year: time.Now().Year() + 3, Test: &tc,
		Flows: flows.Card{CardholderID: sandbox.CardholderID, WalletID: sandbox.WalletID, CardID: tc.CardID, CustomerID: sandbox.CustomerID},
	}
}

// Page is one screen: a tea model with a typed Update, a size, and keys
// for the help bar.
type Page interface {
	Init() tea.Cmd
	Update(tea.Msg) (Page, tea.Cmd)
	View() string
	SetSize(w, h int)
	Title() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Typing reports whether a text field has focus: then "q" is typed,
	// and ctrl+c quits.
	Typing() bool
	// WantsPhone reports whether the phone panel is shown beside the page.
	WantsPhone() bool
}

// Navigation messages.
type (
	// GoMsg opens a page by name.
	GoMsg struct{ Page string }
	// HomeMsg goes back to the home page.
	HomeMsg struct{}
	// CardMsg changes the card in use. Dropped: the sender already started
	// a new recording for it (RecordCard), dropping steps.
	CardMsg struct {
		Card    Card
		Dropped bool
	}
	// NoticeMsg shows a line in the help bar for a few seconds.
	NoticeMsg struct{ Text string }
)

// Go returns a command that opens page.
func Go(page string) tea.Cmd { return func() tea.Msg { return GoMsg{page} } }

// Home returns a command that goes home.
func Home() tea.Msg { return HomeMsg{} }

// Notice returns a command that shows text in the help bar.
func Notice(text string) tea.Cmd { return func() tea.Msg { return NoticeMsg{text} } }
