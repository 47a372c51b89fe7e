package flows

import (
	"context"

	"github.com/walletsim/walletsim/client/emv"
)

// threeDSMessages is the session's MessageReader on a target with
// walletsim's extensions: the 3DS server's GET /v1/3ds/{id}/messages
// (threeds.Client.Messages), through the session's current client.
type threeDSMessages struct{ s *Session }

func (m threeDSMessages) Messages(ctx context.Context, id string) ([]emv.Step, error) {
	return m.s.tds.Messages(ctx, id)
}

// UseThreeDSMessages makes the 3DS server's GET /v1/3ds/{id}/messages the
// session's MessageReader when it has none and the target is walletsim's
// (a target without the extensions cannot say; a strict one is never
// asked). It reports whether the session now reads messages. Open calls
// it, so every session on a walletsim sandbox reads them; calling it again
// changes nothing.
func (s *Session) UseThreeDSMessages() bool {
	if s.opts.Messages == nil && s.Target.Extensions {
		s.opts.Messages = threeDSMessages{s}
	}
	return s.opts.Messages != nil
}

// Messages reads the EMV messages behind authentication id with the
// session's MessageReader (ErrNoMessages without one), and gives them to
// the course: what PurchaseFlow.Messages does, for a view that knows the
// id but not the purchase (a journal, a transcript).
func (s *Session) Messages(ctx context.Context, id string) ([]emv.Step, error) {
	if s.opts.Messages == nil {
		return nil, ErrNoMessages
	}
	steps, err := s.opts.Messages.Messages(ctx, id)
	if err != nil {
		return nil, err
	}
	s.RecordMessages(id, steps)
	return steps, nil
}
