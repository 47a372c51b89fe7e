package course

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/walletsim/walletsim/client/emv"
)

// Record is what the learner has done in the sandbox this session: the
// exercises are graded from it, never from what the learner claims.
type Record struct {
	Purchases   []Purchase
	Enrollments []Enrollment
}

// Purchase is one authentication the learner ran, from its start to its
// final result. The values are EMV's codes; empty when not (yet) known.
type Purchase struct {
	ID           string // the authentication's id
	At           time.Time
	CardLastFour string
	Scheme       string // visa, mastercard, mada, amex
	Channel      string // browser, decoupled
	Preference   string // seed 004's challenge_preference

	AResStatus string // the ACS's first answer: Y A N U R C D
	Mandated   string // acsChallengeMandated (Y/N), with C and D
	Status     string // the final transStatus: Y A N U R
	Reason     string // the final transStatusReason
	ECI        string
	CAVV       string
	Cancel     string // challengeCancel

	WrongCodes   int    // wrong one-time codes typed on the challenge page
	Interactions int    // interactionCounter, or codes typed and prompts answered
	OTP          string // where the challenge's code was sent: SMS or EMAIL
	Wallet       string // the wallet's answer: VERIFIED, REJECTED or FAILED

	// Messages are the EMV messages of the authentication (the sandbox's
	// GET /v1/3ds/{id}/messages), once read.
	Messages []emv.Step
}

// Enrollment is one change the learner made to a card's 3DS enrollment.
type Enrollment struct {
	At           time.Time
	CardLastFour string
	Action       string // enrolled, updated, unenrolled, viewed
	Method       string // SMS or EMAIL
}

// The enrollment actions.
const (
	Enrolled   = "enrolled"
	Updated    = "updated"
	Unenrolled = "unenrolled"
	Viewed     = "viewed"
)

// ApplyMessages sets the purchase's EMV values from its messages, which
// are the authority on them: the ARes's status and, once the RReq came,
// the final result. An ARes that is final is the final result.
func (p *Purchase) ApplyMessages(steps []emv.Step) {
	p.Messages = steps
	if ares, ok := emv.Find[emv.ARes](steps); ok {
		p.AResStatus, p.Mandated = string(ares.TransStatus), ares.ACSChallengeMandated
		if ares.TransStatus.Final() {
			p.Status, p.Reason, p.ECI, p.CAVV = string(ares.TransStatus), string(ares.TransStatusReason), ares.ECI, ares.AuthenticationValue
		}
	}
	if rreq, ok := emv.Find[emv.RReq](steps); ok {
		p.Status, p.Reason, p.ECI, p.CAVV = string(rreq.TransStatus), string(rreq.TransStatusReason), rreq.ECI, rreq.AuthenticationValue
		p.Cancel = string(rreq.ChallengeCancel)
		if n, err := strconv.Atoi(rreq.InteractionCounter); err == nil {
			p.Interactions = n
		}
	}
}

// Journal is a Record that flows feed from several goroutines (a purchase
// step, the wallet's webhook listener) while the course reads it.
type Journal struct {
	mu  sync.Mutex
	rec Record
}

// Purchase applies update to the purchase with id, adding it first if it
// is new (so events can arrive in any order).
func (j *Journal) Purchase(id string, update func(*Purchase)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	i := slices.IndexFunc(j.rec.Purchases, func(p Purchase) bool { return p.ID == id })
	if i < 0 {
		j.rec.Purchases = append(j.rec.Purchases, Purchase{ID: id})
		i = len(j.rec.Purchases) - 1
	}
	update(&j.rec.Purchases[i])
}

// Enrollment adds an enrollment change.
func (j *Journal) Enrollment(e Enrollment) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.rec.Enrollments = append(j.rec.Enrollments, e)
}

// Snapshot is a copy of the record to grade from.
func (j *Journal) Snapshot() Record {
	j.mu.Lock()
	defer j.mu.Unlock()
	return Record{Purchases: slices.Clone(j.rec.Purchases), Enrollments: slices.Clone(j.rec.Enrollments)}
}
