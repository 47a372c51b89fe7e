// Command hellodeps is the yardstick for what walletsim's dependencies
// cost at start-up: it links and initialises every package walletsim does,
// ours included (TestHelloDepsLinksWhatWalletsimLinks keeps the list
// whole), then does what the small yardsticks do: prints one line for
// --version (as hello), else draws one line with bubbletea until q (as
// hellotea). Go runs every linked package's initialisation before main,
// so walletsim cannot start faster than this without linking less.
package main

import (
	"fmt"
	"os"
	_ "runtime/metrics"

	tea "github.com/charmbracelet/bubbletea"

	_ "github.com/charmbracelet/lipgloss"
	_ "github.com/charmbracelet/lipgloss/table"
	_ "github.com/charmbracelet/x/ansi"
	_ "github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/spf13/cobra"
	_ "github.com/spf13/cobra/doc"
	_ "github.com/walletsim/walletsim/client/sandbox"
	_ "github.com/walletsim/walletsim/client/sandbox/fault"
	_ "github.com/walletsim/walletsim/client/sandbox/store/postgres"
	_ "github.com/walletsim/walletsim/client/sandbox/store/sqlite"
	_ "github.com/walletsim/walletsim/flows"
	_ "github.com/walletsim/walletsim/flows/conformance"
	_ "github.com/walletsim/walletsim/flows/course"
	_ "github.com/walletsim/walletsim/flows/embedded"
	_ "github.com/walletsim/walletsim/flows/matrix"
	_ "github.com/walletsim/walletsim/flows/profile"
	_ "github.com/walletsim/walletsim/flows/runner"
	_ "github.com/walletsim/walletsim/flows/scenario"
	_ "github.com/walletsim/walletsim/tui"
	_ "golang.org/x/term"
)

type model struct{}

func (model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "q" {
		return m, tea.Quit
	}
	return m, nil
}

func (model) View() string { return "Walk through a 3-D Secure journey" }

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println("walletsim dev")
		return
	}
	if _, err := tea.NewProgram(model{}, tea.WithAltScreen()).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
