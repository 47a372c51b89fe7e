// Package styles holds every lipgloss style of the TUI, in one place. With
// NO_COLOR or a colourless terminal, lipgloss renders them without colour;
// the layout stays the same.
package styles

import "github.com/charmbracelet/lipgloss"

// Palette.
var (
	accent = lipgloss.AdaptiveColor{Light: "#5A3FD6", Dark: "#9D8CFF"}
	ok     = lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#3FB950"}
	bad    = lipgloss.AdaptiveColor{Light: "#CF222E", Dark: "#FF6B6B"}
	warn   = lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#E3B341"}
	subtle = lipgloss.AdaptiveColor{Light: "#6E7781", Dark: "#8B949E"}
	border = lipgloss.AdaptiveColor{Light: "#D0D7DE", Dark: "#3D444D"}
)

// Styles are the TUI's styles.
type Styles struct {
	Header, HeaderApp, HeaderInfo lipgloss.Style
	Title, Subtitle, Text, Subtle lipgloss.Style
	Label, Value, Key             lipgloss.Style
	OK, Bad, Warn, Accent         lipgloss.Style
	Box, ActiveBox                lipgloss.Style
	Selected, Unselected          lipgloss.Style
	Phone, PhoneScreen, PhoneBar  lipgloss.Style
	Notification, SMS             lipgloss.Style
	Bank, BankTitle               lipgloss.Style
	Arrow, ArrowActive, Lifeline  lipgloss.Style
	Help                          lipgloss.Style
}

// New returns the default styles.
func New() *Styles {
	s := &Styles{}
	// No background: the styled parts inside would reset it halfway.
	s.Header = lipgloss.NewStyle().Padding(0, 1)
	s.HeaderApp = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.HeaderInfo = lipgloss.NewStyle().Foreground(subtle)
	s.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Subtitle = lipgloss.NewStyle().Bold(true)
	s.Text = lipgloss.NewStyle()
	s.Subtle = lipgloss.NewStyle().Foreground(subtle)
	s.Label = lipgloss.NewStyle().Foreground(subtle)
	s.Value = lipgloss.NewStyle().Bold(true)
	s.Key = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.OK = lipgloss.NewStyle().Foreground(ok).Bold(true)
	s.Bad = lipgloss.NewStyle().Foreground(bad).Bold(true)
	s.Warn = lipgloss.NewStyle().Foreground(warn).Bold(true)
	s.Accent = lipgloss.NewStyle().Foreground(accent)
	s.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border).Padding(0, 1)
	s.ActiveBox = s.Box.BorderForeground(accent)
	s.Selected = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Unselected = lipgloss.NewStyle()
	s.Phone = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(subtle)
	s.PhoneScreen = lipgloss.NewStyle().Padding(0, 1)
	s.PhoneBar = lipgloss.NewStyle().Foreground(subtle)
	s.Notification = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(accent).Padding(0, 1)
	s.SMS = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(border).Padding(0, 1)
	s.Bank = lipgloss.NewStyle().Border(lipgloss.DoubleBorder()).BorderForeground(accent).Padding(0, 1)
	s.BankTitle = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Arrow = lipgloss.NewStyle().Foreground(subtle)
	s.ArrowActive = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Lifeline = lipgloss.NewStyle().Foreground(border)
	s.Help = lipgloss.NewStyle().Padding(0, 1)
	return s
}
