package sandbox

import (
	"github.com/walletsim/walletsim/client/acs"
	"github.com/walletsim/walletsim/client/sandbox/budget"
)

// The cardholder's inbox in the byte budget (accounting.go). A challenge's
// one-time code message is paid for before the authentication that sends
// it is kept — so a full workspace refuses the authenticate with 429 and
// nothing happens — and given back when the store drops it: when the
// cardholder's inbox passes maxInbox (the store keeps the newest), or with
// the workspace (reset, delete, idle expiry: drop gives back all a
// workspace kept).
//
// The store trims inboxes by itself, so each space remembers the sizes of
// the messages it put in each inbox, oldest first, and gives back the
// oldest's as the store drops it. A replica sharing a store sees only its
// own messages leave: one dropped because another replica added one stays
// counted here until this replica adds maxInbox more, so replicas count
// too much, never too little. Messages stored before a restart are not
// counted after it, as enrollments are not (README, "Limits").

// messageAllowance is what an authentication of id reserves for the
// message its challenge may send: the fixed cost, the texts (at most 512
// bytes besides the merchant's name, which the subject and body both
// name), the message's id (a UUID) and the authentication's. A message is
// counted at no more than it (messageSize), so what is reserved covers it.
func (s *Sandbox) messageAllowance(id string) int64 {
	return messageCost + 512 + 2*int64(len(s.cfg.MerchantName)) + 64 + int64(len(id))
}

// messageSize is what m is counted at.
func (s *Sandbox) messageSize(m acs.Message) int64 {
	return min(messageBytes(m), s.messageAllowance(m.AuthenticationID))
}

func messageBytes(m acs.Message) int64 {
	return messageCost + budget.Strings(m.ID, m.Channel, m.To, m.From, m.Subject, m.Body, m.Code, m.AuthenticationID)
}

// payMessage reserves, before an authentication of id is begun, what its
// message may need; settleMessage, after, gives back what the message
// made (if any) did not need and returns what it kept. The caller holds
// s.mu between the two.
func (s *space) payMessage(id string) error { return s.stored.Reserve(s.messageAllowance(id)) }

func (s *space) settleMessage(id string) int64 {
	paid := s.message
	s.message = 0
	s.stored.Release(s.messageAllowance(id) - paid)
	return paid
}

// inboxAdd notes that a message of size bytes, paid for, is in
// cardholder's inbox, and gives back the bytes of the one the store
// dropped for it. The caller holds s.mu.
func (s *space) inboxAdd(cardholder string, size int64) {
	if s.inboxes == nil {
		s.inboxes = map[string][]int64{}
	}
	box := append(s.inboxes[cardholder], size)
	if n := len(box) - maxInbox; n > 0 {
		for _, dropped := range box[:n] {
			s.stored.Release(dropped)
		}
		box = append(box[:0], box[n:]...)
	}
	s.inboxes[cardholder] = box
}
