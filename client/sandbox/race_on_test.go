//go:build race

package sandbox_test

// raceEnabled: the race detector's sync.Pool drops items at random, so
// allocation counts are not the program's own.
const raceEnabled = true
