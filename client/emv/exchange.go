package emv

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// stepJSON is a Step on the wire (GET /v1/3ds/{id}/messages returns
// {"messages": [step, …]}).
type stepJSON struct {
	From    Party           `json:"from"`
	To      Party           `json:"to"`
	Via     Party           `json:"via,omitempty"`
	Message json.RawMessage `json:"message"`
	Form    string          `json:"form,omitempty"`
}

// MarshalJSON encodes a step with its message as an object.
func (s Step) MarshalJSON() ([]byte, error) {
	msg, err := compactJSON(s.Message)
	if err != nil {
		return nil, err
	}
	return compactJSON(stepJSON{From: s.From, To: s.To, Via: s.Via, Message: msg, Form: s.Form})
}

// UnmarshalJSON decodes a step, its message by its messageType.
func (s *Step) UnmarshalJSON(data []byte) error {
	var w stepJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	m, err := Decode(w.Message)
	if err != nil {
		return err
	}
	*s = Step{From: w.From, To: w.To, Via: w.Via, Message: m, Form: w.Form}
	return nil
}

// leg is where a message of a type may go.
type leg struct {
	t             MessageType
	from, to, via Party
	optional      bool
}

// exchangeOrder is the order of a browser authentication's messages; the
// part from CReq on exists only after a C or D answer has ended.
var exchangeOrder = []leg{
	{t: TypeAReq, from: ThreeDSServer, to: DirectoryServer},
	{t: TypeAReq, from: DirectoryServer, to: ACS},
	{t: TypeARes, from: ACS, to: DirectoryServer},
	{t: TypeARes, from: DirectoryServer, to: ThreeDSServer},
	{t: TypeCReq, from: Merchant, to: ACS, via: Cardholder, optional: true},
	{t: TypeRReq, from: ACS, to: DirectoryServer},
	{t: TypeRReq, from: DirectoryServer, to: ThreeDSServer},
	{t: TypeRRes, from: ThreeDSServer, to: DirectoryServer},
	{t: TypeRRes, from: DirectoryServer, to: ACS},
	{t: TypeCRes, from: ACS, to: Merchant, via: Cardholder, optional: true},
}

// CheckExchange checks each message of an exchange and the exchange as a
// whole: the order and direction of the messages, the DS's additions to
// the AReq and nothing else changed on the way, the same transaction ids
// throughout, no RReq after a final ARes, no challenge messages after a
// decoupled one, and a CRes that agrees with the RReq.
func CheckExchange(steps []Step) []Violation {
	var out []Violation
	bad := func(i int, t MessageType, format string, args ...any) {
		out = append(out, Violation{Step: i + 1, Message: t, Problem: fmt.Sprintf(format, args...)})
	}
	for i, s := range steps {
		for _, v := range Check(s.Message) {
			v.Step = i + 1
			out = append(out, v)
		}
	}
	j := 0
	for i, s := range steps {
		for j < len(exchangeOrder) && exchangeOrder[j].optional && exchangeOrder[j].t != s.Message.Type() {
			j++
		}
		if j == len(exchangeOrder) {
			bad(i, s.Message.Type(), "no message may follow the exchange's last")
			break
		}
		l := exchangeOrder[j]
		if l.t != s.Message.Type() || l.from != s.From || l.to != s.To || l.via != s.Via {
			bad(i, s.Message.Type(), "expected %s %s → %s here, not %s %s → %s", l.t, l.from, l.to, s.Message.Type(), s.From, s.To)
			return out
		}
		j++
	}
	if len(steps) < 4 {
		out = append(out, Violation{Problem: fmt.Sprintf("an exchange has at least AReq and ARes both ways (4 steps), not %d", len(steps))})
		return out
	}
	checkLegs(steps, bad)
	return out
}

// checkLegs checks what the messages of a well-ordered exchange say to one
// another.
func checkLegs(steps []Step, bad func(int, MessageType, string, ...any)) {
	first, fwd := steps[0].Message.(AReq), steps[1].Message.(AReq)
	if first.DSTransID != "" || first.DSReferenceNumber != "" || first.DSURL != "" {
		bad(0, TypeAReq, "the 3DS Server's AReq carries dsTransID, dsReferenceNumber or dsURL: only the DS adds them")
	}
	if fwd.DSTransID == "" || fwd.DSReferenceNumber == "" || fwd.DSURL == "" {
		bad(1, TypeAReq, "the AReq the DS passes on lacks dsTransID, dsReferenceNumber or dsURL")
	}
	stripped := fwd
	stripped.DSTransID, stripped.DSReferenceNumber, stripped.DSURL = "", "", ""
	if !reflect.DeepEqual(first, stripped) {
		bad(1, TypeAReq, "the DS changed the AReq beyond adding its own fields")
	}
	ares := steps[2].Message.(ARes)
	for i := 1; i < len(steps); i++ {
		s := steps[i]
		if t := s.Message.Type(); t != TypeCReq && t != TypeCRes && i+1 < len(steps) && steps[i+1].Message.Type() == t &&
			!reflect.DeepEqual(s.Message, steps[i+1].Message) {
			bad(i+1, t, "the DS changed the %s on its way", t)
		}
		if srv, ds, acs := ids(s.Message); srv != first.ThreeDSServerTransID || ds != "" && ds != fwd.DSTransID || acs != "" && acs != ares.ACSTransID {
			bad(i, s.Message.Type(), "the transaction ids differ from the AReq's and the ARes's")
		}
	}
	if len(steps) > 4 {
		switch {
		case ares.TransStatus.Final():
			bad(4, steps[4].Message.Type(), "the ARes was final (%s): nothing follows it", ares.TransStatus)
		case ares.TransStatus == DecoupledConfirmed && (hasType(steps, TypeCReq) || hasType(steps, TypeCRes)):
			bad(4, steps[4].Message.Type(), "a decoupled authentication has no CReq or CRes")
		}
	}
	if cres, ok := Find[CRes](steps); ok {
		if rreq, ok := Find[RReq](steps); ok && cres.TransStatus != rreq.TransStatus {
			bad(len(steps)-1, TypeCRes, "the CRes says %s but the RReq %s", cres.TransStatus, rreq.TransStatus)
		}
	}
}

// ids are a message's transaction ids ("" where it has none).
func ids(m Message) (server, ds, acs string) {
	switch m := m.(type) {
	case AReq:
		return m.ThreeDSServerTransID, m.DSTransID, ""
	case ARes:
		return m.ThreeDSServerTransID, m.DSTransID, m.ACSTransID
	case CReq:
		return m.ThreeDSServerTransID, "", m.ACSTransID
	case CRes:
		return m.ThreeDSServerTransID, "", m.ACSTransID
	case RReq:
		return m.ThreeDSServerTransID, m.DSTransID, m.ACSTransID
	case RRes:
		return m.ThreeDSServerTransID, m.DSTransID, m.ACSTransID
	}
	return "", "", ""
}

func hasType(steps []Step, t MessageType) bool {
	for _, s := range steps {
		if s.Message.Type() == t {
			return true
		}
	}
	return false
}

// Find is the first message of type M in an exchange:
// emv.Find[emv.RReq](steps).
func Find[M Message](steps []Step) (M, bool) {
	for _, s := range steps {
		if m, ok := s.Message.(M); ok {
			return m, true
		}
	}
	var zero M
	return zero, false
}
