// Package resultcard renders a step's result: its status, the values that
// matter, errors in plain words with the API's code and bad fields, and
// what transStatus, ECI and CAVV mean when they appear.
package resultcard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/walletsim/walletsim/flows"
	"github.com/walletsim/walletsim/tui/styles"
)

// Render draws r under title, width columns wide.
func Render(s *styles.Styles, title string, r flows.Result, width int) string {
	inner := max(width-4, 20)
	var b strings.Builder
	mark, markStyle := "✓", s.OK
	switch {
	case r.Cancelled, r.Skipped:
		mark, markStyle = "–", s.Warn
	case !r.OK:
		mark, markStyle = "✗", s.Bad
	}
	b.WriteString(s.Subtitle.Render(title) + "\n")
	b.WriteString(lipgloss.NewStyle().Width(inner).Render(markStyle.Render(mark)+" "+r.Summary) + "\n")
	if r.HTTPStatus != 0 || r.ErrorCode != "" {
		line := ""
		if r.HTTPStatus != 0 {
			line = fmt.Sprintf("HTTP %d", r.HTTPStatus)
		}
		if r.ErrorCode != "" {
			line += "  ·  code " + r.ErrorCode
		}
		b.WriteString(s.Subtle.Render(line) + "\n")
	}
	if len(r.FieldErrors) > 0 {
		b.WriteString(s.Bad.Render("Fields to fix:") + "\n")
		for _, f := range r.FieldErrors {
			b.WriteString(lipgloss.NewStyle().Width(inner).Render("  "+s.Value.Render(f.Field)+": "+f.Message) + "\n")
		}
	}
	if len(r.Fields) > 0 {
		b.WriteString("\n" + Fields(s, r.Fields, inner))
	}
	if m := Meaning(r); m != "" {
		b.WriteString("\n" + lipgloss.NewStyle().Width(inner).Render(s.Subtle.Render(m)))
	}
	box := s.Box
	if r.OK {
		box = s.ActiveBox
	}
	return box.Width(width - 2).Render(strings.TrimRight(b.String(), "\n"))
}

// Fields draws label/value pairs in two aligned columns, values wrapped.
func Fields(s *styles.Styles, fields []flows.Field, width int) string {
	labelW := 0
	for _, f := range fields {
		labelW = max(labelW, lipgloss.Width(f.Label))
	}
	labelW = min(labelW, 20)
	var b strings.Builder
	for _, f := range fields {
		label := s.Label.Width(labelW + 2).Render(f.Label)
		value := lipgloss.NewStyle().Width(max(width-labelW-2, 10)).Render(s.Value.Render(f.Value))
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, label, value) + "\n")
	}
	return b.String()
}

// Meaning explains the 3DS values a result carries, for someone learning.
func Meaning(r flows.Result) string {
	var parts []string
	if r.ECI != "" {
		parts = append(parts, "ECI "+r.ECI+": the Electronic Commerce Indicator the merchant sends with the payment, telling the network how the cardholder was authenticated.")
	}
	if r.CAVV != "" {
		parts = append(parts, "CAVV: the issuer's cryptographic proof of the authentication (Cardholder Authentication Verification Value).")
	}
	return strings.Join(parts, " ")
}
