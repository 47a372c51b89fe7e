package tui_test

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/flows/embedded"
	"github.com/walletsim/walletsim/tui"
)

// BenchmarkFirstFrame is the TUI's share of what a person waits for when
// walletsim starts (cmd/walletsim's BenchmarkStartupToFirstFrame measures
// the whole binary): the app made on a session, sized, and drawn once.
func BenchmarkFirstFrame(b *testing.B) {
	sink, events := tui.Sink()
	sess, err := embedded.Open(context.Background(), flows.SandboxTarget(), flows.Options{Sink: sink})
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	for b.Loop() {
		app := tui.New(tui.Options{Session: sess, Events: events})
		app.Init()
		app.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if app.View() == "" {
			b.Fatal("nothing drawn")
		}
		app.Close()
	}
}
