package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/budget"
	"github.com/walletsim/walletsim/client/sandbox/store"
)

// WorkspaceView is a workspace as POST /sandbox/workspaces answers it:
// its id and its own credentials for the three APIs and the webhooks.
type WorkspaceView struct {
	ID          string            `json:"id"`
	Credentials store.Credentials `json:"credentials"`
	CreatedAt   time.Time         `json:"created_at"`
	// ClockOffset is how far the workspace's clock is ahead of the
	// sandbox's ("6m0s"); Now is the workspace's time.
	ClockOffset string    `json:"clock_offset"`
	Now         time.Time `json:"now"`
}

func (s *Sandbox) viewOf(w store.Workspace) WorkspaceView {
	return WorkspaceView{ID: w.ID, Credentials: w.Credentials, CreatedAt: w.Created,
		ClockOffset: w.ClockOffset.String(), Now: s.cfg.Clock.Now().Add(w.ClockOffset)}
}

// secret is a random credential: prefix and 24 random bytes, hex.
func secret(prefix string) string {
	var b [24]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// CreateWorkspace makes a workspace with fresh credentials (what POST
// /sandbox/workspaces does). Its cost counts against the sandbox's byte
// budget, so that making workspaces in a loop fills the sandbox with a
// 429 rather than its memory; a budget.ErrFull says so.
func (s *Sandbox) CreateWorkspace() (WorkspaceView, error) {
	w := store.Workspace{ID: "ws_" + s.cfg.NewID(), Created: s.cfg.Clock.Now(), Credentials: store.Credentials{
		IssuingAPIKey: secret("key_"), IssuingToken: secret("itok_"), ThreeDSKey: secret("sk_test_"),
		WalletToken: secret("wtok_"), WebhookHMACKey: secret("whsec_"),
	}}
	if err := s.stored.Reserve(workspaceCost); err != nil {
		return WorkspaceView{}, err
	}
	if err := s.store.CreateWorkspace(s.ctx, w); err != nil {
		s.stored.Release(workspaceCost)
		return WorkspaceView{}, err
	}
	s.made.Store(w.ID, struct{}{})
	s.used(w.ID) // timed from now, used or not
	return s.viewOf(w), nil
}

// gone gives back the cost of a workspace this process made, now deleted.
func (s *Sandbox) gone(id string) {
	if _, ok := s.made.LoadAndDelete(id); ok {
		s.stored.Release(workspaceCost)
	}
}

// createWorkspace serves POST /sandbox/workspaces. Anyone may make one: it
// is the way to a world nobody else sees.
func (s *Sandbox) createWorkspace(w http.ResponseWriter, r *http.Request) {
	v, err := s.CreateWorkspace()
	if errors.Is(err, budget.ErrFull) {
		writeJSON(w, http.StatusTooManyRequests, sandboxError{Error: s.fullMessage(err)})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

// owns checks that the request's credentials are those of the path's
// workspace, answering the error itself: 404 for no such workspace, 403
// for another workspace's credentials (or none).
func (s *space) owns(w http.ResponseWriter, r *http.Request) bool {
	id := r.PathValue("id")
	if id == s.id && s.readAuth(w, r) {
		return true
	}
	if id == s.id {
		return false // readAuth answered
	}
	if _, err := s.store.Workspace(s.bg(), id); errors.Is(err, store.ErrNoWorkspace) {
		writeJSON(w, http.StatusNotFound, sandboxError{Error: "No workspace " + id + ".", Field: "id"})
		return false
	}
	writeJSON(w, http.StatusForbidden, sandboxError{Error: "These credentials are not workspace " + id + "'s: send one of its own (x-api-key, a bearer token or the 3DS key).", Field: "credentials"})
	return false
}

// sandboxError is the sandbox's own error shape, naming the field at fault.
type sandboxError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// deleteWorkspace serves DELETE /sandbox/workspaces/{id}.
func (s *space) deleteWorkspace(w http.ResponseWriter, r *http.Request) {
	if !s.owns(w, r) {
		return
	}
	if s.id == store.DefaultWorkspace {
		writeJSON(w, http.StatusBadRequest, sandboxError{Error: "The default workspace cannot be deleted; reset it instead.", Field: "id"})
		return
	}
	if err := s.store.DeleteWorkspace(s.bg(), s.id); err != nil && !errors.Is(err, store.ErrNoWorkspace) {
		s.storeFailed(w, r, err)
		return
	}
	s.drop()
	s.gone(s.id)
	w.WriteHeader(http.StatusNoContent)
}

// resetWorkspace serves POST /sandbox/workspaces/{id}/reset: everything in
// the workspace goes, its id and credentials stay, its clock is the
// sandbox's again.
func (s *space) resetWorkspace(w http.ResponseWriter, r *http.Request) {
	if !s.owns(w, r) {
		return
	}
	if err := s.store.ResetWorkspace(s.bg(), s.id); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	if s.id == store.DefaultWorkspace && s.cfg.WebhookURL != "" {
		// The default workspace's webhook is the sandbox's configuration
		// (--webhook-url), not something a tester set: it stays.
		s.store.SetWebhook(s.bg(), s.id, store.Webhook{URL: s.cfg.WebhookURL, Key: s.cfg.HMACKey})
	}
	s.drop()
	ws, err := s.store.Workspace(s.bg(), s.id)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.viewOf(ws))
}

// drop forgets the workspace's authentications in this process: the next
// request makes a fresh space (with the stored clock).
func (s *space) drop() {
	s.stored.Release(s.stored.Used()) // everything it kept went with it
	sb := s.Sandbox
	sb.mu.Lock()
	if sb.spaces[s.id] == s {
		delete(sb.spaces, s.id)
	}
	for id, sp := range sb.challenges {
		if sp == s {
			delete(sb.challenges, id)
		}
	}
	sb.mu.Unlock()
}

// maxClockStep bounds one move of a workspace's clock.
const maxClockStep = 366 * 24 * time.Hour

// advanceClock serves POST /sandbox/workspaces/{id}/clock {"advance": "6m"}:
// the workspace's clock moves forward (never back), so its challenges and
// decoupled requests expire as if the time had passed, and no other
// workspace's do.
func (s *space) advanceClock(w http.ResponseWriter, r *http.Request) {
	if !s.owns(w, r) {
		return
	}
	d, msg := readAdvance(r)
	if msg != "" {
		writeJSON(w, http.StatusBadRequest, sandboxError{Error: msg, Field: "advance"})
		return
	}
	ws, err := s.store.AdvanceClock(s.bg(), s.id, d)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.offset.Store(int64(ws.ClockOffset))
	s.clockMoved(d)
	now := s.now()
	s.mu.Lock()
	s.sweep(now)
	s.mu.Unlock()
	if s.db != nil {
		s.housekeep(now)
	}
	writeJSON(w, http.StatusOK, s.viewOf(ws))
}

// readAdvance reads {"advance": "<Go duration>"}: positive, at most a year.
func readAdvance(r *http.Request) (time.Duration, string) {
	body, err := readBody(r)
	if err != nil {
		return 0, "Request body is too large."
	}
	obj, ok := decodeObject(body)
	if !ok {
		return 0, `Body must be a JSON object: {"advance": "6m"}.`
	}
	v, _ := obj["advance"].(string)
	d, err := time.ParseDuration(v)
	switch {
	case v == "":
		return 0, `advance is required: a duration such as "6m" or "1h30m".`
	case err != nil:
		return 0, "advance must be a duration such as \"6m\" or \"1h30m\", not " + quote(v) + "."
	case d <= 0:
		return 0, "advance must be positive: a workspace's clock only moves forward."
	case d > maxClockStep:
		return 0, "advance must be at most 8784h (a year) at a time."
	}
	return d, ""
}

// quote is v quoted and cut to 40 bytes, for an error message.
func quote(v string) string {
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return `"` + v + `"`
}
