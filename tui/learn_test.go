package tui_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/course"
	"github.com/walletsim/walletsim/tui"
	"github.com/walletsim/walletsim/tui/common"
)

// learner starts the TUI on the course, w×h, with progress in state (the
// $XDG_STATE_HOME the test set) and a session that feeds the journal and
// reads the embedded sandbox's EMV messages.
func learner(t *testing.T, w, h int) *harness {
	t.Helper()
	store, err := course.DefaultStore()
	if err != nil {
		t.Fatal(err)
	}
	c, err := course.Load("")
	if err != nil {
		t.Fatal(err)
	}
	j := &course.Journal{}
	hs := launch(t, w, h, func(o *flows.Options) { o.Journal = j }, func(o *tui.Options) {
		o.Learn, o.Start = common.NewLearn(c, j, store), common.Course
		o.Learn.Messages = true
	})
	hs.j = j
	return hs
}

// press sends one key of a type the harness's key does not name.
func (h *harness) press(t tea.KeyType) {
	h.tm.Send(tea.KeyMsg{Type: t})
	h.screen()
}

// payWith pays on the checkout the exercise's d opened: the card picker
// moved by moves, the challenge preference moved right by prefs.
func (h *harness) payWith(moves, prefs int) {
	h.until("Test card")
	for ; moves < 0; moves++ {
		h.key("up")
	}
	if prefs > 0 {
		// card, amount, currency: on the preference. The form moves its
		// focus in a command of its own: wait for each move.
		for range 3 {
			before := h.screen()
			h.key("enter")
			h.changed(before)
		}
		h.until("┃ Challenge preference")
		for range prefs {
			before := h.screen()
			h.press(tea.KeyRight)
			h.changed(before)
		}
		h.until("mandated")
	}
	h.submit(0)
}

func TestLessonParties(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	h := learner(t, 80, 24)
	h.golden("lessons", h.until("Learn 3-D Secure", "0 of 36 exercises and questions done."))
	h.key("enter")
	h.golden("lesson", h.until("Lesson 1 of 7", "What 3-D Secure is for"))
	h.key("tab")
	h.golden("exercise", h.until("Not yet: No purchase yet in this session."))

	t.Run("failed", func(t *testing.T) {
		h.t = t
		h.key("d") // to the checkout; the default card is not enrolled: no matter here
		h.payWith(-2, 0)
		h.until("Authenticated (Y)", "m: the 4 EMV messages behind this result")
		h.key("l")
		h.until("You did it; now find its ARes.dsTransID and type it in.")
		h.key("enter")
		h.key("not-the-id", "enter")
		h.golden("wrong answer", h.until(`"not-the-id" is not the ARes.dsTransID`))
	})
	var dsTransID string
	t.Run("messages", func(t *testing.T) {
		h.t = t
		h.key("d")
		h.payWith(0, 0)                                       // the picker starts on the card in use: the frictionless one now
		h.until("Authenticated (Y)", "m: the 4 EMV messages") // read after the result
		h.key("m")
		h.until("EMV messages of authentication", "ARes  Issuer ACS → Directory Server")
		h.key("down", "down", "enter")
		s := h.until("dsTransID", "The Directory Server's id")
		dsTransID = regexp.MustCompile(`dsTransID  (\S+)`).FindStringSubmatch(s)[1] // as the learner reads it
		h.golden("ARes", s)
		h.key("esc")
		h.until("Authenticated (Y)")
	})
	t.Run("from the explainer and the inspector", func(t *testing.T) {
		h.t = t
		h.key("x") // over the page at 80×24
		h.until("EMV messages under the latest authentication")
		h.key("m")
		h.until("EMV messages of authentication", "4 + ARes  Directory Server → 3DS Server")
		h.key("esc")
		h.until("Authenticated (Y)")
		h.key("i") // the newest exchange is the read of the purchase's messages
		h.until("HTTP inspector", "threeds.Messages")
		h.key("m")
		h.golden("inspector", h.until("EMV messages behind", "4 + ARes"))
		h.key("esc")
		h.until("Authenticated (Y)")
	})
	t.Run("passed", func(t *testing.T) {
		h.t = t
		h.key("l")
		h.until(`"not-the-id" is not the ARes.dsTransID`) // the answer typed before stays
		h.key("enter")
		h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU}) // clear the wrong answer
		h.key(dsTransID, "enter")
		h.golden("passed", h.until("[✓] Make any purchase", "Passed."))
	})
	t.Run("questions", func(t *testing.T) {
		h.t = t
		h.key("tab", "1")
		h.golden("wrong", h.until("Not 1: try again", "The merchant can state a preference"))
		h.key("2")
		h.until("Right.")
		h.key("tab", "2", "tab", "1")
		h.until("▸ [✓] Whom does the 3DS Server work for?")
		h.key("esc")
		// Lesson 2's first exercise passed too: its Y purchase is in the
		// journal already.
		h.golden("done", h.until("✓ done", "1/5", "5 of 36 exercises and questions done."))
	})
	t.Run("home", func(t *testing.T) {
		h.t = t
		h.key("esc")
		h.golden("home", h.until("7  Learn 3-D Secure", "Target"))
		h.key("7")
		h.until("5 of 36 exercises and questions done.")
	})
}

// TestLessonFrictionless walks lesson 2 at 60×20: each exercise first
// missed, with what is missing, then done.
func TestLessonFrictionless(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	h := learner(t, 60, 20)
	h.until("Learn 3-D Secure")
	h.key("down", "enter", "tab")
	h.until("Make a purchase that the ACS authenticates", "No purchase yet")

	t.Run("frictionless missed", func(t *testing.T) {
		h.t = t
		h.key("d")
		h.payWith(0, 0) // the challenge card, not enrolled: the ACS cannot challenge it
		h.until("Attempted (A)")
		h.key("l")
		h.golden("missing", h.until("Closest so far", "ending 0036", "wanted Y"))
	})
	t.Run("frictionless done", func(t *testing.T) {
		h.t = t
		h.key("d")
		h.payWith(-2, 0)
		h.until("Authenticated (Y)")
		h.key("l")
		h.until("[✓] Make a purchase that the ACS", "Passed.")
	})
	t.Run("indicator missed", func(t *testing.T) {
		h.t = t
		h.key("tab")
		h.golden("missing", h.until("challenge_preference was", "wanted mandated"))
	})
	t.Run("indicator done", func(t *testing.T) {
		h.t = t
		h.key("d")
		h.payWith(0, 3)          // no_preference → no_challenge → preferred → mandated
		h.until("Attempted (A)") // the card is not enrolled: the ACS cannot challenge it
		h.key("l")
		h.until("now find its", "AReq.threeDSRequestorChallengeInd")
		h.key("enter", "03", "enter")
		h.until(`"03" is not the`)
		h.key("enter")
		h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
		h.key("04", "enter")
		h.golden("passed", h.until("[✓] Make a purchase with the", "04"))
	})
	t.Run("questions", func(t *testing.T) {
		h.t = t
		h.key("tab", "2")
		h.until("Not 2: try again", "CReq and CRes exist only")
		h.key("1")
		h.golden("right", h.until("Right.", "The ARes is final"))
	})
}

// TestCourseProgressSurvivesRestart: what is answered is in
// $XDG_STATE_HOME/walletsim/course.json and shown by the next app.
func TestCourseProgressSurvivesRestart(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	first := learner(t, 80, 24)
	first.until("0 of 36")
	first.key("enter", "tab", "tab", "2")
	first.until("Right.")
	first.tm.Quit()

	data, err := os.ReadFile(filepath.Join(state, "walletsim", "course.json"))
	if err != nil || !strings.Contains(string(data), `"who-decides"`) {
		t.Fatalf("progress file: %v\n%s", err, data)
	}
	again := learner(t, 80, 24)
	again.until("1/4", "1 of 36 exercises and questions done.")
	again.key("enter", "tab", "tab")
	again.until("[✓] Who decides", "→ 2) The issuer's ACS")
}

// TestCourseDamagedProgress: a progress file that cannot be read is said,
// and left as it is.
func TestCourseDamagedProgress(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	path := filepath.Join(state, "walletsim", "course.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := learner(t, 80, 24)
	h.until("cannot be", "nothing is saved until", "--reset") // the path's length moves where lines break
	h.key("enter", "tab", "tab", "2")
	h.until("Right.")
	if data, _ := os.ReadFile(path); string(data) != "{not json" {
		t.Fatalf("the damaged file was overwritten: %q", data)
	}
}

// TestCourseLoadedWhenOpened: walletsim's start-up does not parse the
// lessons; the course's first showing does, once.
func TestCourseLoadedWhenOpened(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var opened atomic.Int32
	j := &course.Journal{}
	h := launch(t, 80, 24, func(o *flows.Options) { o.Journal = j }, func(o *tui.Options) {
		o.Learn = common.LazyLearn(j, func() (*course.Course, course.Store, error) {
			opened.Add(1)
			c, err := course.Load("")
			if err != nil {
				return nil, course.Store{}, err
			}
			s, err := course.DefaultStore()
			return c, s, err
		})
	})
	h.until("7  Learn 3-D Secure")
	if n := opened.Load(); n != 0 {
		t.Fatalf("the course was loaded %d times before it was opened", n)
	}
	h.key("7")
	h.until("0 of 36 exercises and questions done.")
	h.key("esc")
	h.until("7  Learn 3-D Secure")
	h.key("l")
	h.until("0 of 36 exercises and questions done.")
	if n := opened.Load(); n != 1 {
		t.Fatalf("the course was loaded %d times, want 1", n)
	}
}
