package flows

import (
	"context"
	"errors"
	"fmt"

	"github.com/walletsim/walletsim/client/emv"
)

// ErrNoMessages is asking for a purchase's EMV messages on a 3DS server
// without walletsim's extensions: only the sandbox shows them.
var ErrNoMessages = errors.New("this 3DS server does not show the EMV messages behind an authentication (a walletsim sandbox extension)")

// Messages reads the EMV 3DS 2.2.0 messages behind the purchase as they
// stand, in order, with who sent each to whom: AReq and ARes after Start,
// and the rest once a challenge or decoupled authentication has ended. It
// is a read, not a step of the journey: it emits no event and leaves the
// flow's state alone, so a view can call it whenever it is shown.
func (p *PurchaseFlow) Messages(ctx context.Context) ([]emv.Step, error) {
	a := p.Authentication()
	if a == nil && !p.plain() {
		return nil, fmt.Errorf("%w: the purchase was not started", ErrState)
	}
	id := ""
	if a != nil {
		id = a.ID
	}
	return p.s.Messages(ctx, id)
}

// Messages reads the EMV messages behind authentication id, for a view
// that knows the id but not the purchase (a journal, a transcript): what
// PurchaseFlow.Messages reads.
func (s *Session) Messages(ctx context.Context, id string) ([]emv.Step, error) {
	if !s.Target.Extensions {
		return nil, ErrNoMessages
	}
	return s.tds.Messages(ctx, id)
}
