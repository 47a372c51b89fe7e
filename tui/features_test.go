package tui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// What users of the best terminal apps expect (issue 8): "/" filters every
// list, the mouse scrolls and clicks, and a single value can be copied.

func (h *harness) click(x, y int) {
	h.tm.Send(tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	h.tm.Send(tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionRelease})
	h.screen()
}

func TestFilterInspector(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll()
	h.pay("3", -2)
	h.until("Authenticated (Y).", messagesRead)
	h.key("i", "/", "enroll", "enter")
	s := h.until("1 of 4 exchanges", "/enroll · 1 of 4 shown")
	if strings.Contains(s, "threeds.Authenticate") || !strings.Contains(s, "issuing.Enroll") {
		t.Fatalf("the filter lets through the wrong rows:\n%s", s)
	}
	h.key("esc") // clears the filter, the inspector stays
	h.until("4 exchanges · newest first", "threeds.Authenticate", "threeds.Messages")
}

func TestFilterGlossary(t *testing.T) {
	h := start(t, 100, 30)
	h.key("g", "/", "cavv")
	s := h.until("CAVV / AAV")
	if strings.Contains(s, "Liability shift") {
		t.Fatalf("the filter lets every term through:\n%s", s)
	}
}

func TestFilterCards(t *testing.T) {
	h := start(t, 100, 30)
	h.key("c")
	h.until("Sandbox test cards")
	h.key("/", "mada decoupled", "enter")
	s := h.until(fmt.Sprintf("1 of %d shown", len(testcards.All)))
	if !strings.Contains(s, "▸ 4406 4700 0000 0049") || strings.Contains(s, "4000 0000") {
		t.Fatalf("%s", s)
	}
	h.key("enter")
	h.until("Walk through", "mada •••• 0049")
}

func TestFilterScenarioResults(t *testing.T) {
	h := start(t, 120, 50)
	h.key("6")
	h.until("Run a scenario")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.key(filepath.Join("..", "testdata", "scenarios", "cards"), "enter")
	h.until("14 scenarios: 14 passed")
	h.key("/", "wrong code")
	s := h.until("/wrong code")
	if strings.Contains(s, "Frictionless") || !strings.Contains(s, "Wrong code") {
		t.Fatalf("%s", s)
	}
}

// TestMouse: a click on a walkthrough opens it; on a card, selects it (a
// second click takes it); the wheel moves the inspector's selection.
func TestMouse(t *testing.T) {
	h := start(t, 100, 30)
	h.until("Walk through")
	h.click(6, 1+3+2*2) // the header, the title lines, two walkthroughs of two lines
	h.until("Pay online (browser)  · the merchant's checkout")
	h.key("esc")
	h.until("Walk through")
	h.key("c")
	h.until("Sandbox test cards")
	h.click(4, 1+2+5) // the sixth card: Visa … 0069, rejected
	h.until("▸ 4000 0000 0000 0069")
	h.click(4, 1+2+5)
	h.until("Walk through", "•••• 0069")
	h.enroll()
	h.key("i")
	h.until("HTTP inspector")
	h.click(4, 1+2) // the first row: selected already, so it opens
	h.until("Request", "issuing.Enroll")
}

// TestCopyAValue: y on a result offers its values; enter copies one and
// says what was done; w saves it to a file when the clipboard cannot be
// reached. v in the inspector offers an exchange's values.
func TestCopyAValue(t *testing.T) {
	h := start(t, 100, 30)
	h.pay("3", -2)
	h.until("Authenticated (Y).", messagesRead)
	h.key("y")
	h.until("Copy a value of the result")
	h.key("/", "cavv", "enter", "enter")
	s := h.until("CAVV sent to the test clipboard", "w saves it to a file")
	cavv := h.clip.last()
	if len(cavv) != 28 || !strings.Contains(s, cavv) {
		t.Fatalf("copied %q:\n%s", cavv, s)
	}
	h.key("w")
	h.until("Saved CAVV to")
	if data, _ := os.ReadFile(filepath.Join(h.dir, "walletsim-value-CAVV.txt")); strings.TrimSpace(string(data)) != cavv {
		t.Fatalf("saved %q", data)
	}
	h.key("esc", "i", "down", "v") // the newest is the messages' read: the one before, the authentication
	h.until("Copy a value of threeds.Authenticate #2")
	h.key("/", "auth_value", "enter")
	h.until("▸ response.auth_value")
	h.key("enter")
	h.until("response.auth_value sent to the test clipboard")
	if h.clip.last() != cavv {
		t.Fatalf("the inspector copied %q, want the CAVV %q", h.clip.last(), cavv)
	}
}
