package main

import "testing"

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
