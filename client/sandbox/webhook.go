package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/wallet"
)

// The wallet platform's webhook: each ThreeDSecureEvent is delivered
// signed, retried with doubling backoff, and made to misbehave as its
// fault.Webhook says. On a real clock it goes through the store's outbox
// and is sent by a relay (relay.go); on a virtual clock, where no delivery
// sleeps, it is made here, before the request that caused it answers. The
// two share how a delivery is signed and how one attempt is made and
// recorded (newDelivery, send).

// keys are the keys that sign at now, the newest first: during a key
// rotation's overlap the old key signs too, so that a wallet with either
// key accepts the events.
func keys(t store.Webhook, now time.Time) [][]byte {
	if len(t.OldKey) > 0 && now.Before(t.OldUntil) {
		return [][]byte{t.Key, t.OldKey}
	}
	return [][]byte{t.Key}
}

// Delivery is one webhook event's delivery record (sandbox extension
// GET /sandbox/webhook/deliveries).
type Delivery struct {
	EventID    string    `json:"event_id"`
	Auth3dsID  string    `json:"auth3dsId"`
	URL        string    `json:"url"` // its password, if any, redacted
	Fault      string    `json:"fault,omitempty"`
	Attempts   int       `json:"attempts"`
	LastStatus int       `json:"last_status,omitempty"`
	LastError  string    `json:"last_error,omitempty"`
	Delivered  bool      `json:"delivered"`
	Duplicates int       `json:"duplicates,omitempty"` // extra deliveries a duplicate fault made
	UpdatedAt  time.Time `json:"updated_at"`
}

const maxDeliveries = 100

// SetWebhook points the default workspace's event delivery at url, signed
// with key (the embedded sandbox's wallet listens there).
func (s *Sandbox) SetWebhook(url string, key []byte) {
	if err := s.store.SetWebhook(context.Background(), store.DefaultWorkspace, store.Webhook{URL: url, Key: key}); err != nil {
		s.cfg.Logger.Error("store: webhook", "err", err)
	}
}

// setWebhook points the workspace's event delivery at url, signed with
// key, misbehaving as faults says; with an overlap, a key different from
// the current one is a rotation (see rotateKey).
func (s *space) setWebhook(url string, key []byte, overlap time.Duration, faults string) error {
	s.mu.Lock() // one webhook change at a time: a rotation reads the key it replaces
	defer s.mu.Unlock()
	t := store.Webhook{URL: url, Key: key, Faults: faults}
	if overlap > 0 {
		old, err := s.store.Webhook(s.bg(), s.id)
		if err != nil {
			return err
		}
		if !bytes.Equal(old.Key, key) {
			t.OldKey, t.OldUntil = old.Key, s.now().Add(overlap)
		}
	}
	return s.store.SetWebhook(s.bg(), s.id, t)
}

// readOverlap reads PUT /sandbox/webhook's optional previous_key_overlap,
// a duration of at most a week; it returns a message for a bad one.
func readOverlap(f *fieldReader, obj jsonObject) (time.Duration, string) {
	v := f.str(obj, "previous_key_overlap", "previous_key_overlap")
	if v == "" {
		return 0, ""
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > 7*24*time.Hour {
		return 0, "previous_key_overlap must be a duration such as 10m, at most 168h"
	}
	return d, ""
}

// RotateWebhookKey makes key the default workspace's signing key; the
// previous one keeps signing beside it for overlap (on the workspace's
// clock), so that wallets can move to the new key without missing an
// event.
func (s *Sandbox) RotateWebhookKey(key []byte, overlap time.Duration) {
	sp, err := s.space(s.ctx, store.DefaultWorkspace)
	if err == nil {
		err = sp.rotateKey(key, overlap)
	}
	if err != nil {
		s.cfg.Logger.Error("store: webhook", "err", err)
	}
}

// rotateKey makes key the workspace's signing key, the previous one
// signing too for overlap.
func (s *space) rotateKey(key []byte, overlap time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.store.Webhook(s.bg(), s.id)
	if err != nil {
		return err
	}
	t.OldKey, t.OldUntil, t.Key = t.Key, s.now().Add(overlap), bytes.Clone(key)
	return s.store.SetWebhook(s.bg(), s.id, t)
}

// webhookFaultFor is how the event an API request causes is delivered:
// as the request's fault header says, else as the workspace's webhook
// faults say (PUT /sandbox/webhook's "faults"), else as the sandbox's.
func (s *space) webhookFaultFor(r *http.Request) fault.Webhook {
	if header(r, faultHeader) == "" { // as faultsFor reads it
		if t, err := s.store.Webhook(s.bg(), s.id); err == nil && t.Faults != "" {
			f, _ := fault.Parse(t.Faults) // checked by putWebhook
			return f.Webhook
		}
	}
	f, err := s.faultsFor(r)
	if err != nil { // withFaults refused the request already
		return fault.Webhook{}
	}
	return f.Webhook
}

// readWebhookFaults reads PUT /sandbox/webhook's optional "faults": a
// fault spec of webhook= items only (the others are about API answers,
// not deliveries). It returns the spec as stored ("" for none) or a
// message for a bad one.
func readWebhookFaults(f *fieldReader, obj jsonObject) (string, string) {
	v := f.str(obj, "faults", "faults")
	if v == "" {
		return "", ""
	}
	if len(v) > maxFaultsSpec {
		return "", tooLarge("faults", len(v), maxFaultsSpec)
	}
	spec, err := fault.Parse(v)
	switch {
	case err != nil:
		return "", "faults: " + err.Error()
	case spec.Active() || spec.Rate > 0:
		return "", "faults: only webhook=KIND items apply to a workspace's deliveries (latency, status, drop, timeout and rate are for one request: send them in the " + fault.Header + " header)"
	case !spec.Webhook.Active():
		return "", ""
	}
	return spec.Webhook.String(), ""
}

// maxFaultsSpec bounds "faults": every webhook fault spelled out fits.
const maxFaultsSpec = 256

// delivery is one event on its way.
type delivery struct {
	rec   store.Delivery // only whoever runs the delivery changes it
	url   string
	body  []byte
	sig   string // the Signature header: correct, whatever the fault
	fault fault.Webhook
}

// newDelivery is the delivery of body, event id of authentication
// auth3dsID, to url as wf says, signed with the keys the workspace's
// webhook target has at now (the workspace's time): the relay's and the
// virtual clock's.
func newDelivery(id, auth3dsID, url string, body []byte, target store.Webhook, wf fault.Webhook, now time.Time) *delivery {
	return &delivery{url: url, body: body, fault: wf, rec: deliveryRecord(id, auth3dsID, url, wf, now),
		sig: signature(body, target, wf, now)}
}

// deliveryRecord is a delivery's first record, before any attempt.
func deliveryRecord(id, auth3dsID, url string, wf fault.Webhook, now time.Time) store.Delivery {
	rec := store.Delivery{EventID: id, Auth3dsID: auth3dsID, URL: client.RedactURL(url), UpdatedAt: now}
	if wf.Active() {
		rec.Fault = wf.String()
	}
	return rec
}

// signature is body's Signature header with the keys target has at now,
// and with the rotate fault a rotated key first.
func signature(body []byte, target store.Webhook, wf fault.Webhook, now time.Time) string {
	keys := keys(target, now)
	if wf.Rotate {
		keys = append([][]byte{rotatedKey(target.Key)}, keys...)
	}
	return wallet.SignAll(body, keys...)
}

// errLost is a delivery attempt the drop fault lost on the way.
var errLost = errors.New("lost on the way (fault webhook=drop); the platform will redeliver")

// errNoOutbox is why an event is not delivered by a sandbox on a real
// clock whose store has no outbox: Validate and Start refuse that
// configuration, but New has no error to return.
var errNoOutbox = errors.New("not delivered: the sandbox's store has no webhook outbox (store.Outbox), which a real clock needs")

// sendEvent delivers ev to the workspace's webhook, signed with its
// key(s), as wf says: on a real clock through the outbox (relay.go), on a
// virtual clock before the request that caused it answers (see
// flushWebhooks). The caller holds s.mu.
func (s *space) sendEvent(ev wallet.Event, wf fault.Webhook) {
	target, err := s.store.Webhook(s.bg(), s.id)
	if err != nil {
		s.cfg.Logger.Error("store: webhook", "err", err)
	}
	rec := deliveryRecord(ev.ID, ev.Auth3dsID, target.URL, wf, ev.Timestamp.Time)
	switch {
	case target.URL == "":
		rec.LastError = "no webhook URL configured; the wallet can list pending authentications instead"
	case s.relayOut == nil && !clock.IsVirtual(s.cfg.Clock):
		rec.LastError = errNoOutbox.Error()
		s.cfg.Logger.Error("webhook", "event", ev.ID, "err", errNoOutbox)
	}
	s.saveDelivery(rec)
	if rec.LastError != "" {
		return
	}
	body, _ := marshal(ev)
	if s.relayOut != nil { // signed when the relay sends it, with the keys of then
		s.enqueue(ev.ID, body, wf, target.URL)
		return
	}
	d := &delivery{url: target.URL, body: body, fault: wf, rec: rec, sig: signature(body, target, wf, ev.Timestamp.Time)}
	if wf.Reorder {
		// Held back until the workspace's next event: nothing else
		// releases it (waiting would move the virtual clock at once).
		s.held = append(s.held, d)
		return
	}
	// Events held back for reordering go right after this one.
	after := s.held
	s.held = nil
	s.outbox = append(s.outbox, func() {
		s.deliver(d)
		for _, h := range after {
			s.deliver(h)
		}
	})
}

// saveDelivery stores a delivery record.
func (s *space) saveDelivery(rec store.Delivery) { s.saveDeliveryIn(s.id, rec) }

// saveDeliveryIn stores a delivery record of workspace ws.
func (s *Sandbox) saveDeliveryIn(ws string, rec store.Delivery) {
	// A workspace deleted meanwhile keeps no records: that is no failure.
	if err := s.store.RecordDelivery(context.WithoutCancel(s.ctx), ws, rec, maxDeliveries); err != nil && !errors.Is(err, store.ErrNoWorkspace) {
		s.cfg.Logger.Error("store: delivery", "err", err)
	}
}

// flushWebhooks makes the deliveries sendEvent left for the request that
// caused them, before it answers. On a virtual clock every wait of a
// delivery (delay, backoff) takes no time, so it can be made at once; made
// in the background it would race the client's next steps, and a
// duplicate's second delivery, a redelivery, would land anywhere in a
// transcript. On a real clock the relay sends them. The caller does not
// hold s.mu.
func (s *space) flushWebhooks() {
	s.mu.Lock()
	out := s.outbox
	s.outbox = nil
	s.mu.Unlock()
	for _, run := range out {
		run()
	}
}

// rotatedKey is the "new" key of the rotate fault: one the wallet has not
// been given, so that only the current key's signature can verify.
func rotatedKey(key []byte) []byte {
	sum := sha256.Sum256(append([]byte("walletsim rotated key:"), key...))
	return sum[:]
}

// deliver runs d's attempts on a virtual clock until one is acknowledged
// or the retries run out, each wait on that clock (it takes no time).
func (s *space) deliver(d *delivery) {
	ctx := s.Sandbox.ctx
	if d.fault.Delay > 0 && clock.Sleep(ctx, s.cfg.Clock, d.fault.Delay) != nil {
		return
	}
	wait := s.cfg.WebhookBackoff
	for attempt := 1; attempt <= 1+s.cfg.WebhookRetries; attempt++ {
		status, _ := s.send(ctx, d, attempt)
		d.rec.Attempts, d.rec.UpdatedAt = attempt, s.now()
		s.saveDelivery(d.rec)
		if d.rec.Delivered {
			return
		}
		s.cfg.Logger.Warn("webhook delivery failed", "event", d.rec.EventID, "url", d.rec.URL, "attempt", attempt, "status", status,
			"err", d.rec.LastError)
		if attempt > s.cfg.WebhookRetries || clock.Sleep(ctx, s.cfg.Clock, wait) != nil {
			return
		}
		wait *= 2
	}
}

// send makes attempt n of d (the relay's and the virtual clock's), notes
// its outcome in d.rec, and when it was delivered under the duplicate
// fault delivers it once more.
func (s *Sandbox) send(ctx context.Context, d *delivery, n int) (int, error) {
	status, err := s.attempt(ctx, d, n)
	rec := &d.rec
	rec.LastStatus, rec.LastError = status, client.RedactURL(errText(err))
	rec.Delivered = err == nil && status >= 200 && status < 300
	if rec.Delivered && d.fault.Duplicate {
		status, err := s.post(ctx, d.url, d.body, d.sig)
		rec.Duplicates++
		s.cfg.Logger.Info("webhook delivered twice (fault webhook=duplicate)", "event", rec.EventID, "status", status, "err", err)
	}
	return status, err
}

// attempt makes one delivery attempt, as the fault says for the first.
func (s *Sandbox) attempt(ctx context.Context, d *delivery, n int) (int, error) {
	switch {
	case n == 1 && d.fault.Drop:
		return 0, errLost
	case n == 1 && d.fault.Corrupt:
		return s.post(ctx, d.url, d.body, wallet.Sign([]byte("not the HMAC key"), d.body))
	}
	return s.post(ctx, d.url, d.body, d.sig)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// webhookTimeout bounds one delivery attempt.
const webhookTimeout = 10 * time.Second

func (s *Sandbox) post(ctx context.Context, url string, body []byte, sig string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wallet.SignatureHeader, sig)
	req.Header.Set("User-Agent", "walletsim-sandbox")
	resp, err := (&http.Client{Transport: s.cfg.WebhookTransport}).Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// deliveryLog is the workspace's recent deliveries, newest first.
func (s *space) deliveryLog() ([]Delivery, error) {
	recs, err := s.store.Deliveries(s.bg(), s.id)
	out := make([]Delivery, len(recs))
	for i, d := range recs {
		out[len(out)-1-i] = Delivery(d)
	}
	return out, err
}
