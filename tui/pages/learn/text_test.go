package learn

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/walletsim/walletsim/tui/styles"
)

// TestRenderLists: each item of a "- " or "1. " list starts a line of its
// own, and its wrapped lines are indented under its text (lesson 3's
// steps once ran together into one paragraph).
func TestRenderLists(t *testing.T) {
	lipgloss.SetColorProfile(termenv.Ascii)
	md := "Steps:\n\n1. The merchant's page builds a CReq and\n   posts it.\n2. The ACS shows its page.\n10. Last.\n\n- a bullet that is long enough to wrap here\n- another\n"
	got := strings.Join(render(styles.New(), md, 30), "\n")
	want := `Steps:

1. The merchant's page builds
   a CReq and posts it.
2. The ACS shows its page.
10. Last.

• a bullet that is long enough
  to wrap here
• another`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
