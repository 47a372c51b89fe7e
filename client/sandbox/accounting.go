package sandbox

import (
	"errors"

	"github.com/walletsim/walletsim/client/sandbox/budget"
	"github.com/walletsim/walletsim/client/threeds"
)

// What the sandbox keeps is counted against Config.MaxStoredBytes (one
// budget.Budget): each enrollment, authentication and inbox message by the
// bytes of its strings — the part a client chooses — plus a fixed cost for
// its struct, map entries and the fixed-size values it gains later (ids,
// a CAVV, the wallet's answer). The costs were read off the heap: 3,000
// authentications' live heap against what is counted for them was within
// 5 % for challenges and decoupled ones (the counted a little lower for a
// 2 KiB return_url, a little higher for 30 bytes), and frictionless ones
// are counted higher than they weigh. A record is counted when it is kept and given back
// when it is forgotten; a request that would not fit is refused before it
// has any effect (errFull). Idempotent answers are not counted: there are
// at most MaxIdempotent, each with a key of at most 2×MaxIDHeader bytes.
//
// Each workspace's state draws on a budget made with Sub from this one
// (space.stored), of Config.MaxWorkspaceBytes, given back whole when the
// workspace is reset or deleted; fullMessage names the one that was full.
const (
	enrollmentCost = 160
	authnCost      = 1536
	messageCost    = 320
	// workspaceCost is what a workspace keeps besides its records: its
	// id, credentials and clock in the store and the credentials' index,
	// its budgets, usage and the maps it is served from. Read off the
	// heap: 20,000 workspaces on the memory store took 1,595 bytes each
	// when made and 684 more each once used.
	workspaceCost = 2560
	// answerBound bounds an authenticate answer beyond the request's
	// strings it echoes (seed 004's shape is 2–3 KiB).
	answerBound = 4 << 10
)

func enrollmentBytes(k enrollKey, wallet string) int64 {
	return enrollmentCost + budget.Strings(k.cardholder, k.card, wallet)
}

// requestBytes is the bytes of an authenticate request's strings.
func requestBytes(r *threeds.AuthenticateRequest) int64 {
	if r == nil {
		return 0
	}
	n := budget.Strings(r.Number, string(r.Channel), r.ReturnURL, r.Name, string(r.ChallengePreference))
	if c := r.Customer; c != nil {
		n += budget.Strings(c.Name, c.Email, c.Mobile)
	}
	for _, a := range []*threeds.Address{r.BillingAddress, r.ShippingAddress} {
		if a != nil {
			n += budget.Strings(a.City, a.Country, a.Line1, a.Line2, a.PostalCode, a.State)
		}
	}
	if d := r.CustomerDevice; d != nil {
		n += budget.Strings(d.IPAddress, d.UserAgent, d.AcceptHeader, d.Language, d.ColorDepth, d.Timezone)
	}
	return n
}

// authnBytes is what an authentication keeps now.
func authnBytes(a *authn) int64 {
	n := authnCost + budget.Strings(a.id, a.currency, a.description, a.acsURL, a.failure) + requestBytes(a.req)
	switch {
	case a.challenge != nil:
		n += int64(len(a.challenge.first)) + budget.Strings(a.challenge.destination)
	case a.dec != nil:
		n += int64(len(a.dec.first)) // the wallet's answer comes later: authnCost covers it
	}
	return n
}

// startBound is the most that authenticate can add to what the sandbox
// keeps for req: the authentication with the request and an answer that
// echoes it — each byte escaped as at most 6 (\u003c). A message to the
// cardholder's inbox is paid for beside it (inbox.go).
func startBound(id string, req *threeds.AuthenticateRequest) int64 {
	return authnCost + int64(len(id)) + 7*requestBytes(req) + answerBound + 1024
}

// kept recounts a's bytes after it changed, within what was reserved for
// the change, and gives the rest back. The caller holds s.mu.
func (s *space) kept(a *authn, reserved int64) {
	// Growth beyond the bound (startBound says why it cannot happen) is
	// not counted, so that what forget gives back is what was taken.
	grew := min(authnBytes(a)-a.kept, reserved)
	s.stored.Release(reserved - grew)
	a.kept += grew
}

// The budgets' names, which fullMessage tells apart.
const (
	budgetSandbox   = "sandbox"
	budgetWorkspace = "workspace"
)

// fullMessage tells a client which budget is full and what to do.
func (s *Sandbox) fullMessage(err error) string {
	var full *budget.FullError
	if errors.As(err, &full) && full.Budget == budgetWorkspace {
		return "This workspace is full: " + err.Error() + " (its limit on stored bytes, --max-workspace-bytes). " +
			"Unenroll cards, wait for finished authentications to be forgotten (after " + s.cfg.Retention.String() +
			"), or reset the workspace (POST /sandbox/workspaces/{id}/reset)."
	}
	return "The sandbox is full: " + err.Error() + " (its limit on stored bytes for all workspaces, --max-stored-bytes). " +
		"Unenroll cards, wait for finished authentications to be forgotten (after " + s.cfg.Retention.String() +
		"), delete unused workspaces, or restart the sandbox to empty it."
}
