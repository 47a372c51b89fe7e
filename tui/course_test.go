package tui_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// The walkthroughs of lessons 3-7 take the course as a newcomer would,
// at 80×24, using only what the TUI offers: the keys the hints name, the
// card list, the checkout, the phone (its code, its approve and reject),
// the test clock's t, and the EMV messages view (m), whose values are read
// off the screen. The EMV messages are the embedded sandbox's own (GET
// /v1/3ds/{id}/messages), as in walletsim learn. Each lesson: one check
// missed, with what was missing, then every exercise passed and every
// question answered, and the lesson shown done in the list.

// student starts walletsim learn, w×h, on the embedded sandbox, with
// progress in a fresh $XDG_STATE_HOME.
func student(t *testing.T, w, h int) *harness {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	hs := learner(t, w, h)
	hs.until("Learn 3-D Secure", "0 of 36 exercises and questions done.")
	return hs
}

// openLesson opens lesson n (1-based) from the list, at its first
// exercise.
func (h *harness) openLesson(n int, title string) {
	h.t.Helper()
	for range n - 1 {
		h.key("down")
	}
	h.key("enter")
	h.until("Lesson "+strconv.Itoa(n)+" of 7", title)
	h.key("tab")
	h.until("▸ [ ]")
}

// useCard chooses a test card on the card list (home, c), by the number
// as the list spells it ("4000 0000 0000 0069"), and comes back home.
func (h *harness) useCard(number string) {
	h.t.Helper()
	h.home()
	h.key("c")
	h.until("Sandbox test cards")
	for range 80 {
		if strings.Contains(h.screen(), "▸ "+number) {
			h.key("enter")
			h.until("Walk through a 3-D Secure journey", "•••• "+number[len(number)-4:])
			return
		}
		h.key("down")
	}
	h.t.Fatalf("the card list has no %s", number)
}

// back presses l (back to the course, at the exercise it left) and waits
// for the focused exercise's text.
func (h *harness) back(task string) string {
	h.t.Helper()
	h.key("l")
	return h.until("▸ [", task)
}

// answerTyped types an answer into the focused exercise's field.
func (h *harness) answerTyped(value string) {
	h.key("enter")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU}) // whatever was typed before goes
	h.key(value, "enter")
}

// challengeCode waits for the challenge page and for this challenge's
// code on the phone (the ACS sent it before the page opened: it is the
// inbox's newest), and returns it.
func (h *harness) challengeCode() string {
	h.t.Helper()
	h.until("Verify it's you")
	code := h.inboxCode()
	h.until("Verify it's you", code+" is your code")
	return code
}

// home goes to the home screen from any page (esc does nothing there).
func (h *harness) home() {
	h.t.Helper()
	for range 4 {
		if strings.Contains(h.screen(), "Walk through a 3-D Secure journey") {
			return
		}
		h.key("esc")
	}
	h.until("Walk through a 3-D Secure journey")
}

// messageField opens the EMV messages of the result (m), the message
// whose line says label, and reads field's value off the screen.
func (h *harness) messageField(label, field string) string {
	h.t.Helper()
	h.key("m")
	h.until("EMV messages of authentication")
	for range 20 {
		if strings.Contains(selected(h.screen()), label) {
			break
		}
		h.key("down")
	}
	h.key("enter")
	value := regexp.MustCompile(regexp.QuoteMeta(field) + `  (\S+)`)
	for range 10 {
		if m := value.FindStringSubmatch(h.screen()); m != nil {
			h.key("esc")
			return m[1]
		}
		h.press(tea.KeyPgDown)
	}
	h.t.Fatalf("no %s in the %s:\n%s", field, label, h.screen())
	return ""
}

// selected is the line of a list the cursor is on.
func selected(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "▸ ") {
			return l
		}
	}
	return ""
}

// copyField copies field of the message whose line says label from the
// messages view (m, then y), as a person would to paste it, and returns
// what reached the clipboard.
func (h *harness) copyField(label, field string) string {
	h.t.Helper()
	h.key("m")
	h.until("EMV messages of authentication")
	for range 20 {
		if strings.Contains(selected(h.screen()), label) {
			break
		}
		h.key("down")
	}
	h.key("y")
	h.until("Copy a field of the")
	h.key("/", field, "enter")
	h.until("▸ " + field)
	h.key("enter")
	h.until(field + " sent to the test clipboard")
	return h.clip.last()
}

// paste pastes text into the focused exercise's answer, and checks it.
func (h *harness) paste(text string) {
	h.key("enter")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true})
	h.key("enter")
}

// lineOf is the first line of s containing text.
func lineOf(s, text string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	return ""
}

// answerAll answers the lesson's questions, right, by the choices' numbers.
func (h *harness) answerAll(choices ...string) {
	h.t.Helper()
	for _, c := range choices {
		h.key("tab", c)
		h.until("Right.")
	}
}

// lessonDone goes back to the list and sees the lesson done.
func (h *harness) lessonDone(title string) {
	h.t.Helper()
	h.key("esc")
	s := h.until("Learn 3-D Secure", "of 36 exercises")
	if l := lineOf(s, title); !strings.Contains(l, "✓ done") {
		h.t.Fatalf("lesson %q is not done:\n%s", title, s)
	}
}

// fromResult reads a value off the result card.
func (h *harness) fromResult(re string) string {
	h.t.Helper()
	s := h.screen()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		h.t.Fatalf("no %s on the result:\n%s", re, s)
	}
	return m[1]
}

// The RReq as the 3DS Server receives it, in the messages view.
const rreq = "RReq  Directory Server → 3DS Server"

func TestLessonChallenge(t *testing.T) {
	h := student(t, 80, 24)
	h.openLesson(3, "The browser challenge")
	h.key("h")
	h.until("Hint: The card in use at start")
	h.key("d") // the checkout; the hint says to enroll the card first
	h.until("Test card")
	h.home()
	h.enroll()

	t.Run("pass, after a wrong code", func(t *testing.T) {
		h.t = t
		h.pay("3", 0)
		code := h.challengeCode()
		h.key(wrong(code), "enter")
		h.until("Wrong code. 2 attempts left.")
		h.key(code, "enter")
		h.until("Authenticated (Y)", messagesRead)
		h.back("Pass a browser challenge")
		h.until("[✓] Pass a browser challenge", "[✓] Pass a challenge after typing a wrong code")
	})
	t.Run("timeout missed", func(t *testing.T) {
		h.t = t
		h.key("tab", "tab")
		h.golden("missing", h.until("▸ [ ] Let a challenge time out", "final transStatus was Y, wanted U."))
	})
	t.Run("timeout", func(t *testing.T) {
		h.t = t
		h.key("d")
		h.until("Test card")
		h.submit(0)
		h.challengeCode()
		h.key("t") // to just before the page expires
		h.until("Test clock moved on 4m50s")
		h.key("t") // past it: the page reloads, the ACS has timed it out
		h.until("Could not be performed (U)", messagesRead)
		cancel := h.messageField(rreq, "challengeCancel")
		h.back("Let a challenge time out")
		h.until("now find its RReq.challengeCancel")
		h.answerTyped(cancel)
		h.until("[✓] Let a challenge time out", "challengeCancel of the RReq: 04")
	})
	t.Run("questions", func(t *testing.T) {
		h.t = t
		h.answerAll("2", "2", "2")
		h.lessonDone("The browser challenge")
	})
}

func TestLessonDecoupled(t *testing.T) {
	h := student(t, 80, 24)
	h.openLesson(4, "Decoupled approval in the wallet")
	h.key("d")
	h.until("Test card")
	h.useCard("4000 0000 0000 0044")

	t.Run("not enrolled", func(t *testing.T) {
		h.t = t
		h.pay("4", 0)
		h.until("Attempted (A)", messagesRead)
		h.golden("missing", h.back("Approve a decoupled purchase"))
		h.until("the ACS's first answer (ARes transStatus) was A, wanted D.")
	})
	t.Run("approve, then the CAVV", func(t *testing.T) {
		h.t = t
		h.key("d") // leaving the lesson by d, l comes back to it
		h.until("Test card")
		h.home()
		h.enroll()
		h.pay("4", 0)
		h.until("Hold space to approve", "Waiting for the cardholder's wallet…")
		h.key("v")
		h.until("walletsim demo shop? y")
		h.key("y")
		h.until("Authenticated (Y)", "Approved.", messagesRead)
		cavv := h.messageField(rreq, "authenticationValue")
		// Read on the screen, and copied to paste (y in the messages view).
		if copied := h.copyField(rreq, "authenticationValue"); copied != cavv {
			t.Fatalf("copied %q, the screen shows %q", copied, cavv)
		}
		h.back("Approve a decoupled purchase")
		h.answerTyped(strings.ToLower(cavv))
		h.until("is not the", "RReq.authenticationValue of a purchase that did this") // a CAVV is exact
		h.paste(cavv)
		h.until("[✓] Approve a decoupled purchase", "Passed.")
	})
	t.Run("reject", func(t *testing.T) {
		h.t = t
		h.key("tab", "d")
		h.until("Test card")
		h.submit(0)
		h.until("Hold space to approve", "Waiting for the cardholder's wallet…")
		h.key("r")
		h.until("Not authenticated (N)", messagesRead)
		h.back("Reject a decoupled purchase")
		h.until("[✓] Reject a decoupled purchase")
	})
	t.Run("questions", func(t *testing.T) {
		h.t = t
		h.answerAll("2", "2", "2")
		h.lessonDone("Decoupled approval in the wallet")
	})
}

func TestLessonECI(t *testing.T) {
	h := student(t, 80, 24)
	h.openLesson(5, "ECI, CAVV and the liability shift")
	h.key("d")
	h.until("Test card")

	t.Run("ECI 06", func(t *testing.T) {
		h.t = t
		h.useCard("4000 0000 0000 0028")
		h.pay("3", 0)
		h.until("Attempted (A)", "ECI          06", messagesRead)
		h.back("Make a purchase that ends with ECI 06")
		h.until("[✓] Make a purchase that ends with ECI 06")
	})
	t.Run("Mastercard missed", func(t *testing.T) {
		h.t = t
		h.key("tab")
		h.golden("missing", h.until("▸ [ ] Authenticate a Mastercard", "scheme was visa, wanted mastercard."))
	})
	t.Run("Mastercard", func(t *testing.T) {
		h.t = t
		h.key("d")
		h.until("Test card")
		h.useCard("5200 0000 0000 0015")
		h.pay("3", 0)
		h.until("Authenticated (Y)", messagesRead)
		eci := h.fromResult(`│ ECI\s+(\d\d)`)
		h.back("Authenticate a Mastercard purchase")
		h.answerTyped(eci)
		h.until("[✓] Authenticate a Mastercard purchase", "ECI: 02")
	})
	t.Run("questions", func(t *testing.T) {
		h.t = t
		h.answerAll("2", "2", "2")
		h.lessonDone("ECI, CAVV and the liability shift")
	})
}

func TestLessonOutcomes(t *testing.T) {
	h := student(t, 80, 24)
	h.openLesson(6, "When authentication fails")
	h.key("d")
	h.until("Test card")

	t.Run("rejected, a wrong reason first", func(t *testing.T) {
		h.t = t
		h.useCard("4000 0000 0000 0069")
		h.pay("3", 0)
		h.until("Rejected (R)", messagesRead)
		reason := h.fromResult(`transStatusReason\s+(\d\d)`)
		h.back("Get the ACS to reject a purchase")
		h.answerTyped("05")
		h.golden("wrong answer", h.until(`"05" is not the transStatusReason of a purchase that did this`))
		h.answerTyped(reason)
		h.until("[✓] Get the ACS to reject a purchase", "transStatusReason: 11")
	})
	t.Run("unavailable", func(t *testing.T) {
		h.t = t
		h.key("tab", "d")
		h.until("Test card")
		h.useCard("4000 0000 0000 0077")
		h.pay("3", 0)
		h.until("Could not be performed (U)", messagesRead)
		reason := h.fromResult(`transStatusReason\s+(\d\d)`)
		h.back("could not be performed (U)")
		h.answerTyped(reason)
		h.until("[✓] Make a purchase whose authentication", "transStatusReason: 22")
	})
	t.Run("three wrong codes", func(t *testing.T) {
		h.t = t
		h.key("tab", "d")
		h.until("Test card")
		h.useCard("4000 0000 0000 0036")
		h.enroll()
		h.pay("3", 0)
		bad := wrong(h.challengeCode())
		for _, then := range []string{"2 attempts left", "1 attempt left", "Not authenticated (N)"} {
			h.key(bad, "enter")
			h.until(then)
		}
		h.until(messagesRead)
		reason := h.messageField(rreq, "transStatusReason")
		h.back("Fail a challenge with three wrong codes")
		h.answerTyped(reason)
		h.until("[✓] Fail a challenge with three wrong codes", "transStatusReason of the RReq: 19")
	})
	t.Run("questions", func(t *testing.T) {
		h.t = t
		h.answerAll("2", "1", "2")
		h.lessonDone("When authentication fails")
	})
}

func TestLessonEnrollment(t *testing.T) {
	h := student(t, 80, 24)
	h.openLesson(7, "Enrollment and one-time code delivery")

	t.Run("enroll by SMS", func(t *testing.T) {
		h.t = t
		h.key("d") // the enroll page
		h.until("How should the issuer send one-time codes?")
		h.key("enter")
		h.until("3DS enrollment successful.")
		h.back("Enroll a card in the issuer's 3DS program")
		h.until("[✓] Enroll a card in the issuer's 3DS program")
	})
	t.Run("code by SMS missed", func(t *testing.T) {
		h.t = t
		h.key("tab", "d")
		h.until("Test card")
		h.submit(0)
		h.key(h.challengeCode(), "enter")
		h.until("Authenticated (Y)", messagesRead)
		h.golden("missing", h.back("Change a card's enrollment to EMAIL"))
		h.until("where the one-time code went was SMS, wanted EMAIL.")
	})
	t.Run("code by email", func(t *testing.T) {
		h.t = t
		h.key("d") // leaving the lesson by d, l comes back to it
		h.until("Test card")
		h.home()
		h.key("2")
		h.until("Enrollment: enrolled (SMS)")
		h.key("m")
		h.until("Enrollment: enrolled (EMAIL)")
		h.home()
		h.pay("3", 0)
		code := h.challengeCode()
		h.until("We sent a one-time code by EMAIL", "EMAIL ·")
		h.key(code, "enter")
		h.until("Authenticated (Y)", messagesRead)
		h.back("Change a card's enrollment to EMAIL")
		h.until("[✓] Change a card's enrollment to EMAIL")
	})
	t.Run("questions", func(t *testing.T) {
		h.t = t
		h.answerAll("2", "2", "1")
		h.lessonDone("Enrollment and one-time code delivery")
	})
}
