package store_test

import (
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/storetest"
)

func TestMemoryOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) (store.Store, store.Outbox) {
		m := store.NewMemory(store.Limits{})
		return m, store.NewMemoryOutbox(m)
	})
}
