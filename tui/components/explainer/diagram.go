package explainer

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/styles"
)

// The sequence diagram: the parties' names on top, a lifeline under each,
// and one row per arrow from the sender's lifeline (├ or ┤) to the
// receiver's, its head (▶ or ◀) against the receiver, its label on it:
//
//	Merchant      3DS Server     Directory Server
//	   ├─ authenticate ─▶│               │
//	   │                 ├──── AReq ────▶│
//	   │                 │◀─── ARes ─────┤

const (
	// comfortable is the gap between lifelines that spare room is spread
	// up to, so that a short diagram stays compact on a wide terminal.
	comfortable = 26
	// arrowFrame is what an arrow needs besides its label: the tail, a
	// dash and a space on each side, the head.
	arrowFrame = 6
)

// shortNames are the parties' names when the full ones do not fit.
var shortNames = map[flows.Party]string{
	flows.Cardholder:      "Cardholder",
	flows.Merchant:        "Merchant",
	flows.ThreeDSServer:   "3DS Srv",
	flows.DirectoryServer: "DS",
	flows.ACS:             "ACS",
	flows.Issuer:          "Issuer",
	flows.WalletPlatform:  "Platform",
	flows.Wallet:          "Wallet",
}

// involved lists the parties the arrows involve, in flows.Parties order
// (parties it does not know come last, in order of appearance).
func involved(arrows []flows.Arrow) []flows.Party {
	used := map[flows.Party]bool{}
	var order []flows.Party
	for _, a := range arrows {
		for _, p := range []flows.Party{a.From, a.To} {
			if !used[p] {
				used[p] = true
				order = append(order, p)
			}
		}
	}
	var out []flows.Party
	known := map[flows.Party]bool{}
	for _, p := range flows.Parties {
		known[p] = true
		if used[p] {
			out = append(out, p)
		}
	}
	for _, p := range order {
		if !known[p] {
			out = append(out, p)
		}
	}
	return out
}

// arrowAt is an arrow between party indexes.
type arrowAt struct {
	from, to int
	label    string
}

// plan is where the lifelines go, and the names drawn above them (one or
// two lines each, bottom-aligned).
type plan struct {
	names  [][]string
	x      []int
	fits   bool // the names fit side by side
	short  int  // label columns cut off, over all arrows
	canvas int  // width of the drawing
}

func widest(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}

// leftOf and rightOf are how far a name of width n reaches either side of
// the lifeline it is centred on.
func leftOf(n int) int  { return (n - 1) / 2 }
func rightOf(n int) int { return max(n-1-leftOf(n), 0) }

// layout places the lifelines of parties named names across w columns:
// first enough room for the names, then room for the labels (the most cut
// first), then the rest spread evenly up to a comfortable gap.
func layout(names [][]string, arrows []arrowAt, w int) plan {
	k := len(names)
	p := plan{names: names, x: make([]int, k)}
	wd := nameWidths(names)
	p.x[0] = leftOf(wd[0])
	if k == 1 {
		p.canvas, p.fits = wd[0], wd[0] <= w
		return p
	}
	need := minimalGaps(wd)
	span := w - 1 - rightOf(wd[k-1]) - p.x[0]
	if sum(need) > span {
		return p
	}
	p.fits = true
	gap := spread(need, labelGaps(need, arrows), span-sum(need))
	for i, g := range gap {
		p.x[i+1] = p.x[i] + g
	}
	p.canvas = p.x[k-1] + rightOf(wd[k-1]) + 1
	p.short = cut(p.x, arrows)
	return p
}

// nameWidths is how wide each party's name is (at least 1).
func nameWidths(names [][]string) []int {
	wd := make([]int, len(names))
	for i, n := range names {
		wd[i] = max(widest(n), 1)
	}
	return wd
}

// minimalGaps is the least room between neighbouring lifelines: their
// names side by side, with a margin.
func minimalGaps(wd []int) []int {
	need := make([]int, len(wd)-1)
	for i := range need {
		need[i] = max(rightOf(wd[i])+leftOf(wd[i+1])+3, 4)
	}
	return need
}

// labelGaps is the room each gap would like so that no label is cut: an
// arrow between neighbours wants its gap, and one over several gaps shares
// what it still needs among them.
func labelGaps(need []int, arrows []arrowAt) []int {
	want := append([]int(nil), need...)
	for _, a := range arrows {
		if lo, hi := min(a.from, a.to), max(a.from, a.to); hi-lo == 1 {
			want[lo] = max(want[lo], ansi.StringWidth(a.label)+arrowFrame)
		}
	}
	for _, a := range arrows {
		lo, hi := min(a.from, a.to), max(a.from, a.to)
		if hi-lo < 2 {
			continue
		}
		have := sum(want[lo:hi])
		for d, i := ansi.StringWidth(a.label)+arrowFrame-have, lo; d > 0; d, i = d-1, i+1 {
			if i == hi {
				i = lo
			}
			want[i]++
		}
	}
	return want
}

// spread hands rest spare columns to the gaps, one at a time: first to the
// gap whose labels are cut the most, then to the narrowest, up to a
// comfortable width.
func spread(need, want []int, rest int) []int {
	gap := append([]int(nil), need...)
	for ; rest > 0; rest-- {
		i := mostCut(gap, want)
		if i < 0 {
			break
		}
		gap[i]++
	}
	for ; rest > 0; rest-- {
		i := narrowest(gap)
		if i < 0 {
			break
		}
		gap[i]++
	}
	return gap
}

// mostCut is the gap furthest below what it wants (-1: none is).
func mostCut(gap, want []int) int {
	best := -1
	for i := range gap {
		if want[i] > gap[i] && (best < 0 || want[i]-gap[i] > want[best]-gap[best]) {
			best = i
		}
	}
	return best
}

// narrowest is the narrowest gap below comfortable (-1: none is).
func narrowest(gap []int) int {
	best := -1
	for i := range gap {
		if gap[i] < comfortable && (best < 0 || gap[i] < gap[best]) {
			best = i
		}
	}
	return best
}

// cut is how many label columns the arrows lose at lifelines x.
func cut(x []int, arrows []arrowAt) int {
	n := 0
	for _, a := range arrows {
		if a.from != a.to {
			n += max(0, ansi.StringWidth(a.label)-labelRoom(x[a.from], x[a.to]))
		}
	}
	return n
}

func sum(ns []int) int {
	t := 0
	for _, n := range ns {
		t += n
	}
	return t
}

// labelRoom is how wide a label can be on an arrow between lifelines at xa
// and xb: with a space either side, between tail and head. (The layout
// asks for a dash more on each side.)
func labelRoom(xa, xb int) int {
	d := xb - xa
	if d < 0 {
		d = -d
	}
	return d - 4
}

// twoLines splits a name at the space nearest its middle.
func twoLines(name string) []string {
	best := -1
	for i, r := range name {
		if r == ' ' && (best < 0 || abs(2*i-len(name)) < abs(2*best-len(name))) {
			best = i
		}
	}
	if best < 0 {
		return []string{name}
	}
	return []string{name[:best], name[best+1:]}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// choose picks how to name the parties: full names on one line, or on two
// (whichever cuts the labels less, one line when equal), else short names,
// else short names cut to fit. ok is false when even that does not fit.
func choose(parties []flows.Party, arrows []arrowAt, w int) (plan, bool) {
	named := func(name func(flows.Party) []string) [][]string {
		out := make([][]string, len(parties))
		for i, p := range parties {
			out[i] = name(p)
		}
		return out
	}
	full := layout(named(func(p flows.Party) []string { return []string{string(p)} }), arrows, w)
	split := layout(named(func(p flows.Party) []string { return twoLines(string(p)) }), arrows, w)
	switch {
	case full.fits && (!split.fits || full.short <= split.short):
		return full, true
	case split.fits:
		return split, true
	}
	short := func(p flows.Party) string {
		if s, ok := shortNames[p]; ok {
			return s
		}
		return string(p)
	}
	if p := layout(named(func(p flows.Party) []string { return []string{short(p)} }), arrows, w); p.fits {
		return p, true
	}
	k := len(parties)
	cut := (w - 1 - 2*(k-1)) / k
	if cut < 1 {
		return plan{}, false
	}
	p := layout(named(func(p flows.Party) []string { return []string{ansi.Truncate(short(p), cut, "")} }), arrows, w)
	return p, p.fits
}

// cell is one column of a row of the drawing.
type cell struct {
	s  string // "" for the second column of a wide character
	st int
}

const (
	stNone = iota
	stName
	stLife
	stArrow
)

// put writes text into row from column at (clipped to the row).
func put(row []cell, at int, text string, st int) {
	for _, r := range text {
		if at >= len(row) {
			return
		}
		rw := ansi.StringWidth(string(r))
		if rw == 0 {
			continue
		}
		if at >= 0 && at+rw <= len(row) {
			row[at] = cell{string(r), st}
			for j := 1; j < rw; j++ {
				row[at+j] = cell{"", st}
			}
		}
		at += rw
	}
}

// diagram draws arrows as a sequence diagram at most w columns wide, in
// the active style while the step is in progress. When even short names do
// not fit, it lists the arrows instead.
func diagram(s *styles.Styles, arrows []flows.Arrow, active bool, w int) []string {
	parties := involved(arrows)
	index := map[flows.Party]int{}
	for i, p := range parties {
		index[p] = i
	}
	at := make([]arrowAt, len(arrows))
	for i, a := range arrows {
		at[i] = arrowAt{index[a.From], index[a.To], a.Label}
	}
	arrowStyle := s.Arrow
	if active {
		arrowStyle = s.ArrowActive
	}
	p, ok := choose(parties, at, w)
	if !ok {
		return list(arrowStyle, arrows, w)
	}

	rows := 0
	for _, n := range p.names {
		rows = max(rows, len(n))
	}
	var out []string
	for r := 0; r < rows; r++ {
		row := blank(p.canvas)
		for i, n := range p.names {
			if j := r - (rows - len(n)); j >= 0 {
				put(row, p.x[i]-leftOf(ansi.StringWidth(n[j])), n[j], stName)
			}
		}
		out = append(out, render(s, arrowStyle, row))
	}
	for _, a := range at {
		row := blank(p.canvas)
		for _, x := range p.x {
			row[x] = cell{"│", stLife}
		}
		drawArrow(row, p.x, a)
		out = append(out, render(s, arrowStyle, row))
	}
	return out
}

func blank(n int) []cell {
	row := make([]cell, n)
	for i := range row {
		row[i] = cell{" ", stNone}
	}
	return row
}

// drawArrow draws a onto row: its tail on the sender's lifeline, its head
// against the receiver's, its label centred on the shaft.
func drawArrow(row []cell, x []int, a arrowAt) {
	xa, xb := x[a.from], x[a.to]
	if xa == xb { // a party talking to itself: a note beside its lifeline
		end := len(row)
		for _, o := range x {
			if o > xa && o < end {
				end = o
			}
		}
		put(row, xa, "├─ "+ansi.Truncate(a.label, max(end-xa-4, 0), "…"), stArrow)
		return
	}
	lo, hi := min(xa, xb), max(xa, xb)
	for c := lo + 1; c < hi; c++ {
		row[c] = cell{"─", stArrow}
	}
	var first int // the shaft between tail and head: [first, first+n)
	if xa < xb {
		row[xa], row[xb-1] = cell{"├", stArrow}, cell{"▶", stArrow}
		first = xa + 1
	} else {
		row[xa], row[xb+1] = cell{"┤", stArrow}, cell{"◀", stArrow}
		first = xb + 2
	}
	n := hi - lo - 2
	room := labelRoom(xa, xb)
	if room < 3 || a.label == "" {
		return
	}
	label := " " + ansi.Truncate(a.label, room, "…") + " "
	put(row, first+(n-ansi.StringWidth(label))/2, label, stArrow)
}

// render turns a row into styled text, without trailing blanks.
func render(s *styles.Styles, arrow lipgloss.Style, row []cell) string {
	end := len(row)
	for end > 0 && row[end-1].st == stNone && row[end-1].s == " " {
		end--
	}
	var b strings.Builder
	for i := 0; i < end; {
		j := i
		var run strings.Builder
		for j < end && row[j].st == row[i].st {
			run.WriteString(row[j].s)
			j++
		}
		switch row[i].st {
		case stName:
			b.WriteString(s.Subtitle.Render(run.String()))
		case stLife:
			b.WriteString(s.Lifeline.Render(run.String()))
		case stArrow:
			b.WriteString(arrow.Render(run.String()))
		default:
			b.WriteString(run.String())
		}
		i = j
	}
	return b.String()
}

// list is the diagram's fallback on a very narrow pane: one line per
// arrow, "Merchant → 3DS Server: AReq".
func list(arrow lipgloss.Style, arrows []flows.Arrow, w int) []string {
	var out []string
	for _, a := range arrows {
		text := string(a.From) + " → " + string(a.To) + ": " + a.Label
		out = append(out, strings.Split(block(arrow.Render(text), w), "\n")...)
	}
	return out
}
