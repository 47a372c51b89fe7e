package store

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Memory is a Store in this process's memory: what `walletsim sandbox`
// uses by default, and what the TUI and the runner embed. The registry has
// one lock and each workspace its own, so workspaces never wait for each
// other.
type Memory struct {
	limits Limits

	mu     sync.RWMutex // guards spaces and creds
	spaces map[string]*memSpace
	creds  map[credKey]string // credential → workspace id

	idemTotal atomic.Int64 // every workspace's idemBytes, summed
}

type credKey struct {
	kind  CredentialKind
	value string
}

// memSpace is one workspace's state.
type memSpace struct {
	mu          sync.Mutex
	ws          Workspace
	enrollments map[[2]string]Enrollment
	inboxes     map[string][]Message
	webhook     Webhook
	deliveries  []Delivery
	pending     map[string]PendingRequest
	idem        map[string]*memIdem
	idemOrder   []*memIdem // claim order, oldest first; compacted as it drains
	// idemBytes is written under mu and read without it (by the global
	// budget's search for the heaviest workspace); total is the Memory's
	// idemTotal, kept in step by addIdem.
	idemBytes atomic.Int64
	total     *atomic.Int64
	lastBody  []byte // the last answer kept, shared by records with the same one
	deleted   bool
	auths     map[string]AuthRecord // by id; only through Memory.Auths (memauths.go)
	// resets counts clears, so that a MemoryOutbox beside the store can
	// drop what was queued before a reset.
	resets int
}

type memIdem struct {
	rec  IdemRecord
	done bool
	gone bool // evicted or released: skipped in idemOrder
}

// NewMemory makes an empty memory store.
func NewMemory(l Limits) *Memory {
	return &Memory{limits: l.WithDefaults(), spaces: map[string]*memSpace{}, creds: map[credKey]string{}}
}

var _ Store = (*Memory)(nil)

func newSpace(w Workspace, total *atomic.Int64) *memSpace {
	sp := &memSpace{ws: w, total: total}
	sp.clear()
	return sp
}

// clear empties everything but the id and credentials. The caller holds
// sp.mu (or owns sp).
func (sp *memSpace) clear() {
	sp.enrollments = map[[2]string]Enrollment{}
	sp.inboxes = map[string][]Message{}
	sp.webhook = Webhook{}
	sp.deliveries = nil
	sp.pending = map[string]PendingRequest{}
	sp.idem = map[string]*memIdem{}
	sp.idemOrder = nil
	sp.addIdem(-sp.idemBytes.Load())
	sp.lastBody = nil
	sp.auths = nil
	sp.ws.ClockOffset = 0
	sp.resets++
}

// resets is how many times workspace id was emptied (creation included).
func (m *Memory) resets(id string) (int, error) {
	var n int
	err := m.with(id, func(sp *memSpace) error { n = sp.resets; return nil })
	return n, err
}

func credKeys(c Credentials) []credKey {
	var out []credKey
	for _, k := range []CredentialKind{IssuingAPIKey, IssuingToken, ThreeDSKey, WalletToken} {
		if v := c.Of(k); v != "" {
			out = append(out, credKey{k, v})
		}
	}
	return out
}

func (m *Memory) CreateWorkspace(_ context.Context, w Workspace) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.spaces[w.ID]; ok {
		return ErrExists
	}
	keys := credKeys(w.Credentials)
	for _, k := range keys {
		if _, taken := m.creds[k]; taken {
			return ErrCredentialTaken
		}
	}
	for _, k := range keys {
		m.creds[k] = w.ID
	}
	m.spaces[w.ID] = newSpace(w, &m.idemTotal)
	return nil
}

// space finds a workspace.
func (m *Memory) space(id string) (*memSpace, error) {
	m.mu.RLock()
	sp := m.spaces[id]
	m.mu.RUnlock()
	if sp == nil {
		return nil, ErrNoWorkspace
	}
	return sp, nil
}

// with runs fn on a workspace under its lock.
func (m *Memory) with(id string, fn func(sp *memSpace) error) error {
	sp, err := m.space(id)
	if err != nil {
		return err
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return fn(sp)
}

func (m *Memory) Workspace(_ context.Context, id string) (Workspace, error) {
	var w Workspace
	err := m.with(id, func(sp *memSpace) error { w = sp.ws; return nil })
	return w, err
}

func (m *Memory) WorkspaceByCredential(ctx context.Context, k CredentialKind, value string) (Workspace, error) {
	if value == "" {
		return Workspace{}, ErrNoWorkspace
	}
	m.mu.RLock()
	id, ok := m.creds[credKey{k, value}]
	m.mu.RUnlock()
	if !ok {
		return Workspace{}, ErrNoWorkspace
	}
	return m.Workspace(ctx, id)
}

func (m *Memory) DeleteWorkspace(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	sp := m.spaces[id]
	if sp == nil {
		return ErrNoWorkspace
	}
	for _, k := range credKeys(sp.ws.Credentials) {
		delete(m.creds, k)
	}
	delete(m.spaces, id)
	sp.mu.Lock()
	sp.addIdem(-sp.idemBytes.Load())
	sp.deleted = true // a call that found it before stays out of idemTotal
	sp.mu.Unlock()
	return nil
}

func (m *Memory) ResetWorkspace(_ context.Context, id string) error {
	return m.with(id, func(sp *memSpace) error { sp.clear(); return nil })
}

func (m *Memory) AdvanceClock(_ context.Context, id string, d time.Duration) (Workspace, error) {
	var w Workspace
	err := m.with(id, func(sp *memSpace) error {
		if d > 0 {
			sp.ws.ClockOffset += d
		}
		w = sp.ws
		return nil
	})
	return w, err
}

func (m *Memory) Enroll(_ context.Context, ws string, e Enrollment) error {
	return m.with(ws, func(sp *memSpace) error {
		k := [2]string{e.Cardholder, e.Card}
		if _, ok := sp.enrollments[k]; ok {
			return ErrExists
		}
		sp.enrollments[k] = e
		return nil
	})
}

func (m *Memory) Enrollment(_ context.Context, ws, cardholder, card string) (Enrollment, error) {
	var e Enrollment
	err := m.with(ws, func(sp *memSpace) error {
		var ok bool
		if e, ok = sp.enrollments[[2]string{cardholder, card}]; !ok {
			return ErrNotFound
		}
		return nil
	})
	return e, err
}

func (m *Memory) UpdateEnrollment(_ context.Context, ws, cardholder, card, method string) error {
	return m.with(ws, func(sp *memSpace) error {
		k := [2]string{cardholder, card}
		e, ok := sp.enrollments[k]
		if !ok {
			return ErrNotFound
		}
		e.Method = method
		sp.enrollments[k] = e
		return nil
	})
}

func (m *Memory) Unenroll(_ context.Context, ws, cardholder, card string) error {
	return m.with(ws, func(sp *memSpace) error {
		k := [2]string{cardholder, card}
		if _, ok := sp.enrollments[k]; !ok {
			return ErrNotFound
		}
		delete(sp.enrollments, k)
		return nil
	})
}

func (m *Memory) Enrollments(_ context.Context, ws string) (int, error) {
	n := 0
	err := m.with(ws, func(sp *memSpace) error { n = len(sp.enrollments); return nil })
	return n, err
}

func (m *Memory) Deliver(_ context.Context, ws, cardholder string, msg Message, keep int) error {
	return m.with(ws, func(sp *memSpace) error {
		box := append(sp.inboxes[cardholder], msg)
		if keep > 0 && len(box) > keep {
			// Reslice, not copy: append reallocates (copying only the
			// kept messages) once the capacity left runs out.
			box[len(box)-keep-1] = Message{}
			box = box[len(box)-keep:]
		}
		sp.inboxes[cardholder] = box
		return nil
	})
}

func (m *Memory) Inbox(_ context.Context, ws, cardholder string) ([]Message, error) {
	var out []Message
	err := m.with(ws, func(sp *memSpace) error { out = slices.Clone(sp.inboxes[cardholder]); return nil })
	return out, err
}

func (m *Memory) SetWebhook(_ context.Context, ws string, w Webhook) error {
	w.Key, w.OldKey = bytes.Clone(w.Key), bytes.Clone(w.OldKey)
	return m.with(ws, func(sp *memSpace) error { sp.webhook = w; return nil })
}

func (m *Memory) Webhook(_ context.Context, ws string) (Webhook, error) {
	var w Webhook
	err := m.with(ws, func(sp *memSpace) error {
		w = sp.webhook
		w.Key, w.OldKey = bytes.Clone(w.Key), bytes.Clone(w.OldKey)
		return nil
	})
	return w, err
}

func (m *Memory) RecordDelivery(_ context.Context, ws string, d Delivery, keep int) error {
	return m.with(ws, func(sp *memSpace) error {
		for i := range sp.deliveries {
			if sp.deliveries[i].EventID == d.EventID {
				sp.deliveries[i] = d
				return nil
			}
		}
		sp.deliveries = append(sp.deliveries, d)
		if keep > 0 && len(sp.deliveries) > keep {
			sp.deliveries[len(sp.deliveries)-keep-1] = Delivery{}
			sp.deliveries = sp.deliveries[len(sp.deliveries)-keep:]
		}
		return nil
	})
}

func (m *Memory) Deliveries(_ context.Context, ws string) ([]Delivery, error) {
	var out []Delivery
	err := m.with(ws, func(sp *memSpace) error { out = slices.Clone(sp.deliveries); return nil })
	return out, err
}

func clonePending(p PendingRequest) PendingRequest {
	p.Event, p.Answer, p.AnswerBody = bytes.Clone(p.Event), bytes.Clone(p.Answer), bytes.Clone(p.AnswerBody)
	return p
}

func (m *Memory) PutPending(_ context.Context, ws string, p PendingRequest) error {
	return m.with(ws, func(sp *memSpace) error {
		if _, ok := sp.pending[p.Auth3dsID]; ok {
			return ErrExists
		}
		if p.Status == "" {
			p.Status = Pending
		}
		sp.pending[p.Auth3dsID] = clonePending(p)
		return nil
	})
}

func (m *Memory) PendingRequest(_ context.Context, ws, id string) (PendingRequest, error) {
	var p PendingRequest
	err := m.with(ws, func(sp *memSpace) error {
		got, ok := sp.pending[id]
		if !ok {
			return ErrNotFound
		}
		p = clonePending(got)
		return nil
	})
	return p, err
}

func (m *Memory) TakePending(_ context.Context, ws, id string, answer, body []byte, now time.Time) (PendingRequest, bool, error) {
	var p PendingRequest
	taken := false
	err := m.with(ws, func(sp *memSpace) error {
		got, ok := sp.pending[id]
		if !ok {
			return ErrNotFound
		}
		if got.Status == Pending && !now.Before(got.Expires) {
			got.Status = Expired
		}
		if got.Status == Pending {
			got.Status, got.Answer, got.AnswerBody, got.AnsweredAt = Answered, bytes.Clone(answer), bytes.Clone(body), now
			taken = true
		}
		sp.pending[id] = got
		if taken { // what it returns of the answer is the caller's own: no second copy
			p = got
			p.Event, p.Answer, p.AnswerBody = bytes.Clone(got.Event), answer, body
			return nil
		}
		p = clonePending(got)
		return nil
	})
	return p, taken, err
}

func (m *Memory) ExpirePending(_ context.Context, ws, id string) (bool, error) {
	did := false
	err := m.with(ws, func(sp *memSpace) error {
		got, ok := sp.pending[id]
		if !ok {
			return ErrNotFound
		}
		if got.Status == Pending {
			got.Status, did = Expired, true
			sp.pending[id] = got
		}
		return nil
	})
	return did, err
}

func (m *Memory) ListPending(_ context.Context, ws, customer, card string, now time.Time) ([]PendingRequest, error) {
	var out []PendingRequest
	err := m.with(ws, func(sp *memSpace) error {
		for _, p := range sp.pending {
			if p.CustomerID == customer && p.CardID == card && p.Status == Pending && now.Before(p.Expires) {
				out = append(out, clonePending(p))
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b PendingRequest) int {
		if c := a.Expires.Compare(b.Expires); c != 0 {
			return c
		}
		return compareStrings(a.Auth3dsID, b.Auth3dsID)
	})
	return out, err
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (m *Memory) ForgetPending(_ context.Context, ws, id string) error {
	return m.with(ws, func(sp *memSpace) error { delete(sp.pending, id); return nil })
}
