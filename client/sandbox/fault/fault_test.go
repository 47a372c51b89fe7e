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
		"rate=0.5", "drop=yes", "timeout=", "status=503,drop", "drop,timeout", "DROP=1", "latency=6m", "status=abc"} {
		if _, err := fault.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
