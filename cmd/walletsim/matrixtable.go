package main

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
	"github.com/muesli/termenv"

	"github.com/walletsim/walletsim/client/threeds"
	"github.com/walletsim/walletsim/flows/matrix"
)

// matrixTable draws the grid: a row per card, channel and enrollment, a
// column per challenge preference. A cell that differs from the table is
// marked ✗ (and red, in colour) and shows what came instead. A width
// above 0 is the terminal's: a wider table wraps its cells to fit.
func matrixTable(rep *matrix.Report, color bool, width int) string {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	if color {
		r.SetColorProfile(termenv.ANSI256)
	}
	var (
		base   = r.NewStyle().Padding(0, 1)
		head   = base.Bold(true)
		red    = base.Foreground(lipgloss.Color("9")).Bold(true)
		faint  = base.Faint(true)
		border = r.NewStyle().Faint(true)
	)
	const labels = 3 // card, channel, enrolled
	headers := []string{"card", "channel", "enrolled"}
	for _, p := range threeds.ChallengePreferences {
		headers = append(headers, string(p))
	}
	rows := matrix.Grid(rep)
	red4 := map[[2]int]bool{}
	data := make([][]string, len(rows))
	for i, row := range rows {
		// A card's rows: its number on the first, what it forces on the
		// second.
		card := ""
		switch {
		case i == 0 || rows[i-1].Card != row.Card:
			card = row.Card.PAN
		case i == 1 || rows[i-2].Card != row.Card:
			card = matrix.CardName(row.Card.Outcome)
		}
		enrolled := "no"
		if row.Enrolled {
			enrolled = "yes"
		}
		line := []string{card, string(row.Channel), enrolled}
		for j, c := range row.Cells {
			text := c.Got.Short()
			if !c.OK() {
				text = "✗ " + text
				red4[[2]int{i, labels + j}] = true
			}
			line = append(line, text)
		}
		data[i] = line
	}
	t := table.New().Border(lipgloss.NormalBorder()).BorderStyle(border).Headers(headers...).Rows(data...).
		BorderRow(false).BorderColumn(true).
		StyleFunc(func(row, col int) lipgloss.Style {
			switch {
			case row == table.HeaderRow:
				return head
			case red4[[2]int{row, col}]:
				return red
			case col > 0 && col < labels:
				return faint
			}
			return base
		})
	if width > 0 && lipgloss.Width(t.Render()) > width {
		t.Width(width) // wrap the cells rather than the terminal the lines
	}
	return t.Render()
}
