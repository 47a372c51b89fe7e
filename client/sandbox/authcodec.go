package sandbox

import (
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/walletsim/walletsim/client/emv"
	"github.com/walletsim/walletsim/client/issuing"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/client/wallet"
)

// A shared store (store.Auths) keeps each authentication as a record: the
// authn encoded as authWire, plus the columns the store finds it by. The
// memory store never encodes: its authentications stay live values.
// Field names are short because every stored authentication carries them;
// times keep their nanoseconds, so a decoded authn renders as the one
// encoded.

type authWire struct {
	ID          string                       `json:"id"`
	Amount      int64                        `json:"am"`
	Currency    string                       `json:"cu"`
	Description string                       `json:"de,omitempty"`
	Created     time.Time                    `json:"cr"`
	Updated     time.Time                    `json:"up"`
	Expires     time.Time                    `json:"ex"`
	Req         *threeds.AuthenticateRequest `json:"rq,omitempty"`
	FP          []byte                       `json:"fp,omitempty"`
	MerchID     string                       `json:"mi,omitempty"`
	Scheme      testcards.Scheme             `json:"sc,omitempty"`
	DSTransID   string                       `json:"ds,omitempty"`
	ServerID    string                       `json:"sv,omitempty"`
	ACSTransID  string                       `json:"ac,omitempty"`
	ACSURL      string                       `json:"au,omitempty"`
	AResStatus  string                       `json:"ar,omitempty"`
	TransStatus string                       `json:"ts,omitempty"`
	CAVV        string                       `json:"cv,omitempty"`
	Failure     string                       `json:"fa,omitempty"`
	Challenge   *challengeWire               `json:"ch,omitempty"`
	Dec         *decWire                     `json:"dc,omitempty"`
	Reason      string                       `json:"re,omitempty"`
	Cancel      string                       `json:"ca,omitempty"`
	Interact    uint8                        `json:"in,omitempty"`
	Flags       uint8                        `json:"fl,omitempty"`
}

// The authn's flags, packed.
const (
	flagStarted = 1 << iota
	flagFinal
	flagTestCard
	flagNotEnroll
	flagMandated
)

type challengeWire struct {
	First        []byte            `json:"fi"`
	LastFour     string            `json:"l4"`
	OTP          string            `json:"ot"`
	AttemptsLeft int               `json:"at"`
	Method       issuing.OTPMethod `json:"me"`
	Destination  string            `json:"dt"`
	Cancelled    bool              `json:"cx,omitempty"`
	ViaCReq      bool              `json:"vc,omitempty"`
	Window       emv.WindowSize    `json:"wi,omitempty"`
}

type decWire struct {
	First      []byte                `json:"fi"`
	Auth3dsID  string                `json:"id"`
	Event      wallet.Event          `json:"ev"`
	Answer     *wallet.VerifyRequest `json:"an,omitempty"`
	AnswerBody []byte                `json:"ab,omitempty"`
	AnsweredAt time.Time             `json:"aa,omitempty"`
}

func flagsOf(a *authn) uint8 {
	return bit(a.started, flagStarted) | bit(a.final, flagFinal) | bit(a.testCard, flagTestCard) |
		bit(a.notEnroll, flagNotEnroll) | bit(a.mandated, flagMandated)
}

func bit(on bool, f uint8) uint8 {
	if on {
		return f
	}
	return 0
}

// recordOf is a's record for a shared store (its Version is the caller's
// to set).
func recordOf(a *authn) (store.AuthRecord, error) {
	w := authWire{ID: a.id, Amount: a.amount, Currency: a.currency, Description: a.description,
		Created: a.created, Updated: a.updated, Expires: a.expires, Req: a.req, MerchID: a.merchID, Scheme: a.scheme,
		DSTransID: a.dsTransID, ServerID: a.serverTransID, ACSTransID: a.acsTransID, ACSURL: a.acsURL,
		AResStatus: a.aresStatus, TransStatus: a.transStatus, CAVV: a.cavv, Failure: a.failure,
		Reason: a.reason.String(), Cancel: a.cancel.String(), Interact: a.interactions, Flags: flagsOf(a)}
	if a.started {
		w.FP = a.fp[:]
	}
	rec := store.AuthRecord{ID: a.id, Expires: a.expires, Final: a.final, Updated: a.updated}
	if c := a.challenge; c != nil {
		w.Challenge = &challengeWire{First: c.first, LastFour: c.lastFour, OTP: c.otp, AttemptsLeft: c.attemptsLeft,
			Method: c.method, Destination: c.destination, Cancelled: c.cancelled, ViaCReq: c.viaCReq, Window: c.window}
		rec.ACSTransID = a.acsTransID
	}
	if d := a.dec; d != nil {
		w.Dec = &decWire{First: d.first, Auth3dsID: d.auth3dsID, Event: d.event, Answer: d.answer,
			AnswerBody: d.answerBody, AnsweredAt: d.answeredAt}
		rec.Auth3dsID = d.auth3dsID
	}
	var err error
	rec.Data, err = json.Marshal(w)
	return rec, err
}

// authOf decodes a record made by recordOf.
func authOf(rec store.AuthRecord) (*authn, error) {
	var w authWire
	if err := json.Unmarshal(rec.Data, &w); err != nil {
		return nil, err
	}
	a := &authn{id: w.ID, amount: w.Amount, currency: w.Currency, description: w.Description,
		created: w.Created, updated: w.Updated, expires: w.Expires, req: w.Req, merchID: w.MerchID, scheme: w.Scheme,
		dsTransID: w.DSTransID, serverTransID: w.ServerID, acsTransID: w.ACSTransID, acsURL: w.ACSURL,
		aresStatus: w.AResStatus, transStatus: w.TransStatus, cavv: w.CAVV, failure: w.Failure,
		reason: codeOf(w.Reason), cancel: codeOf(w.Cancel), interactions: w.Interact,
		started: w.Flags&flagStarted != 0, final: w.Flags&flagFinal != 0, testCard: w.Flags&flagTestCard != 0,
		notEnroll: w.Flags&flagNotEnroll != 0, mandated: w.Flags&flagMandated != 0}
	copy(a.fp[:], w.FP)
	if c := w.Challenge; c != nil {
		a.challenge = &challengeState{first: c.First, lastFour: c.LastFour, otp: c.OTP, attemptsLeft: c.AttemptsLeft,
			method: c.Method, destination: c.Destination, cancelled: c.Cancelled, viaCReq: c.ViaCReq, window: c.Window}
	}
	if d := w.Dec; d != nil {
		a.dec = &decoupledState{first: d.First, auth3dsID: d.Auth3dsID, event: d.Event, answer: d.Answer,
			answerBody: d.AnswerBody, answeredAt: d.AnsweredAt}
	}
	return a, nil
}
