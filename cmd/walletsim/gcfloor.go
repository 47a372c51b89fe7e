package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A GOGC alone sets the heap goal as a share of the live heap, and scales
// Go's 4 MB heap minimum with it: at GOGC=50 a sandbox whose live heap is
// under 1 MB (issuing reads, which keep nothing) collects every 2 MB of
// garbage, 78 times a second under load, for a quarter of its CPU. A floor
// lets the heap reach floor bytes before a collection, or grow by percent
// over the live heap when that is more: the peak, set by the largest live
// heap, stays where GOGC alone puts it, and a small live heap is not
// collected over and over.

// runtimeHeapMinimum is the Go runtime's smallest heap goal at GOGC=100;
// it scales with GOGC (runtime/mgcpacer.go, defaultHeapMinimum).
const runtimeHeapMinimum = 4 << 20

// floorPercent is the GOGC whose next heap goal is max(floor, live ×
// (1 + percent/100)): the runtime's goal is the larger of its heap minimum
// and live × (1 + GOGC/100), so neither may pass the floor when the floor
// is the larger.
func floorPercent(percent int, floor, live uint64) int {
	p := int(floor * 100 / runtimeHeapMinimum) // the heap minimum at the floor
	if live > 0 {
		if live >= floor {
			return percent
		}
		p = min(p, int((floor-live)*100/live))
	}
	return max(percent, p)
}

// gcFloor keeps the GOGC at floorPercent of the live heap measured by each
// collection, from the end of one to the start of the next.
type gcFloor struct {
	percent int
	floor   uint64
	set     func(percent int) int // debug.SetGCPercent; a test's own in tests

	mu      sync.Mutex // guards stopped and the GOGC it sets
	stopped bool
	sample  []metrics.Sample
}

// startGCFloor sets the GOGC for percent and floor until stop, which puts
// back the GOGC there was.
func startGCFloor(percent int, floor uint64) (stop func()) {
	return (&gcFloor{percent: percent, floor: floor, set: debug.SetGCPercent}).start()
}

func (g *gcFloor) start() (stop func()) {
	g.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	prev := g.set(floorPercent(g.percent, g.floor, 0))
	g.arm()
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.stopped = true
		g.set(prev)
	}
}

// gcSentinel is garbage from birth: its cleanup runs after the first
// collection that finds it, which is how g hears of each collection. It
// is 16 bytes so as not to share a tiny-allocation block with others.
type gcSentinel [2]uint64

func (g *gcFloor) arm() {
	runtime.AddCleanup(new(gcSentinel), (*gcFloor).collected, g)
}

func (g *gcFloor) collected() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	metrics.Read(g.sample)
	if g.sample[0].Value.Kind() == metrics.KindUint64 {
		g.set(floorPercent(g.percent, g.floor, g.sample[0].Value.Uint64()))
	}
	g.arm()
}
