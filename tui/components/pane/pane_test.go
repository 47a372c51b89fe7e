package pane

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/tui/styles"
)

// TestMoreLineStays: a window always shows exactly h lines, the last one
// saying there is more — even when a line is wider than the window (it is
// cut, never wrapped into the rows below).
func TestMoreLineStays(t *testing.T) {
	m := New(styles.New(), "pgdn")
	m.SetSize(20, 5)
	content := strings.Repeat("a line much wider than twenty columns\n", 3) + "4\n5\n6\n7"
	v := m.View(content)
	lines := strings.Split(v, "\n")
	if len(lines) != 5 || !strings.Contains(lines[4], "↓ more below") {
		t.Fatalf("%q", lines)
	}
	for _, l := range lines {
		if lipgloss.Width(l) != 20 {
			t.Fatalf("a line is %d wide: %q", lipgloss.Width(l), l)
		}
	}
	m.Scroll(100, content)
	if v := m.View(content); !strings.Contains(v, "7") || !strings.Contains(v, "↑ more above") {
		t.Fatalf("%q", v)
	}
}
