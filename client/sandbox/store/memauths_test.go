package store_test

import (
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/storetest"
)

func TestMemoryAuths(t *testing.T) {
	storetest.RunAuths(t, func(t *testing.T) (store.Store, store.Auths) {
		m := store.NewMemory(store.Limits{})
		return m, m.Auths()
	})
}
