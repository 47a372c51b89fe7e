package sqlite

import (
	"sync"

	"github.com/walletsim/walletsim/client/sandbox/store"
)

// credCache remembers WorkspaceByCredential's answers, found or not: every
// request asks it, and a query cost more than the rest of an authenticate.
// Only this process writes the file (one process per SQLite file), and the
// writes that change an answer — creating, deleting, resetting a workspace,
// moving its clock — clear the cache once committed. A lookup that raced
// such a write is not kept: each clearing starts a new generation, and an
// answer read in an older one is dropped.
type credCache struct {
	mu  sync.RWMutex
	gen uint64
	m   map[credKey]cached
}

type credKey struct {
	kind  store.CredentialKind
	value string
}

type cached struct {
	w     store.Workspace
	found bool
}

// maxCached bounds the cache; past it, it starts again empty (a flood of
// unknown credentials must not grow it without end).
const maxCached = 4096

func (c *credCache) get(k credKey) (cached, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, c.gen, ok
}

func (c *credCache) put(k credKey, v cached, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // a write cleared the cache since this was read
	}
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[credKey]cached{}
	}
	c.m[k] = v
}

func (c *credCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m = nil
}
