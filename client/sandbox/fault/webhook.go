package fault

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Webhook makes the sandbox's webhook deliveries (the wallet platform's
// ThreeDSecureEvents) misbehave, for the wallet's developers: each is
// something a real platform does now and then, and a wallet must survive.
// In a spec each is an item "webhook=KIND"; several may be combined. On the
// header of an authenticate request they apply to the event that request
// sends; in a workspace's webhook configuration, to every event of the
// workspace; in the sandbox's faults, to every event of the workspaces
// without their own.
//
//   - webhook=duplicate: the event is delivered twice (a second time once
//     the first is acknowledged). The wallet must act on it once.
//   - webhook=delay:DURATION: the first attempt waits DURATION (at most
//     MaxLatency) on the workspace's clock, so moving that clock brings it
//     due; the event's timestamp stays when it was made, so a long delay
//     makes it stale.
//   - webhook=reorder: the event is held back and delivered right after the
//     workspace's next event (on a real clock, after ReorderHold if no other
//     event comes first). The wallet must match each to its purchase.
//   - webhook=drop: the first attempt is lost (never reaches the wallet); the
//     platform redelivers it after its backoff.
//   - webhook=corrupt: the first attempt's signature is wrong; the wallet
//     must refuse it, and the redelivery is signed correctly.
//   - webhook=rotate: the event is signed as during a key rotation's
//     overlap, with a new key and the current one ("Signature: NEW,CURRENT");
//     a wallet with either key accepts it.
type Webhook struct {
	Duplicate bool
	Delay     time.Duration
	Reorder   bool
	Drop      bool
	Corrupt   bool
	Rotate    bool
}

// ReorderHold is how long a reordered event waits for the next event on a
// real clock before it goes anyway. On a virtual clock, where nothing
// moves time but the flows, it waits for the next event.
const ReorderHold = 30 * time.Second

// Active reports whether any webhook fault is set.
func (w Webhook) Active() bool { return w != Webhook{} }

// set applies one "webhook=KIND" item.
func (w *Webhook) set(val string) error {
	kind, arg, hasArg := strings.Cut(strings.ToLower(strings.TrimSpace(val)), ":")
	if kind != "delay" && hasArg {
		return fmt.Errorf("%s takes no value", kind)
	}
	switch kind {
	case "duplicate":
		w.Duplicate = true
	case "delay":
		d, err := time.ParseDuration(arg)
		switch {
		case !hasArg:
			return errors.New("delay needs a duration, e.g. webhook=delay:30s")
		case err != nil:
			return err
		case d <= 0 || d > MaxLatency:
			return errors.New("delay must be between 0 and 5m")
		}
		w.Delay = d
	case "reorder":
		w.Reorder = true
	case "drop":
		w.Drop = true
	case "corrupt":
		w.Corrupt = true
	case "rotate":
		w.Rotate = true
	default:
		return fmt.Errorf("unknown webhook fault %q (want duplicate, delay:DURATION, reorder, drop, corrupt, rotate)", kind)
	}
	return nil
}

// items spells w as spec items, in a fixed order.
func (w Webhook) items() []string {
	var out []string
	for _, it := range []struct {
		on   bool
		item string
	}{
		{w.Duplicate, "duplicate"}, {w.Delay > 0, "delay:" + w.Delay.String()}, {w.Reorder, "reorder"},
		{w.Drop, "drop"}, {w.Corrupt, "corrupt"}, {w.Rotate, "rotate"},
	} {
		if it.on {
			out = append(out, "webhook="+it.item)
		}
	}
	return out
}

// String spells w the way Parse reads it ("none" when empty).
func (w Webhook) String() string {
	if items := w.items(); len(items) > 0 {
		return strings.Join(items, ",")
	}
	return "none"
}
