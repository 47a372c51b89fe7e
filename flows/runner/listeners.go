package runner

import (
	"fmt"
	"net"
	"sync"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/flows"
)

// listeners are the webhook listeners a run shares: a profile has one
// webhook_listen address, the platform sends every event there, and
// scenarios running in parallel cannot each listen on it. So the first
// scenario on an address starts its listener, the others use it, and each
// wallet step takes its own purchase's event from it (flows.Match); the
// run closes them at the end.
type listeners struct {
	// tw, when set, gets the deliveries a shared listener refuses (they
	// belong to no scenario), after every scenario's lines.
	tw    *transcript
	after int // the first transcript index after the scenarios'

	mu   sync.Mutex
	byAt map[string]shared
}

type shared struct {
	l   *flows.Listener
	key string
	log *scenarioLog
}

// sharable reports whether t's listener is one the run must share: a fixed
// address (port 0 gives each scenario a port of its own).
func sharable(t flows.Target) bool {
	if t.Sandbox || t.WebhookListen == "" {
		return false
	}
	_, port, err := net.SplitHostPort(t.WebhookListen)
	return err == nil && port != "0"
}

// get returns the run's listener on t's address, starting it the first
// time. Two targets on one address must verify with the same key.
func (ls *listeners) get(t flows.Target) (*flows.Listener, error) {
	if err := t.CheckWebhook(); err != nil {
		return nil, err
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if s, ok := ls.byAt[t.WebhookListen]; ok {
		if s.key != t.HMACKey {
			return nil, fmt.Errorf("webhook_listen %s is shared by profiles with different HMAC keys", t.WebhookListen)
		}
		return s.l, nil
	}
	var log *scenarioLog
	if ls.tw != nil {
		log = ls.tw.scenario(ls.after+len(ls.byAt), "webhook listener "+t.WebhookListen)
	}
	cfg := t.ListenerConfig(nil, nil) // real time: a profile's target keeps it
	cfg.Shared = true
	if log != nil {
		cfg.Report = func(ex client.Exchange, note string) {
			log.sink(flows.Event{Flow: flows.FlowWallet, Step: "webhook", Kind: flows.Received, Exchange: &ex, Note: note})
		}
	}
	l, err := flows.Listen(t.WebhookListen, cfg)
	if err != nil {
		return nil, fmt.Errorf("webhook_listen %s: %w", t.WebhookListen, err)
	}
	if ls.byAt == nil {
		ls.byAt = map[string]shared{}
	}
	ls.byAt[t.WebhookListen] = shared{l, t.HMACKey, log}
	return l, nil
}

// close stops every listener of the run.
func (ls *listeners) close() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, s := range ls.byAt {
		s.l.Close()
		if s.log != nil {
			s.log.close()
		}
	}
	ls.byAt = nil
}
