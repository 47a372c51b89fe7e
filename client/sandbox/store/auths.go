package store

import (
	"context"
	"errors"
	"time"
)

// ErrStale is UpdateAuth given a record that changed since it was read:
// another request (on this replica or another) answered first.
var ErrStale = errors.New("store: changed since it was read")

// AuthRecord is one 3DS authentication — purchase, ACS answer, challenge
// or decoupled step, result — as a shared store keeps it. Data is the
// sandbox's own encoding, opaque to the store; the other fields are what
// the store finds, expires and prunes it by.
type AuthRecord struct {
	ID         string // the 3DS server's authentication id, unique in its workspace
	Auth3dsID  string // the wallet platform's id of a decoupled one, else ""
	ACSTransID string // a challenge page's id, unique in the store, else ""
	// Expires is the deadline of a step that waits (a challenge, the
	// wallet): past it an unfinished authentication has expired.
	Expires time.Time
	Final   bool
	Updated time.Time
	// Version is set by the store: 1 when put, one more at each update.
	Version int64
	Data    []byte
}

// Auths keeps authentications where every replica (and the next run of
// the sandbox) finds them. It is a separate interface from Store because
// the memory store need not have it: a sandbox on a Memory keeps its
// authentications in its own process, as live values, which is faster and
// smaller than any encoding. The SQLite and PostgreSQL stores have it;
// Memory.Auths is one in memory for tests; storetest.RunAuths checks them.
//
// The contract is Store's (copies, workspace scoping, atomic methods).
// Every method but AuthByACS returns ErrNoWorkspace for a workspace that
// does not exist; deleting or resetting a workspace removes its records.
type Auths interface {
	// PutAuth stores a new record with Version 1 and returns it:
	// ErrExists if the workspace has one with its ID (or the store one
	// with its ACSTransID).
	PutAuth(ctx context.Context, ws string, a AuthRecord) (AuthRecord, error)
	// Auth, AuthByAuth3ds and AuthByACS read one, or ErrNotFound.
	// AuthByACS also returns the record's workspace: a challenge page's
	// browser brings no credentials, only the acsTransID.
	Auth(ctx context.Context, ws, id string) (AuthRecord, error)
	AuthByAuth3ds(ctx context.Context, ws, auth3dsID string) (AuthRecord, error)
	AuthByACS(ctx context.Context, acsTransID string) (ws string, a AuthRecord, err error)
	// UpdateAuth replaces the record with a's ID if its stored Version is
	// still a.Version (compare-and-swap), and returns it with the next
	// Version: ErrStale if it changed meanwhile, ErrNotFound if it is
	// gone. Of concurrent updates from one version exactly one wins.
	UpdateAuth(ctx context.Context, ws string, a AuthRecord) (AuthRecord, error)
	// DueAuths are up to n unfinished records whose Expires is not after
	// now, earliest deadline first: what an expiry sweep settles.
	DueAuths(ctx context.Context, ws string, now time.Time, n int) ([]AuthRecord, error)
	// PruneAuths removes the workspace's finished records last updated
	// before before, and those beyond the keep most recently updated
	// (records updated at the same instant as the keep-th are kept), and
	// reports how many it removed: what bounds a workspace's records. A
	// keep of 0 or less bounds nothing. The pending wallet requests of the
	// records it removes (by Auth3dsID) go with them, in the same step:
	// nothing else removes a request once it is answered or expired.
	PruneAuths(ctx context.Context, ws string, before time.Time, keep int) (int, error)
	// AuthCounts is how many records the workspace has, and how many of
	// them are unfinished.
	AuthCounts(ctx context.Context, ws string) (total, unfinished int, err error)
}
