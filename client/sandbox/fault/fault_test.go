package fault_test

import (
	"testing"
	"time"

	"github.com/walletsim/walletsim/client/sandbox/fault"
)

func TestParse(t *testing.T) {
	for spec, want := range map[string]fault.Spec{
		"":                     {},
		"latency=250ms":        {Latency: 250 * time.Millisecond},
		"status=503, rate=0.5": {Status: 503, Rate: 0.5},
		"drop":                 {Drop: true},
		"DROP":                 {Drop: true},
		"timeout,latency=1s":   {Timeout: true, Latency: time.Second},
		"webhook=duplicate":    {Webhook: fault.Webhook{Duplicate: true}},
		"webhook=delay:30s":    {Webhook: fault.Webhook{Delay: 30 * time.Second}},
		"webhook=reorder":      {Webhook: fault.Webhook{Reorder: true}},
		"webhook=drop":         {Webhook: fault.Webhook{Drop: true}},
		"webhook=corrupt":      {Webhook: fault.Webhook{Corrupt: true}},
		"webhook=ROTATE":       {Webhook: fault.Webhook{Rotate: true}},
		"webhook=drop,webhook=duplicate,latency=1s": {Latency: time.Second, Webhook: fault.Webhook{Drop: true, Duplicate: true}},
		"status=503,webhook=corrupt":                {Status: 503, Webhook: fault.Webhook{Corrupt: true}},
	} {
		got, err := fault.Parse(spec)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", spec, got, err, want)
		}
		if again, err := fault.Parse(got.String()); spec != "" && (err != nil || again != got) {
			t.Errorf("String() of %q does not parse back: %q → %#v, %v", spec, got.String(), again, err)
		}
	}
	for _, bad := range []string{"status=404", "latency=fast", "latency=-1s", "rate=2", "rate=0", "explode",
		"rate=0.5", "drop=yes", "timeout=", "status=503,drop", "drop,timeout", "DROP=1", "latency=6m", "status=abc",
		"webhook", "webhook=", "webhook=explode", "webhook=delay", "webhook=delay:fast", "webhook=delay:10m", "webhook=delay:-1s",
		"webhook=drop:1", "webhook=duplicate:2"} {
		if _, err := fault.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// FuzzParse: whatever a header says, Parse never panics, and a spec it
// accepts is written back as one that parses to the same faults.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"latency=1s,status=503,rate=0.5", "webhook=delay:30s,webhook=duplicate", "webhook=rotate,drop", "webhook=", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := fault.Parse(spec)
		if err != nil {
			return
		}
		again, err := fault.Parse(got.String())
		if got.String() != "none" && (err != nil || again != got) {
			t.Fatalf("%q → %q → %#v, %v", spec, got.String(), again, err)
		}
	})
}

// TestWebhookFaultsLeaveTheAnswerAlone: a spec of webhook items only is
// no fault on the request's own answer.
func TestWebhookFaultsLeaveTheAnswerAlone(t *testing.T) {
	f, err := fault.Parse("webhook=duplicate,webhook=delay:1s,webhook=reorder,webhook=drop,webhook=corrupt,webhook=rotate")
	if err != nil || f.Active() || !f.Webhook.Active() {
		t.Fatalf("%#v %v", f, err)
	}
}
