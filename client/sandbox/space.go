package sandbox

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/budget"
	"github.com/walletsim/walletsim/client/sandbox/store"
)

// space is a workspace as the handlers serving it see it: its id, clock
// and credentials (kept in the Store), and the authentications in flight,
// which live in this process. It embeds the Sandbox for the configuration
// and the Store; its own mu guards the authentications, so workspaces never
// wait for each other.
type space struct {
	*Sandbox
	id     string
	creds  store.Credentials
	offset atomic.Int64 // the workspace's clock, ahead of the sandbox's

	mu        sync.Mutex        // guards everything below
	auths     map[string]*authn // by 3DS server id
	byAuth3ds map[string]*authn // by the wallet platform's auth3dsId
	byACS     map[string]*authn // by acsTransID (the challenge page)
	waiting   fifo[*authn]      // unfinished auths, oldest first, for expiry
	finished  fifo[*authn]      // finished auths, oldest first, for eviction
	pending   int               // unfinished auths
	last      lastRequest       // the previous authenticate's, to share values with
	held      []*delivery       // events held back by the reorder fault, oldest first
	outbox    []func()          // deliveries to make before the answer, on a virtual clock
	effects   []func()          // with a shared store: what to do once the change is stored (afterStored)

	// Also under mu: the inbox in the byte budget (inbox.go).
	inboxes map[string][]int64 // by cardholder, the sizes of the messages this space put in its inbox, oldest first
	message int64              // what the message begin just sent is counted at, until settleMessage

	swept atomic.Int64 // with a shared store: when housekeep last ran, Unix ns of the workspace's time

	flights flights // idempotency keys whose requests are running (idempotency.go)

	lastUsed *atomic.Int64 // the sandbox's clock at its last request (expiry.go)
	recorded atomic.Int64  // when recordUse last wrote it to the store, Unix ns

	// stored is the workspace's part of the sandbox's byte budget
	// (accounting.go): it shadows the Sandbox's, so every reservation made
	// while serving the workspace is counted for it and for the sandbox,
	// and dropping the workspace gives all of it back.
	stored *budget.Budget
}

func newSpace(s *Sandbox, w store.Workspace) *space {
	sp := &space{Sandbox: s, id: w.ID, creds: w.Credentials,
		auths: map[string]*authn{}, byAuth3ds: map[string]*authn{}, byACS: map[string]*authn{},
		stored: s.stored.Sub(s.cfg.MaxWorkspaceBytes).Named(budgetWorkspace), lastUsed: s.used(w.ID)}
	sp.offset.Store(int64(w.ClockOffset))
	return sp
}

// now is the workspace's time: the sandbox's, plus how far its owner moved
// its clock.
func (sp *space) now() time.Time {
	return sp.cfg.Clock.Now().Add(time.Duration(sp.offset.Load()))
}

// bg is the context for store calls: the sandbox's (a request's own
// context ends when its client leaves, but what it started must be stored
// whole).
func (sp *space) bg() context.Context { return sp.Sandbox.detached }

// required are the credentials this workspace accepts: its own, or for the
// default workspace those the sandbox was told to require (any non-empty
// one when none).
func (sp *space) required() Credentials {
	if sp.id == store.DefaultWorkspace {
		return sp.cfg.Require
	}
	return Credentials{IssuingAPIKey: sp.creds.IssuingAPIKey, IssuingToken: sp.creds.IssuingToken,
		ThreeDSKey: sp.creds.ThreeDSKey, WalletToken: sp.creds.WalletToken}
}

// spaceOf resolves the workspace a request's credentials belong to: its
// x-api-key, its bearer token (the wallet's or the issuer's) or its HTTP
// Basic user name (the 3DS key), in that order. Credentials that belong to
// no workspace — the README's examples, the embedded sandbox — are the
// default workspace's.
func (s *Sandbox) spaceOf(r *http.Request) (*space, error) {
	ctx := s.detached
	// found reports whether credential v of kind k is a workspace's.
	var sp *space
	var err error
	found := func(k store.CredentialKind, v string) bool {
		if v = strings.TrimSpace(v); v == "" {
			return false
		}
		var w store.Workspace
		if w, err = s.store.WorkspaceByCredential(ctx, k, v); err != nil {
			return !errors.Is(err, store.ErrNoWorkspace) // a failing store ends the search
		}
		sp, err = s.spaceFor(w)
		return true
	}
	if found(store.IssuingAPIKey, header(r, hdrAPIKey)) {
		return sp, err
	}
	if tok, ok := bearerToken(r.Header.Get("Authorization")); ok && (found(store.WalletToken, tok) || found(store.IssuingToken, tok)) {
		return sp, err
	}
	if user, _, ok := r.BasicAuth(); ok && found(store.ThreeDSKey, user) {
		return sp, err
	}
	return s.space(ctx, store.DefaultWorkspace)
}

// space is the workspace with id, or ErrNoWorkspace. With a shared store
// the workspace is read again every time, for its clock (another replica
// may have moved it).
func (s *Sandbox) space(ctx context.Context, id string) (*space, error) {
	if s.db == nil {
		s.mu.RLock()
		sp := s.spaces[id]
		s.mu.RUnlock()
		if sp != nil {
			return sp, nil
		}
	}
	w, err := s.store.Workspace(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.spaceFor(w)
}

// spaceFor is the in-process side of a stored workspace, made the first
// time a request uses it. With a shared store it takes w's clock: w was
// just read.
func (s *Sandbox) spaceFor(w store.Workspace) (*space, error) {
	s.mu.RLock()
	sp := s.spaces[w.ID]
	s.mu.RUnlock()
	if sp != nil {
		if s.db != nil {
			sp.offset.Store(int64(w.ClockOffset))
		}
		return sp, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp := s.spaces[w.ID]; sp != nil {
		return sp, nil
	}
	sp = newSpace(s, w)
	s.spaces[w.ID] = sp
	return sp, nil
}

// scoped serves a route in the workspace of the request's credentials.
func (s *Sandbox) scoped(fn func(sp *space, w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sp, err := s.spaceOf(r)
		if err != nil {
			s.storeFailed(w, r, err)
			return
		}
		sp.touch()
		fn(sp, w, r)
	}
}

// storeFailed answers a store that failed (a lost database) as a 503 in
// the API's shape.
func (s *Sandbox) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.cfg.Logger.Error("store", "err", err)
	apiOf(r.URL.Path).writeError(w, http.StatusServiceUnavailable, unavailable)
}

// challengeSpace finds the workspace of a challenge page: the cardholder's
// browser brings no credentials, only the acsTransID.
func (s *Sandbox) challengeSpace(fn func(sp *space, w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.db != nil {
			s.sharedChallengeSpace(fn, w, r)
			return
		}
		s.mu.RLock()
		sp := s.challenges[r.PathValue("acsTransID")]
		s.mu.RUnlock()
		if sp == nil {
			var err error
			if sp, err = s.space(r.Context(), store.DefaultWorkspace); err != nil {
				s.storeFailed(w, r, err)
				return
			}
		}
		sp.touch()
		fn(sp, w, r)
	}
}

// indexChallenge and forgetChallenge keep the acsTransID → workspace
// index. The caller may hold sp.mu (s.mu is taken after it, never before).
func (sp *space) indexChallenge(acsTransID string) {
	sp.Sandbox.mu.Lock()
	sp.Sandbox.challenges[acsTransID] = sp
	sp.Sandbox.mu.Unlock()
}

func (sp *space) forgetChallenge(acsTransID string) {
	sp.Sandbox.mu.Lock()
	if sp.Sandbox.challenges[acsTransID] == sp {
		delete(sp.Sandbox.challenges, acsTransID)
	}
	sp.Sandbox.mu.Unlock()
}
