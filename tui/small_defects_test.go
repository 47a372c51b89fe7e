package tui_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/walletsim/walletsim/flows"
)

// The smaller ones of issue 8, defect 10, each as it was reproduced.

// TestEnrollHintFollowsTheCard: after enrolling the decoupled card, the
// hint points to 4, the decoupled payment (it said 3).
func TestEnrollHintFollowsTheCard(t *testing.T) {
	h := start(t, 100, 30)
	h.decoupledCard()
	h.key("1")
	h.until("How should the issuer send one-time codes?")
	h.key("enter")
	if s := h.until("3DS enrollment successful."); !strings.Contains(s, "esc, then 4") || strings.Contains(s, "esc, then 3") {
		t.Fatalf("the hint does not point to the decoupled payment:\n%s", s)
	}
}

// TestEnrollChoiceShowsBoth: ↓ in the enrollment choice keeps SMS in view.
func TestEnrollChoiceShowsBoth(t *testing.T) {
	h := start(t, 80, 24)
	h.key("1")
	h.until("How should the issuer send one-time codes?")
	h.key("down")
	if s := h.until("> Email"); !strings.Contains(s, "SMS to the cardholder's phone") {
		t.Fatalf("the SMS option went out of view:\n%s", s)
	}
}

// TestScenarioPageGroupsAndEditsAgain: a directory's results are grouped by
// scenario, in the files' order (they interleaved), and the path can be
// edited after a run (it could not).
func TestScenarioPageGroupsAndEditsAgain(t *testing.T) {
	h := start(t, 120, 60)
	h.key("6")
	h.until("Run a scenario")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	dir := filepath.Join("..", "testdata", "scenarios", "cards")
	h.key(dir, "enter")
	s := h.until("14 scenarios: 14 passed")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	last := -1
	for _, f := range files[:4] {
		data, _ := os.ReadFile(f)
		name := strings.TrimPrefix(strings.SplitN(string(data), "\n", 2)[0], "name: ")
		at := strings.Index(s, name)
		if at < last {
			t.Fatalf("%q is out of the files' order:\n%s", name, s)
		}
		last = at
	}
	for _, block := range strings.Split(s, "\n\n")[1:] { // each scenario: its steps 1, 2, 3… together
		n := 0
		for _, l := range strings.Split(block, "\n") {
			if f := strings.Fields(l); len(f) > 2 && (f[0] == "✓" || f[0] == "✗") {
				n++
				if f[1] != strconv.Itoa(n) {
					t.Fatalf("steps interleave in:\n%s", block)
				}
			}
		}
	}
	h.key("e")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.key("elsewhere.yaml")
	h.until("> elsewhere.yaml")
}

// TestTimeoutShowsAttempts: while a call that gets no answer is retried,
// the checkout says which attempt it is on (it showed a bare spinner for
// 50 s). The session runs on real time here, as the TUI's does (a
// flows.ShiftClock): on the harness's virtual clock a timeout takes no
// time, so there is no wait to show an attempt during.
func TestTimeoutShowsAttempts(t *testing.T) {
	h := startWith(t, 100, 30, func(o *flows.Options) { o.Retries, o.Timeout, o.Clock = 1, time.Second, &flows.ShiftClock{} })
	h.pay("3", 7) // from the challenge card down to the one that never answers
	h.until("Attempt 1 got no answer; walletsim tries again (attempt 2)")
	h.until("No answer in time")
}

// TestInspectorReopensOnTheNewest: after moving the selection and closing,
// the inspector opens again on the newest exchange, at the top.
func TestInspectorReopensOnTheNewest(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll()
	h.key("i")
	h.until("HTTP inspector")
	h.key("down", "esc") // the selection moved: it stays on its exchange while the inspector is open
	h.key("2")
	h.until("Enroll 3DS details fetched successfully.")
	h.key("i")
	s := h.until("HTTP inspector", "issuing.Get")
	var selected string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "▸") {
			selected = l
		}
	}
	if !strings.Contains(selected, "issuing.Get") {
		t.Fatalf("the inspector did not open on the newest exchange:\n%s", s)
	}
}

// TestQuitFromTheCardList: q quits while the checkout's card list has
// focus (it was typed into the form).
func TestQuitFromTheCardList(t *testing.T) {
	h := start(t, 100, 30)
	h.key("3")
	h.until("┃ Test card")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// TestLongNoticeIsNotCut: a notice longer than the help bar wraps to a
// second line instead of being cut at 80 columns.
func TestLongNoticeIsNotCut(t *testing.T) {
	h := start(t, 80, 24)
	h.enroll()
	h.key("S")
	s := h.until("Saved 1 step.")
	lines := strings.Split(s, "\n")
	notice := strings.Join(strings.Fields(strings.Join(lines[len(lines)-3:], " ")), "")
	if !strings.Contains(notice, "Replay:walletsimrun"+strings.ReplaceAll(h.dir, " ", "")) || !strings.HasSuffix(notice, ".yaml") {
		t.Fatalf("the notice is cut:\n%s", strings.Join(lines[len(lines)-3:], "\n"))
	}
}
