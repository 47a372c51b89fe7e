// Package budget accounts for the bytes a server keeps, so that what it
// keeps is bounded in bytes rather than in items: a thousand records of a
// kilobyte and ten of a hundred kilobytes weigh the same.
//
// A Budget is a limit and a running total. A store calls Reserve before it
// keeps something and Release when it lets it go; Reserve refuses, with a
// *FullError, what would take the total over the limit. A Budget made with
// Sub draws on its parent too, so that one workspace's budget and the
// whole server's are both kept by one call.
//
// Sizes are estimates (see Strings): what counts is that every kept byte
// that a client chose is counted, and that the estimate never shrinks
// between Reserve and Release.
package budget

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// Budget is a limit on kept bytes and how many are kept. The zero value
// and a nil *Budget have no limit. It is safe for concurrent use.
type Budget struct {
	limit  int64 // 0: none
	used   atomic.Int64
	parent *Budget
	name   string // what FullError.Budget says
}

// New makes a budget of limit bytes; 0 or less means no limit.
func New(limit int64) *Budget {
	return &Budget{limit: max(limit, 0)}
}

// Sub makes a budget of limit bytes whose reservations also draw on b: a
// reservation succeeds only when both have room.
func (b *Budget) Sub(limit int64) *Budget {
	return &Budget{limit: max(limit, 0), parent: b}
}

// Named gives b the name a *FullError it refuses with carries, and
// returns it. Call it before b is shared.
func (b *Budget) Named(name string) *Budget {
	b.name = name
	return b
}

// ErrFull is what a *FullError is (errors.Is).
var ErrFull = errors.New("budget full")

// FullError is a reservation refused: Need more bytes did not fit in the
// budget whose Limit and Used are given (the parent's, when it was the
// parent that was full), named Budget (see Named).
type FullError struct {
	Budget            string
	Limit, Used, Need int64
}

func (e *FullError) Error() string {
	return fmt.Sprintf("%s kept of %s: %s more do not fit", Size(e.Used), Size(e.Limit), Size(e.Need))
}

func (e *FullError) Is(target error) bool { return target == ErrFull }

// Reserve counts n more bytes as kept, or refuses them with a *FullError
// and counts nothing.
func (b *Budget) Reserve(n int64) error {
	if b == nil || n <= 0 {
		return nil
	}
	if err := b.take(n); err != nil {
		return err
	}
	if err := b.parent.Reserve(n); err != nil {
		b.used.Add(-n)
		return err
	}
	return nil
}

// take adds n to this budget alone, if it fits.
func (b *Budget) take(n int64) error {
	for {
		used := b.used.Load()
		if b.limit > 0 && used+n > b.limit {
			return &FullError{Budget: b.name, Limit: b.limit, Used: used, Need: n}
		}
		if b.used.CompareAndSwap(used, used+n) {
			return nil
		}
	}
}

// Release gives back n bytes reserved earlier.
func (b *Budget) Release(n int64) {
	for ; b != nil && n > 0; b = b.parent {
		b.used.Add(-n)
	}
}

// Used is how many bytes are kept.
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	return b.used.Load()
}

// Limit is the budget's limit, 0 for none.
func (b *Budget) Limit() int64 {
	if b == nil {
		return 0
	}
	return b.limit
}

// Strings is the bytes of the strings' contents, the part of a record a
// client chooses; add a record's fixed cost to it.
func Strings(ss ...string) int64 {
	var n int64
	for _, s := range ss {
		n += int64(len(s))
	}
	return n
}

// Size is n bytes for people: 512 B, 12.0 KiB, 32.0 MiB.
type Size int64

func (n Size) String() string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", int64(n))
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}
