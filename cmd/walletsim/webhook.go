package main

import (
	"fmt"
	"io"
	"time"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/profile"
)

// webhookToleranceUsage is the --webhook-tolerance flag's help.
const webhookToleranceUsage = "refuse webhook events whose timestamp is further than this from now (default: the profile's webhook_tolerance, else 5m)"

// resolver resolves profiles, with --webhook-tolerance (when given)
// replacing each profile's webhook_tolerance.
func resolver(set *profile.Set, tolerance time.Duration) func(string) (flows.Target, error) {
	return func(name string) (flows.Target, error) {
		t, err := set.Target(name)
		if err == nil && tolerance > 0 {
			t.WebhookTolerance = tolerance
		}
		return t, err
	}
}

// warnListen warns, once per target, of a webhook listener that takes
// connections from beyond this machine, as walletsim sandbox warns of its
// own address.
func warnListen(w io.Writer, targets ...flows.Target) {
	seen := map[string]bool{}
	for _, t := range targets {
		if t.Sandbox || seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		if msg := flows.ListenWarning(t.WebhookListen); msg != "" {
			fmt.Fprintf(w, "walletsim: warning: profile %s: %s\n", t.Name, msg)
		}
	}
}
