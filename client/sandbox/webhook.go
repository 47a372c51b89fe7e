package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/walletsim/walletsim/client"
	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox/fault"
	"github.com/walletsim/walletsim/client/wallet"
)

// The wallet platform's webhook: each ThreeDSecureEvent is delivered in
// the background, signed, retried with doubling backoff on the sandbox's
// clock (so that on a virtual clock no delivery sleeps), and made to
// misbehave as its fault.Webhook says.

// webhookTarget is where events go, and the keys that sign them.
type webhookTarget struct {
	URL string
	Key []byte
	// OldKey still signs, beside Key, until OldUntil: a key rotation's
	// overlap, during which a wallet with either key accepts the events.
	OldKey   []byte
	OldUntil time.Time
}

// keys are the keys that sign at now, the newest first.
func (t webhookTarget) keys(now time.Time) [][]byte {
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

// SetWebhook points event delivery at url, signed with key.
func (s *Sandbox) SetWebhook(url string, key []byte) {
	s.mu.Lock()
	s.webhook = webhookTarget{URL: url, Key: bytes.Clone(key)}
	s.mu.Unlock()
}

// setWebhook points event delivery at url, signed with key; with an
// overlap, a key different from the current one is a rotation (see
// RotateWebhookKey).
func (s *Sandbox) setWebhook(url string, key []byte, overlap time.Duration) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t := webhookTarget{URL: url, Key: bytes.Clone(key)}
	if overlap > 0 && !bytes.Equal(s.webhook.Key, key) {
		t.OldKey, t.OldUntil = s.webhook.Key, now.Add(overlap)
	}
	s.webhook = t
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

// RotateWebhookKey makes key the signing key; the previous one keeps
// signing beside it for overlap (on the sandbox's clock), so that wallets
// can move to the new key without missing an event.
func (s *Sandbox) RotateWebhookKey(key []byte, overlap time.Duration) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook.OldKey, s.webhook.OldUntil = s.webhook.Key, now.Add(overlap)
	s.webhook.Key = bytes.Clone(key)
}

// webhookFaultFor is how the event an API request causes is delivered:
// as the request's fault header says, else as the sandbox's faults say.
func (s *Sandbox) webhookFaultFor(r *http.Request) fault.Webhook {
	f, err := s.faultsFor(r)
	if err != nil { // withFaults refused the request already
		return fault.Webhook{}
	}
	return f.Webhook
}

// delivery is one event on its way.
type delivery struct {
	rec   *Delivery
	url   string
	body  []byte
	sig   string // the Signature header: correct, whatever the fault
	fault fault.Webhook
}

// errLost is a delivery attempt the drop fault lost on the way.
var errLost = errors.New("lost on the way (fault webhook=drop); the platform will redeliver")

// sendEvent delivers ev as wf says: in the background, or on a virtual
// clock before the request that caused it answers (see flushWebhooks). The
// caller holds s.mu.
func (s *Sandbox) sendEvent(ev wallet.Event, wf fault.Webhook) {
	target := s.webhook
	rec := &Delivery{EventID: ev.ID, Auth3dsID: ev.Auth3dsID, URL: client.RedactURL(target.URL), UpdatedAt: ev.Timestamp.Time}
	if wf.Active() {
		rec.Fault = wf.String()
	}
	s.deliveries = append(s.deliveries, rec)
	if len(s.deliveries) > maxDeliveries {
		s.deliveries = s.deliveries[len(s.deliveries)-maxDeliveries:]
	}
	if target.URL == "" {
		rec.LastError = "no webhook URL configured; the wallet can list pending authentications instead"
		return
	}
	body, _ := marshal(ev)
	keys := target.keys(ev.Timestamp.Time)
	if wf.Rotate {
		keys = append([][]byte{rotatedKey(target.Key)}, keys...)
	}
	d := &delivery{rec: rec, url: target.URL, body: body, sig: wallet.SignAll(body, keys...), fault: wf}
	if wf.Reorder {
		s.hold(d)
		return
	}
	// Events held back for reordering go right after this one.
	after := s.held
	s.held = nil
	run := func() {
		s.deliver(d)
		for _, h := range after {
			s.deliver(h)
		}
	}
	if clock.IsVirtual(s.cfg.Clock) {
		s.outbox = append(s.outbox, run)
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		run()
	}()
}

// flushWebhooks makes the deliveries sendEvent left for the request that
// caused them, before it answers. On a virtual clock every wait of a
// delivery (delay, backoff) takes no time, so it can be made at once; made
// in the background it would race the client's next steps, and a
// duplicate's second delivery, a redelivery, would land anywhere in a
// transcript. On a real clock deliveries run in the background. The
// caller does not hold s.mu.
func (s *Sandbox) flushWebhooks() {
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

// hold keeps d back until the next event is sent. On a real clock it goes
// after fault.ReorderHold if none comes; on a virtual clock nothing but
// the next event releases it (waiting would move the clock at once). The
// caller holds s.mu.
func (s *Sandbox) hold(d *delivery) {
	s.held = append(s.held, d)
	if clock.IsVirtual(s.cfg.Clock) {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if clock.Sleep(s.ctx, s.cfg.Clock, fault.ReorderHold) != nil {
			return
		}
		s.mu.Lock()
		i := slices.Index(s.held, d)
		if i >= 0 {
			s.held = slices.Delete(s.held, i, i+1)
		}
		s.mu.Unlock()
		if i >= 0 {
			s.deliver(d)
		}
	}()
}

// deliver runs d's attempts until one is acknowledged or the retries run
// out, each wait on the sandbox's clock.
func (s *Sandbox) deliver(d *delivery) {
	if d.fault.Delay > 0 && clock.Sleep(s.ctx, s.cfg.Clock, d.fault.Delay) != nil {
		return
	}
	wait := s.cfg.WebhookBackoff
	for attempt := 1; attempt <= 1+s.cfg.WebhookRetries; attempt++ {
		status, err := s.attempt(d, attempt)
		if s.record(d, attempt, status, err) {
			if d.fault.Duplicate {
				status, err := s.post(d.url, d.body, d.sig)
				s.mu.Lock()
				d.rec.Duplicates++
				s.mu.Unlock()
				s.cfg.Logger.Info("webhook delivered twice (fault webhook=duplicate)", "event", d.rec.EventID, "status", status, "err", err)
			}
			return
		}
		s.cfg.Logger.Warn("webhook delivery failed", "event", d.rec.EventID, "url", d.rec.URL, "attempt", attempt, "status", status,
			"err", client.RedactURL(errText(err)))
		if attempt > s.cfg.WebhookRetries || clock.Sleep(s.ctx, s.cfg.Clock, wait) != nil {
			return
		}
		wait *= 2
	}
}

// attempt makes one delivery attempt, as the fault says for the first.
func (s *Sandbox) attempt(d *delivery, n int) (int, error) {
	switch {
	case n == 1 && d.fault.Drop:
		return 0, errLost
	case n == 1 && d.fault.Corrupt:
		return s.post(d.url, d.body, wallet.Sign([]byte("not the HMAC key"), d.body))
	}
	return s.post(d.url, d.body, d.sig)
}

// record notes an attempt's outcome and reports whether it was delivered.
func (s *Sandbox) record(d *delivery, attempt, status int, err error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := d.rec
	rec.Attempts, rec.LastStatus, rec.UpdatedAt = attempt, status, s.now()
	rec.LastError = client.RedactURL(errText(err))
	rec.Delivered = err == nil && status >= 200 && status < 300
	return rec.Delivered
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// webhookTimeout bounds one delivery attempt.
const webhookTimeout = 10 * time.Second

func (s *Sandbox) post(url string, body []byte, sig string) (int, error) {
	ctx, cancel := context.WithTimeout(s.ctx, webhookTimeout)
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

// deliveryLog is a copy of the recent deliveries, newest first.
func (s *Sandbox) deliveryLog() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, len(s.deliveries))
	for i, d := range s.deliveries {
		out[len(out)-1-i] = *d
	}
	return out
}
