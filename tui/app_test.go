package tui_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/course"
	"github.com/walletsim/walletsim/flows/embedded"
	"github.com/walletsim/walletsim/flows/runner"
	"github.com/walletsim/walletsim/flows/scenario"
	"github.com/walletsim/walletsim/tui"
	"github.com/walletsim/walletsim/tui/pages/pay"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii) // the same screens in every terminal and in CI
	pay.PollEvery = 20 * time.Millisecond
	os.Exit(m.Run())
}

// harness is the TUI on the embedded sandbox, driven like a person would.
type harness struct {
	t     *testing.T
	tm    *teatest.TestModel
	clock *flows.ManualClock
	sess  *flows.Session
	dir   string
	clip  *clipboard
	j     *course.Journal // what the session did, for the course's tests
	gate  *gate           // holds the app's messages a test names
}

// gate holds back the program's messages of one type (as %T spells it,
// "pay.startedMsg") until the test releases them: a message on its way
// while the person presses a key, made certain.
type gate struct {
	mu      sync.Mutex
	typ     string
	held    []tea.Msg
	arrived chan struct{} // closed when the first message is held
}

// hold starts holding messages of type typ; the channel it returns is
// closed once one is held.
func (g *gate) hold(typ string) <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.typ, g.arrived = typ, make(chan struct{})
	return g.arrived
}

// holds reports whether msg is held (and holds it).
func (g *gate) holds(msg tea.Msg) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.typ == "" || fmt.Sprintf("%T", msg) != g.typ {
		return false
	}
	if len(g.held) == 0 {
		close(g.arrived)
	}
	g.held = append(g.held, msg)
	return true
}

// release stops holding and sends what was held, in order.
func (g *gate) release(tm *teatest.TestModel) {
	g.mu.Lock()
	held := g.held
	g.typ, g.held = "", nil
	g.mu.Unlock()
	for _, msg := range held {
		tm.Send(msg)
	}
}

// clipboard remembers what the app copied.
type clipboard struct {
	mu  sync.Mutex
	got []string
}

func (c *clipboard) copy(text string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, text)
	return "sent to the test clipboard", nil
}

func (c *clipboard) last() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.got) == 0 {
		return ""
	}
	return c.got[len(c.got)-1]
}

// snap asks the running program for its current screen.
type snap struct{ ch chan string }

// probe wraps the app so that a test can read the screen between keys,
// on the program's own goroutine.
type probe struct {
	app  *tui.App
	gate *gate
}

func (p probe) Init() tea.Cmd { return p.app.Init() }
func (p probe) View() string  { return p.app.View() }
func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(snap); ok {
		s.ch <- p.app.View()
		return p, nil
	}
	if p.gate.holds(msg) {
		return p, nil
	}
	m, cmd := p.app.Update(msg)
	return probe{m.(*tui.App), p.gate}, cmd
}

func start(t *testing.T, w, h int) *harness { return startWith(t, w, h, nil) }

// startWith starts the TUI on a session whose options tune changed.
func startWith(t *testing.T, w, h int, tune func(*flows.Options)) *harness {
	t.Helper()
	return launch(t, w, h, tune, nil)
}

// launch starts the TUI on a session whose options tune changed, with
// app's changes to the app's options.
func launch(t *testing.T, w, h int, tune func(*flows.Options), app func(*tui.Options)) *harness {
	t.Helper()
	clock := flows.NewManualClock(time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC))
	sink, events := tui.Sink()
	opts := flows.Options{
		Sink: sink, Clock: clock, NewID: flows.SeededIDs(), Rand: rand.NewChaCha8([32]byte{7}), Retries: -1, Version: "test",
	}
	if tune != nil {
		tune(&opts)
	}
	sess, err := embedded.Open(context.Background(), flows.SandboxTarget(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sess.Close)
	dir := t.TempDir()
	clip := &clipboard{}
	o := tui.Options{Session: sess, Events: events, SaveDir: dir, Clock: clock,
		OpenURL: func(string) error { return nil }, Copy: clip.copy,
		Resolve: func(string) (flows.Target, error) { return flows.SandboxTarget(), nil }}
	if app != nil {
		app(&o)
	}
	a := tui.New(o)
	t.Cleanup(a.Close)
	g := &gate{}
	tm := teatest.NewTestModel(t, probe{a, g}, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { tm.Quit() })
	return &harness{t: t, tm: tm, clock: clock, sess: sess, dir: dir, clip: clip, gate: g}
}

// key sends keys: "enter", "esc", "up", "down", "space", or runes.
func (h *harness) key(keys ...string) {
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEscape}
		case "up":
			msg = tea.KeyMsg{Type: tea.KeyUp}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "space":
			msg = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		h.tm.Send(msg)
		h.screen() // a round trip through the program's loop: it has taken the key
	}
}

// screen is what the app shows now.
func (h *harness) screen() string {
	ch := make(chan string, 1)
	h.tm.Send(snap{ch})
	select {
	case s := <-ch:
		return s
	case <-time.After(30 * time.Second):
		h.t.Fatal("the program did not answer")
		return ""
	}
}

// until waits until the screen shows every text, and returns it.
func (h *harness) until(texts ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a liveness guard, not a timing claim
	for {
		s := h.screen()
		all := true
		for _, text := range texts {
			all = all && strings.Contains(s, text)
		}
		if all {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the screen never showed %q:\n%s", texts, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// golden compares a screen with testdata/<test>/<name>.golden (-update
// rewrites it).
func (h *harness) golden(name, screen string) {
	h.t.Helper()
	// A spinner's frame depends on when the screen is read: write it as ⋯.
	for _, frame := range spinner.Dot.Frames {
		screen = strings.ReplaceAll(screen, frame, "⋯ ")
	}
	h.t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(screen)) })
}

// messagesRead is on the checkout once the session has read the
// purchase's EMV messages (every session on the sandbox reads them, after
// the result): a result screen waits for it, so that it is the same
// screen however fast the read is.
const messagesRead = "EMV messages behind this result"

// enroll enrolls the current card by SMS through the enroll page.
func (h *harness) enroll() {
	h.key("1")
	h.until("How should the issuer send one-time codes?")
	h.key("enter")
	h.until("3DS enrollment successful.")
	h.key("esc")
	h.until("Walk through a 3-D Secure journey")
}

// pay opens a checkout (3 browser, 4 decoupled), moves the card picker by
// moves (positive down), and submits every group of the form.
func (h *harness) pay(page string, moves int) {
	h.key(page)
	h.until("Test card")
	h.submit(moves)
}

// again starts another purchase from a result (n) and submits it.
func (h *harness) again() {
	h.key("n")
	h.until("Test card")
	h.submit(0)
}

// submit moves the card picker by moves and enters through the form.
func (h *harness) submit(moves int) {
	for ; moves > 0; moves-- {
		h.key("down")
	}
	for ; moves < 0; moves++ {
		h.key("up")
	}
	// Enter through every field until the form is submitted, waiting
	// after each enter for the form to move on: an enter more would reach
	// what comes after the form (the phone's approve).
	for range 20 {
		s := h.screen()
		if !strings.Contains(s, "The purchase") && !strings.Contains(s, "The cardholder (sent") && !strings.Contains(s, "The browser (EMV") {
			return
		}
		h.key("enter")
		h.changed(s)
	}
	h.t.Fatal("the checkout form was never submitted")
}

// changed waits until the screen is no longer before.
func (h *harness) changed(before string) string {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a liveness guard, not a timing claim
	for {
		if s := h.screen(); s != before {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the screen never changed from:\n%s", before)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// inboxCode is the newest one-time code the cardholder received.
func (h *harness) inboxCode() string {
	msgs, err := acs.New(client.Config{BaseURL: h.sess.Target.ThreeDSURL, Transport: h.sess.Transport()}).Inbox(context.Background(), testcards.CardholderID)
	if err != nil || len(msgs) == 0 {
		h.t.Fatalf("inbox: %v %v", msgs, err)
	}
	return msgs[0].Code
}

func TestHomeScreen(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := start(t, size[0], size[1])
			h.golden("home", h.until("Walk through a 3-D Secure journey"))
		})
	}
}

func TestEnrollWalkthrough(t *testing.T) {
	h := start(t, 80, 24)
	h.key("1")
	h.golden("form", h.until("How should the issuer send one-time codes?"))
	t.Run("result", func(t *testing.T) {
		h.t = t
		h.key("down", "enter")
		h.golden("screen", h.until("3DS enrollment successful."))
	})
	t.Run("manage", func(t *testing.T) {
		h.t = t
		h.key("esc")
		h.until("Walk through")
		h.key("2")
		h.golden("screen", h.until("Enroll 3DS details fetched successfully.", "l***@example.com"))
	})
}

func TestBrowserFrictionless(t *testing.T) {
	h := start(t, 80, 24)
	h.pay("3", -2) // from the challenge card up to the frictionless one
	h.golden("result", h.until("Authenticated (Y). ECI 05.", messagesRead))
}

func TestBrowserChallenge(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll()
	h.pay("3", 0)
	h.golden("challenge page", h.until("Verify it's you", "is your code to"))
	t.Run("wrong code", func(t *testing.T) {
		h.t = t
		h.key(wrong(h.inboxCode()), "enter")
		h.until("Wrong code. 2 attempts left.")
	})
	t.Run("right code", func(t *testing.T) {
		h.t = t
		h.key(h.inboxCode(), "enter")
		h.golden("screen", h.until("Final result", "Authenticated (Y). ECI 05.", messagesRead))
	})
	t.Run("explainer", func(t *testing.T) {
		h.t = t
		h.key("x")
		h.golden("screen", h.until("── The merchant reads the result ──", "✓ Authenticated (Y)"))
		h.key("x")
	})
	t.Run("inspector", func(t *testing.T) {
		h.t = t
		h.key("i")
		h.golden("screen", h.until("HTTP inspector", "acs.Submit"))
		h.key("esc")
	})
	t.Run("save as scenario and replay", func(t *testing.T) {
		h.t = t
		h.key("S")
		h.until("Saved")
		replay(t, h.dir, 5) // enroll, authenticate, two codes, the final result
	})
}

func TestBrowserChallengeThreeWrongCodes(t *testing.T) {
	h := start(t, 100, 30)
	h.enroll()
	h.pay("3", 0)
	h.until("Verify it's you", "is your code to")
	bad := wrong(h.inboxCode())
	for _, then := range []string{"2 attempts left", "1 attempt left", "Final result"} {
		h.key(bad, "enter")
		h.until(then)
	}
	h.golden("result", h.until("Final result", "Not authenticated (N).", messagesRead))
}

// wrong is a code that is surely not right.
func wrong(right string) string {
	b := []byte(right)
	for i := range b {
		b[i] = '0' + (b[i]-'0'+1)%10
	}
	return string(b)
}

// decoupledCard makes the Visa decoupled card, next to the challenge one,
// the card in use.
func (h *harness) decoupledCard() {
	h.key("c")
	h.until("Sandbox test cards")
	h.key("down", "enter")
	h.until("forces D")
}

// decoupled pays with the decoupled card and waits for the request on the
// phone.
func decoupled(t *testing.T) *harness {
	h := start(t, 100, 30)
	h.decoupledCard()
	h.enroll()
	h.pay("4", 0)
	// The webhook reaches the phone while the 3DS server's answer is still
	// on its way to the merchant's page: wait for the page to wait too, so
	// that every test starts from the same screen (an esc pressed before
	// the answer is kept since TestEscBeforeTheAnswer, not lost).
	h.until("Approve this purchase?", "Hold space to approve", "Waiting for the cardholder's wallet…")
	return h
}

func TestDecoupledApprove(t *testing.T) {
	h := decoupled(t)
	h.golden("request", h.screen())
	// Holding the key: the terminal repeats it while the time passes.
	for range 20 {
		h.clock.Advance(100 * time.Millisecond)
		h.key("space")
	}
	h.golden("approved", h.until("Final result", "Authenticated (Y). ECI 05.", "Approved.", messagesRead))
}

func TestDecoupledReleaseCancelsScan(t *testing.T) {
	h := decoupled(t)
	h.key("space")
	h.clock.Advance(time.Second) // the finger is lifted
	h.until("Scan stopped at 0%")
}

func TestDecoupledReject(t *testing.T) {
	h := decoupled(t)
	h.key("r")
	h.golden("rejected", h.until("Final result", "Not authenticated (N).", "Rejected.", messagesRead))
}

func TestDecoupledExpire(t *testing.T) {
	h := decoupled(t)
	h.clock.Advance(5*time.Minute + time.Second)
	// The notice of the card goes once the clock is past its time.
	h.golden("expired", h.until("Final result", "Could not be performed (U).", "Time ran out", "n new purchase", messagesRead))
}

// TestDecoupledExpiredIsTheCardholdersToAnswer: when a request expires the
// phone sends nothing by itself (no automatic FAILED); it says so, and the
// person may still answer it late and see what the platform says.
func TestDecoupledExpiredIsTheCardholdersToAnswer(t *testing.T) {
	h := decoupled(t)
	h.clock.Advance(5*time.Minute + time.Second)
	screen := h.until("Time ran out", "still answer it")
	if strings.Contains(screen, "recorded FAILED") {
		t.Fatalf("the phone answered for the cardholder:\n%s", screen)
	}
	h.key("r")
	h.until("The platform recorded", "FAILED: 3DS") // late: the seed's expired answer
}

// TestEscBeforeTheAnswer: the wallet's request is on the phone while the
// 3DS server's answer (D) is still on its way to the checkout; an esc
// pressed then, to stop waiting, is kept and applied when the answer
// arrives (it used to be lost: a second esc was needed).
func TestEscBeforeTheAnswer(t *testing.T) {
	h := start(t, 100, 30)
	h.decoupledCard()
	h.enroll()
	arrived := h.gate.hold("pay.startedMsg")
	h.pay("4", 0)
	h.until("Approve this purchase?", "Asking the 3DS server")
	select { // the answer has come back, and is held
	case <-arrived:
	case <-time.After(30 * time.Second): // a liveness guard, not a timing claim
		t.Fatal("the 3DS server's answer never came")
	}
	h.key("esc")
	h.gate.release(h.tm)
	h.until("Cancelled.")
}

func TestWalletInbox(t *testing.T) {
	h := decoupled(t)
	h.key("esc") // the merchant stops waiting
	h.until("Cancelled.")
	h.key("esc")
	h.until("Walk through")
	h.key("5")
	h.golden("inbox", h.until("Wallet inbox", "auth3dsId"))
}

func TestOverlays(t *testing.T) {
	h := start(t, 80, 24)
	h.until("Walk through")
	for _, o := range []struct{ key, text string }{{"g", "Glossary"}, {"?", "Keys on every screen"}, {"x", "3DS Server"}} {
		t.Run(o.key, func(t *testing.T) {
			h.t = t
			h.key(o.key)
			h.golden("screen", h.until(o.text))
			h.key("esc")
			h.until("Walk through")
		})
	}
}

// TestResize: every screen fits the terminal exactly as it changes size.
func TestResize(t *testing.T) {
	h := start(t, 80, 24)
	h.enroll()
	h.pay("3", 0)
	h.until("Verify it's you")
	for _, size := range [][2]int{{80, 24}, {60, 20}, {160, 50}, {100, 30}} {
		h.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		s := h.screen()
		lines := strings.Split(s, "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for i, l := range lines {
			if w := lipgloss.Width(l); w > size[0] {
				t.Errorf("%v: line %d is %d wide: %q", size, i+1, w, l)
			}
		}
	}
}

// TestQuit: q leaves, and the program ends.
func TestQuit(t *testing.T) {
	h := start(t, 80, 24)
	h.until("Walk through")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}) // no round trip: it ends
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// replay runs the scenario saved in dir with the headless runner: the
// session must replay exactly. It returns the scenario.
func replay(t *testing.T, dir string, steps int) scenario.Scenario {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "walletsim-session-*.yaml"))
	if len(files) != 1 {
		t.Fatalf("saved files: %v", files)
	}
	scs, err := scenario.Load(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(scs[0].Steps) != steps {
		data, _ := os.ReadFile(files[0])
		t.Fatalf("saved %d steps, want %d:\n%s", len(scs[0].Steps), steps, data)
	}
	rep := runner.Run(context.Background(), scs, runner.Options{Resolve: func(string) (flows.Target, error) { return flows.SandboxTarget(), nil }})
	if rep.ExitCode() != 0 {
		var b bytes.Buffer
		runner.WriteSummary(&b, rep)
		data, _ := os.ReadFile(files[0])
		t.Fatalf("the saved session does not replay:\n%s\n%s", b.String(), data)
	}
	return scs[0]
}

// TestRunScenarioPage runs a shipped scenario from the TUI.
func TestRunScenarioPage(t *testing.T) {
	h := start(t, 100, 30)
	h.key("6")
	h.until("Run a scenario")
	h.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU}) // clear the field
	h.key(filepath.Join("..", "testdata", "scenarios", "cards", "01-frictionless-visa.yaml"), "enter")
	h.until("✓ 1 authenticate — Authenticated (Y). ECI 05.", "1 scenarios: 1 passed, 0 failed, 0 errors")
}

// TestWalletManualEntry takes a request by its auth3dsId, as on a real
// platform whose webhooks cannot reach the listener.
func TestWalletManualEntry(t *testing.T) {
	h := decoupled(t)
	h.key("esc")
	h.until("Cancelled.")
	h.key("esc")
	h.until("Walk through")
	h.key("5")
	h.until("Wallet inbox  ·")
	h.key("a")
	h.until("Take a request by its auth3dsId")
	h.key("not-a-real-id", "enter")
	h.until("Wallet: The wallet platform refused (HTTP 404, 5269)")
}
