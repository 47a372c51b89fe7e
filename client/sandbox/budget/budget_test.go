package budget_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/walletsim/walletsim/client/sandbox/budget"
)

func TestReserveUpToTheLimit(t *testing.T) {
	b := budget.New(100)
	if err := b.Reserve(60); err != nil {
		t.Fatal(err)
	}
	if err := b.Reserve(40); err != nil {
		t.Fatal("exactly the limit:", err)
	}
	err := b.Reserve(1)
	var full *budget.FullError
	if !errors.As(err, &full) || !errors.Is(err, budget.ErrFull) || *full != (budget.FullError{Limit: 100, Used: 100, Need: 1}) {
		t.Fatalf("over the limit: %v", err)
	}
	if b.Used() != 100 {
		t.Fatalf("a refused reservation counted: %d", b.Used())
	}
	b.Release(60)
	if err := b.Reserve(50); err != nil || b.Used() != 90 {
		t.Fatalf("after a release: %v, used %d", err, b.Used())
	}
	if got := err.Error(); got != "100 B kept of 100 B: 1 B more do not fit" {
		t.Fatalf("message %q", got)
	}
}

func TestNoLimit(t *testing.T) {
	var nilBudget *budget.Budget
	for _, b := range []*budget.Budget{nilBudget, budget.New(0), budget.New(-1)} {
		if err := b.Reserve(1 << 40); err != nil {
			t.Fatal(err)
		}
		b.Release(1 << 40)
	}
}

// TestSubDrawsOnItsParent: a workspace's reservation counts against the
// whole server's too, and either being full refuses it, leaving both as
// they were.
func TestSubDrawsOnItsParent(t *testing.T) {
	global := budget.New(100)
	a, b := global.Sub(70), global.Sub(70)
	if err := a.Reserve(70); err != nil {
		t.Fatal(err)
	}
	if err := a.Reserve(1); !errors.Is(err, budget.ErrFull) {
		t.Fatalf("own limit: %v", err)
	}
	err := b.Reserve(40) // fits b, not the server
	var full *budget.FullError
	if !errors.As(err, &full) || full.Limit != 100 || full.Used != 70 {
		t.Fatalf("parent's limit: %v", err)
	}
	if b.Used() != 0 || global.Used() != 70 {
		t.Fatalf("refused reservation counted: b %d, global %d", b.Used(), global.Used())
	}
	a.Release(70)
	if err := b.Reserve(40); err != nil || global.Used() != 40 {
		t.Fatalf("after a's release: %v, global %d", err, global.Used())
	}
}

// TestConcurrentReservationsNeverOvershoot: run with -race.
func TestConcurrentReservationsNeverOvershoot(t *testing.T) {
	b := budget.New(1000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				if b.Reserve(3) == nil {
					mu.Lock()
					granted += 3
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if granted != 999 || b.Used() != 999 {
		t.Fatalf("granted %d, used %d; want 999", granted, b.Used())
	}
}

func TestSizeString(t *testing.T) {
	for n, want := range map[budget.Size]string{512: "512 B", 12 << 10: "12.0 KiB", 32 << 20: "32.0 MiB", 1536: "1.5 KiB"} {
		if got := n.String(); got != want {
			t.Errorf("%d: %q, want %q", int64(n), got, want)
		}
	}
}
