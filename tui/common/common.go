// Package common is what every screen of the TUI shares: its size, styles
// and keys, the flows session, the card in use, the recorder that saves the
// session as a scenario, and the test clock. Screens are Pages; the app
// switches between them with the messages below.
package common

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/keymap"
	"github.com/walletsim/walletsim/tui/recorder"
	"github.com/walletsim/walletsim/tui/styles"
)

// Common is shared by every page and component. Only the app's update
// loop writes it.
type Common struct {
	Width, Height int // of the body, between header and help bar
	Styles        *styles.Styles
	Keys          keymap.KeyMap
	Session       *flows.Session
	Card          Card
	Recorder      *recorder.Recorder
	// Ctx lives as long as the app; pages derive cancellable contexts.
	Ctx context.Context
	// OpenURL opens a page in the user's browser.
	OpenURL func(string) error
	// Copy puts text on the clipboard and says what it did.
	Copy func(text string) (said string, err error)
	// Clock is the session's clock when the person may move it forward
	// (the test clock of the embedded sandbox); nil otherwise. Shift is
	// how far it has been moved.
	Clock flows.Advancer
	Shift time.Duration
	// PhoneBeside: the phone is drawn beside the page; otherwise it is one
	// key (p) away.
	PhoneBeside bool
	// EMV are the EMV messages read so far, by authentication id.
	EMV map[string][]emv.Step
	// Learn is the course, when the app has one.
	Learn *Learn
}

// MessagesOf are the EMV messages behind an HTTP exchange of an
// authentication (nil when none were read): its AReq and ARes for the
// authenticate call, all of them for the other calls on it.
func (c *Common) MessagesOf(url string) []emv.Step {
	_, rest, ok := strings.Cut(url, "/v1/3ds/")
	if !ok {
		return nil
	}
	id, call, _ := strings.Cut(rest, "/")
	id, _, _ = strings.Cut(id, "?")
	steps := c.EMV[id]
	if call != "authenticate" {
		return steps
	}
	var out []emv.Step
	for _, s := range steps {
		if t := s.Message.Type(); t == emv.TypeAReq || t == emv.TypeARes {
			out = append(out, s)
		}
	}
	return out
}

// Now is the session's clock (a test's fake one, the test clock, or real
// time).
func (c *Common) Now() time.Time {
	if c.Session == nil {
		return time.Now()
	}
	return c.Session.Now()
}

// Sandbox reports whether the sandbox's extensions (inbox, amounts,
// test cards) are available.
func (c *Common) Sandbox() bool { return c.Session != nil && c.Session.Target.Extensions }

// OnPhone says where the phone is, for sentences such as "The code is on
// the phone →".
func (c *Common) OnPhone() string {
	if c.PhoneBeside {
		return "on the phone →"
	}
	return "on the phone (press " + c.Keys.Phone.Help().Key + " to see it)"
}

// ClockShift is how far to move the test clock for something that expires
// at deadline: to 10 s before it, or, when that is past, just beyond it.
// It is 0 without a test clock.
func (c *Common) ClockShift(deadline time.Time) time.Duration {
	if c.Clock == nil || deadline.IsZero() {
		return 0
	}
	left := deadline.Sub(c.Now())
	if left > 10*time.Second {
		return left - 10*time.Second
	}
	return max(left, 0) + time.Second
}

// Card is the card in use: its number and expiry for the merchant, its
// ids for the issuer and the wallet platform.
type Card struct {
	Number      string
	Month, Year int
	Flows       flows.Card
	// Test is the sandbox test card it is, if any.
	Test *testcards.Card
}

// Label names the card for headers: "Visa •••• 0036 · forces C".
func (c Card) Label() string {
	if c.Number == "" {
		return "no card"
	}
	last4 := c.Number[max(0, len(c.Number)-4):]
	if c.Test == nil {
		return fmt.Sprintf("%s •••• %s", testcards.SchemeOf(c.Number), last4)
	}
	forces := string(c.Test.Outcome)
	if c.Test.Reason != "" {
		forces += " " + string(c.Test.Reason) // transStatusReason
	}
	return fmt.Sprintf("%s •••• %s · forces %s", schemeName(c.Test.Scheme), last4, forces)
}

// Forces is the outcome the card forces on the sandbox ("" for a card
// that is no test card).
func (c Card) Forces() testcards.Outcome {
	if c.Test == nil {
		return ""
	}
	return c.Test.Outcome
}

func schemeName(s testcards.Scheme) string {
	switch s {
	case testcards.Visa:
		return "Visa"
	case testcards.Mastercard:
		return "Mastercard"
	case testcards.Mada:
		return "mada"
	case testcards.Amex:
		return "American Express"
	}
	return string(s)
}

// TestCard makes the Card of a sandbox test card.
func TestCard(tc testcards.Card) Card {
	return Card{
		Number: tc.PAN, Month: 12, Year: time.Now().Year() + 3, Test: &tc,
		Flows: flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: tc.CardID, CustomerID: testcards.CustomerID, Number: tc.PAN},
	}
}

// PageID names a page.
type PageID int

// The pages.
const (
	Home PageID = iota
	Enroll
	Manage
	PayBrowser
	PayDecoupled
	WalletInbox
	Scenario
	Cards
	Course
)

// Page is one screen: a tea model with a typed Update, a size, and keys
// for the help bar (its ShortHelp: the keys that work now; its FullHelp:
// all of them).
type Page interface {
	help.KeyMap
	Init() tea.Cmd
	Update(tea.Msg) (Page, tea.Cmd)
	View() string
	SetSize(w, h int)
	Title() string
	// Owns reports whether the page takes km before the app's own keys:
	// what a text field with focus types (see keymap's rule).
	Owns(tea.KeyMsg) bool
	// WantsPhone reports whether the phone is shown with the page.
	WantsPhone() bool
}

// Navigation and app messages.
type (
	// GoMsg opens a page.
	GoMsg struct{ Page PageID }
	// CardMsg changes the card in use.
	CardMsg struct{ Card Card }
	// NoticeMsg shows a line in the help bar for a few seconds.
	NoticeMsg struct{ Text string }
	// ShiftClockMsg moves the test clock forward by By.
	ShiftClockMsg struct{ By time.Duration }
	// ClockShiftedMsg tells the page and the phone that the test clock has
	// moved on: a page whose deadline passed looks again, as a real page's
	// countdown would.
	ClockShiftedMsg struct{}
	// EventMsg is an event of the session, for pages that follow them.
	EventMsg flows.Event
	// MessagesMsg opens the EMV messages view on Steps.
	MessagesMsg struct {
		Title string
		Steps []emv.Step
	}
	// MessagesReadMsg says that an authentication's EMV messages were
	// read: the app keeps them for the inspector and the explainer.
	MessagesReadMsg struct {
		ID    string
		Steps []emv.Step
	}
	// CopyMsg offers values to copy one of (a result's fields, an
	// exchange's ids).
	CopyMsg struct {
		Title  string
		Values []flows.Field
	}
)

// Go returns a command that opens page.
func Go(page PageID) tea.Cmd { return func() tea.Msg { return GoMsg{page} } }

// GoHome is a command that goes home.
func GoHome() tea.Msg { return GoMsg{Home} }

// Notice returns a command that shows text in the help bar.
func Notice(text string) tea.Cmd { return func() tea.Msg { return NoticeMsg{text} } }

// ShiftClock returns a command that moves the test clock by d.
func ShiftClock(d time.Duration) tea.Cmd { return func() tea.Msg { return ShiftClockMsg{d} } }

// ShowMessages returns a command that opens the EMV messages view.
func ShowMessages(title string, steps []emv.Step) tea.Cmd {
	return func() tea.Msg { return MessagesMsg{title, steps} }
}

// Offer returns a command that offers values to copy.
func Offer(title string, values []flows.Field) tea.Cmd {
	return func() tea.Msg { return CopyMsg{title, values} }
}
