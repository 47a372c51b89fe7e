package matrix

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/embedded"
)

// Options tune a run.
type Options struct {
	// Target is the embedded sandbox (flows.SandboxTarget()) or a
	// profile's standalone walletsim sandbox: the test cards and the
	// cardholder's inbox exist only there.
	Target     flows.Target
	Cardholder Cardholder // default Approve
	// Channel, when set, runs only that channel's cells.
	Channel threeds.Channel
	// Forces, when set, runs only the cells of the cards that force one
	// of these outcomes.
	Forces []testcards.Outcome
	// Parallel is how many cells run at once (default 32).
	Parallel int
	// Timeout bounds each call (default 10s).
	Timeout time.Duration
	// NoAnswer is how long a cell waits for the 3DS server's first answer
	// before it counts as no answer (default: Timeout): the timeout cards
	// hang until then. On the embedded sandbox the wait is on the cell's
	// virtual clock, and takes no real time.
	NoAnswer time.Duration
	// OTP is how enrolled cards receive their codes (default SMS).
	OTP     issuing.OTPMethod
	Version string
}

func (o *Options) defaults() {
	if o.Cardholder == "" {
		o.Cardholder = Approve
	}
	if o.Parallel < 1 {
		o.Parallel = 32
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.NoAnswer <= 0 {
		o.NoAnswer = o.Timeout
	}
	if o.OTP == "" {
		o.OTP = issuing.SMS
	}
}

// CellResult is one cell's run.
type CellResult struct {
	Cell
	Want, Got Outcome
}

// OK reports whether the cell ended as documented.
func (r CellResult) OK() bool { return r.Want.Same(r.Got) }

// Report is a whole run.
type Report struct {
	Target         string
	Cardholder     Cardholder
	Cells          []CellResult
	Passed, Failed int
	Duration       time.Duration
}

// ErrNotSandbox means the target is not a walletsim sandbox: only one
// knows the test cards and shows the cardholder's inbox.
var ErrNotSandbox = errors.New("the matrix needs a walletsim sandbox (the embedded one, or a profile with sandbox_extensions: true): only it knows the test cards")

// Run runs every cell and checks it. On the embedded sandbox each cell
// has a sandbox of its own, in memory, on its own virtual clock: the
// timeout cards' hang and the expiries move only that cell's time, and
// no cell sees another's enrollment. On a standalone sandbox the cells
// share it: the not-enrolled half runs, then the enrolled half, and the
// cards' enrollments are put back as they were.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts.defaults()
	if !opts.Target.Extensions {
		return nil, ErrNotSandbox
	}
	started := time.Now()
	var cells []Cell
	for _, c := range Cells() {
		if (opts.Channel == "" || c.Channel == opts.Channel) && (opts.Forces == nil || slices.Contains(opts.Forces, c.Card.Outcome)) {
			cells = append(cells, c)
		}
	}
	rep := &Report{Target: opts.Target.Name, Cardholder: opts.Cardholder, Cells: make([]CellResult, len(cells))}
	for i, c := range cells {
		rep.Cells[i] = CellResult{Cell: c, Want: Expect(c, opts.Cardholder)}
	}
	var err error
	if opts.Target.Sandbox {
		err = runEmbedded(ctx, opts, rep)
	} else {
		err = runShared(ctx, opts, rep)
	}
	if err != nil {
		return nil, err
	}
	for _, c := range rep.Cells {
		if c.OK() {
			rep.Passed++
		} else {
			rep.Failed++
		}
	}
	rep.Duration = time.Since(started)
	return rep, nil
}

// runEmbedded runs each cell on its own embedded sandbox.
func runEmbedded(ctx context.Context, opts Options, rep *Report) error {
	todo := make([]int, len(rep.Cells))
	for i := range todo {
		todo[i] = i
	}
	errs := make([]error, len(rep.Cells))
	parallel(ctx, opts.Parallel, todo, func(i int) {
		c := &rep.Cells[i]
		errs[i] = runAlone(ctx, opts, c)
	})
	return errors.Join(append(errs, ctx.Err())...)
}

// runAlone runs one cell on a sandbox of its own: the card enrolled or
// not, the purchase, the cardholder, the wait for expiry (virtual, so
// instant), the result.
func runAlone(ctx context.Context, opts Options, c *CellResult) error {
	so := sessionOptions(opts, true)
	sess, err := embedded.Open(ctx, opts.Target, so)
	if err != nil {
		return err
	}
	defer sess.Close()
	if c.Enrolled {
		if err := enroll(ctx, sess.Enrollment(cardOf(c.Card)), opts.OTP); err != nil {
			return fmt.Errorf("card %s: %w", c.Card.PAN, err)
		}
	}
	p, got := startCell(ctx, sess, so.Clock, opts, c.Cell, 1000)
	if got.Step == Waited {
		if err := sess.Wait(ctx, sess.Target.RequestExpiry+time.Second); err != nil {
			return err
		}
	}
	if p != nil {
		finishCell(ctx, p, &got)
	}
	c.Got = got
	return nil
}

// runShared runs both enrollments on one standalone sandbox, one after the
// other, and restores the cards' enrollments.
func runShared(ctx context.Context, opts Options, rep *Report) error {
	sess, err := flows.Open(ctx, opts.Target, sessionOptions(opts, false))
	if err != nil {
		return err
	}
	defer sess.Close()
	before, err := enrollments(ctx, sess)
	if err != nil {
		return err
	}
	err = errors.Join(runPhase(ctx, sess, opts, rep, false), runPhase(ctx, sess, opts, rep, true))
	return errors.Join(err, restore(ctx, sess, before))
}

// sessionOptions: on the embedded sandbox a virtual clock (expiry takes no
// time) and seeded ids and codes. Retries are off: a fault card answers
// the same every time.
func sessionOptions(opts Options, embedded bool) flows.Options {
	o := flows.Options{Timeout: opts.Timeout, Retries: -1, Version: opts.Version}
	if embedded {
		o.Clock = flows.NewManualClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
		o.NewID = flows.SeededIDs()
		o.Rand = rand.NewChaCha8([32]byte{'m', 'a', 't', 'r', 'i', 'x'})
	}
	return o
}

// runPhase enrolls (or unenrolls) every test card of a shared sandbox,
// then runs the cells of that enrollment, opts.Parallel at a time, in two
// passes: the purchase and the cardholder's part, then — once the
// requests the cardholder left unanswered have expired — the final
// result. One wait serves every cell: one per cell would add up to hours.
func runPhase(ctx context.Context, sess *flows.Session, opts Options, rep *Report, enrolled bool) error {
	if err := setEnrollment(ctx, sess, enrolled, opts.OTP); err != nil {
		return err
	}
	var todo []int
	for i, c := range rep.Cells {
		if c.Enrolled == enrolled {
			todo = append(todo, i)
		}
	}
	// On real time the timeout cards' cells hold a worker for the whole
	// NoAnswer wait: started first, that wait overlaps the other cells'.
	slices.SortStableFunc(todo, func(a, b int) int {
		return cmp.Compare(hangs(rep.Cells[b].Card), hangs(rep.Cells[a].Card))
	})
	purchases := make([]*flows.PurchaseFlow, len(rep.Cells))
	var waited atomic.Bool
	parallel(ctx, opts.Parallel, todo, func(i int) {
		c := &rep.Cells[i]
		purchases[i], c.Got = startCell(ctx, sess, clock.Real, opts, c.Cell, int64(1000+i))
		if c.Got.Step == Waited {
			waited.Store(true)
		}
	})
	if waited.Load() {
		if err := sess.Wait(ctx, sess.Target.RequestExpiry+time.Second); err != nil {
			return err
		}
	}
	parallel(ctx, opts.Parallel, todo, func(i int) {
		if p := purchases[i]; p != nil {
			finishCell(ctx, p, &rep.Cells[i].Got)
		}
	})
	return ctx.Err()
}

func hangs(tc testcards.Card) int {
	if tc.Outcome == testcards.FaultTimeout {
		return 1
	}
	return 0
}

// parallel calls do for each of todo, n at a time.
func parallel(ctx context.Context, n int, todo []int, do func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, len(todo)) {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(todo) || ctx.Err() != nil {
					return
				}
				do(todo[k])
			}
		})
	}
	wg.Wait()
}

// cardOf is a test card as the issuer and the wallet platform know it.
func cardOf(tc testcards.Card) flows.Card {
	return flows.Card{CardholderID: testcards.CardholderID, WalletID: testcards.WalletID, CardID: tc.CardID, CustomerID: testcards.CustomerID}
}

// startCell authenticates one purchase of amount (minor units, unique in
// the session, so that the wallet recognises its request) and plays the
// cardholder. It returns the purchase to read the result of, or nil when
// the cell has ended already.
func startCell(ctx context.Context, sess *flows.Session, clk clock.Clock, opts Options, c Cell, amount int64) (*flows.PurchaseFlow, Outcome) {
	p := sess.Purchase(flows.PurchaseInput{
		Amount: amount, Currency: "SAR", Description: "walletsim matrix",
		Number: c.Card.PAN, Month: 12, Year: 2030, Name: testcards.HolderName,
		Channel: c.Channel, Preference: c.Preference,
	})
	actx, cancel := clock.WithTimeout(ctx, clk, opts.NoAnswer)
	r := p.Start(actx)
	cancel()
	if r.Err != nil {
		o := failed(r)
		if o.Failure == NoAnswer {
			o.Detail = fmt.Sprintf("no answer within %s: a slow answer under load looks the same; give more with --no-answer", opts.NoAnswer)
		}
		return nil, o
	}
	got := Outcome{ARes: r.TransStatus, Step: NoStep}
	var err error
	switch r.TransStatus {
	case "C":
		got.Step, err = challenge(ctx, p, opts.Cardholder)
	case "D":
		got.Step, err = decouple(ctx, sess, p, opts.Cardholder)
	}
	if err != nil {
		got.Failure, got.Detail = OtherError, err.Error()
		return nil, got
	}
	return p, got
}

// finishCell reads the final result into got.
func finishCell(ctx context.Context, p *flows.PurchaseFlow, got *Outcome) {
	final := p.Result(ctx)
	if final.Err != nil {
		got.Failure, got.Detail = OtherError, "result: "+final.String()
		return
	}
	got.TransStatus, got.ECI, got.CAVV = final.TransStatus, final.ECI, final.CAVV != ""
}

// failed is the outcome of an authentication that did not come back.
func failed(r flows.Result) Outcome {
	var ne net.Error
	switch {
	case r.HTTPStatus == 500:
		return Outcome{Failure: HTTP500}
	case r.HTTPStatus == 503:
		return Outcome{Failure: HTTP503}
	case errors.Is(r.Err, context.DeadlineExceeded), errors.As(r.Err, &ne) && ne.Timeout():
		return Outcome{Failure: NoAnswer}
	}
	return Outcome{Failure: OtherError, Detail: r.String()}
}

// challenge plays the cardholder on the ACS's page: the code from the
// inbox, wrong codes until the page gives up, Cancel, or nothing.
func challenge(ctx context.Context, p *flows.PurchaseFlow, ch Cardholder) (Step, error) {
	if r := p.ReadChallenge(ctx); r.Err != nil {
		return NoStep, fmt.Errorf("challenge page: %s", r)
	}
	switch ch {
	case Expire:
		return Waited, nil // runPhase waits for every cell at once
	case Reject:
		return Cancelled, stepErr("cancel", p.CancelChallenge(ctx))
	}
	msg, r := p.CodeFromInbox(ctx, testcards.CardholderID)
	if r.Err != nil {
		return NoStep, fmt.Errorf("inbox: %s", r)
	}
	if ch == Approve {
		return CodeRight, stepErr("submit", p.Submit(ctx, msg.Code))
	}
	for range 10 { // the page allows three; ten is surely past any limit
		r := p.Submit(ctx, wrongCode(msg.Code))
		if r.Err != nil || r.TransStatus != "C" {
			return CodeWrong, stepErr("submit", r)
		}
	}
	return CodeWrong, errors.New("the challenge page took ten wrong codes and still waits")
}

// decouple plays the cardholder in the wallet: it receives the request
// (the webhook) and approves, rejects, fails, or lets it expire.
func decouple(ctx context.Context, sess *flows.Session, p *flows.PurchaseFlow, ch Cardholder) (Step, error) {
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	pending, r := sess.Wallet().For(wctx, p.Match())
	cancel()
	if r.Err != nil {
		return NoStep, fmt.Errorf("wallet: %s", r)
	}
	var d flows.Decision
	var step Step
	switch ch {
	case Expire:
		return Waited, nil
	case Approve:
		d, step = flows.Decision{Status: wallet.Verified}, Verified
	case Reject:
		d, step = flows.Decision{Status: wallet.Rejected, Reason: "The cardholder rejected it."}, RejectedInWallet
	case WrongCode:
		d, step = flows.Decision{Status: wallet.Failed, Reason: "Biometric verification failed."}, Failed
	}
	return step, stepErr("decide", sess.Wallet().Decide(ctx, pending, d))
}

func stepErr(step string, r flows.Result) error {
	if r.Err != nil {
		return fmt.Errorf("%s: %s", step, r)
	}
	return nil
}

// wrongCode is a code of the same length that is surely not right.
func wrongCode(right string) string {
	b := []byte(right)
	for i := range b {
		b[i] = '0' + (b[i]-'0'+1)%10
	}
	return string(b)
}
