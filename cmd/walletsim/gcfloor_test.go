package main

import (
	"runtime"
	"testing"
)

// heapGoal is the runtime's next heap goal at GOGC p for a live heap
// (stacks and globals left out): the larger of its heap minimum and live ×
// (1 + p/100).
func heapGoal(p int, live uint64) uint64 {
	return max(runtimeHeapMinimum*uint64(p)/100, live+live*uint64(p)/100)
}

func TestFloorPercent(t *testing.T) {
	const floor = 6 << 20
	for _, live := range []uint64{0, 1, 300 << 10, 2 << 20, 4 << 20, 5 << 20, 6 << 20, 20 << 20} {
		want := max(floor, live+live/2)
		p := floorPercent(50, floor, live)
		got := heapGoal(p, live)
		// An integer percentage rounds the goal down by under 1 % of live.
		if p < 50 || got > want || got+live/100+1 < want {
			t.Errorf("live %d: GOGC %d gives a heap goal of %d, want %d", live, p, got, want)
		}
	}
}

// TestGCFloorFollowsCollections: after a collection the floor sets the
// GOGC again from the live heap it measured, until stopped, and stop puts
// back what there was.
func TestGCFloorFollowsCollections(t *testing.T) {
	const prevGOGC = 12345    // what the fake reports there was
	set := make(chan int, 64) // a send per collection: far more room than the test needs
	g := &gcFloor{percent: 50, floor: 6 << 20, set: func(p int) int {
		if p == prevGOGC {
			set <- p // stop's: the test waits for it
			return prevGOGC
		}
		select {
		case set <- p:
		default: // a collection the test does not wait for
		}
		return prevGOGC
	}}
	stop := g.start()
	if p := <-set; p != floorPercent(50, 6<<20, 0) {
		t.Errorf("at start: GOGC %d, want %d", p, floorPercent(50, 6<<20, 0))
	}
	runtime.GC()
	if p := <-set; p < 50 {
		t.Errorf("after a collection: GOGC %d, want at least 50", p)
	}
	stop()
	for p := range set { // what was set before stop, then the GOGC there was
		if p == prevGOGC {
			break
		}
	}
	runtime.GC()
	runtime.GC()
	select {
	case p := <-set:
		t.Errorf("after stop: GOGC set to %d", p)
	default:
	}
}
