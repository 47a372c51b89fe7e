package tui_test

import (
	"strings"
	"testing"
)

// TestTypedCardIsPaidWith: a card typed by hand is the card the checkout
// pays with, not the first test card of the picker (issue 8, defect 3).
func TestTypedCardIsPaidWith(t *testing.T) {
	h := start(t, 100, 30)
	h.key("c")
	h.until("Sandbox test cards")
	h.key("t")
	h.until("Type a card")
	h.key("4111 1111 1111 1111")
	for range 3 { // the number, the month, the year
		s := h.screen()
		h.key("enter")
		h.changed(s)
	}
	h.until("Walk through", "•••• 1111")
	h.key("3")
	s := h.until("Test card")
	if !strings.Contains(s, "> 4111111111111111 the card you typed") {
		t.Fatalf("the picker does not start on the typed card:\n%s", s)
	}
	h.submit(0)
	h.until("The 3DS server's answer", messagesRead)
	h.key("i")
	h.until("HTTP inspector", "threeds.Authenticate", "threeds.Messages")
	h.key("down", "enter") // the newest is the messages' read; the one before, the authentication
	s = h.until("#2 threeds.Authenticate", "Request")
	if !strings.Contains(s, `"number": "4111111111111111"`) {
		t.Fatalf("the authentication was not sent with the typed card:\n%s", s)
	}
}
