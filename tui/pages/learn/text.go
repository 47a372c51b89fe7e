package learn

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/walletsim/walletsim/tui/styles"
)

// The lessons use a small part of Markdown (the course's parser keeps
// their lines within course.MaxWidth): headings, paragraphs, "- " and
// "1. " lists,
// indented blocks for diagrams and tables, **strong** and *emphasis*.
// Rendering that much here, wrapped to the screen, keeps the course
// readable at 60 columns and with NO_COLOR without a Markdown renderer
// and its styles as a dependency.

var (
	strong   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	numbered = regexp.MustCompile(`^\d{1,2}\. `)
	emphasis = regexp.MustCompile(`\*([^*\s][^*]*)\*`)
)

// render turns a lesson's Markdown into lines at most width columns wide.
func render(s *styles.Styles, md string, width int) []string {
	var out []string
	var para []string
	marker := "" // "- " or "1. " when para is a list item
	flush := func() {
		if len(para) == 0 {
			return
		}
		text := inline(s, strings.Join(para, " "))
		first, indent := marker, len(marker) // the item's marker, then its text's column
		if marker == "- " {
			first = "• "
		}
		wrapped := lipgloss.NewStyle().Width(max(width-indent, 10)).Render(text)
		for i, l := range strings.Split(wrapped, "\n") {
			l = strings.TrimRight(l, " ")
			if i == 0 {
				l = first + l
			} else {
				l = strings.Repeat(" ", indent) + l
			}
			out = append(out, l)
		}
		para, marker = nil, ""
	}
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
		case strings.HasPrefix(line, "    "): // a diagram or a table, as written
			flush()
			out = append(out, s.Accent.Render(ansi.Truncate("  "+strings.TrimPrefix(line, "    "), width, "…")))
		case strings.HasPrefix(line, "#"):
			flush()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			text := strings.TrimSpace(line[level:])
			style := s.Subtitle
			if level == 1 {
				style = s.Title
			}
			out = append(out, style.Render(ansi.Truncate(text, width, "…")))
		case strings.HasPrefix(line, "- "):
			flush()
			para, marker = []string{strings.TrimPrefix(line, "- ")}, "- "
		case numbered.MatchString(line):
			flush()
			m := numbered.FindString(line)
			para, marker = []string{strings.TrimPrefix(line, m)}, m
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// inline renders **strong** and *emphasis* (which has no style of its
// own: the asterisks go).
func inline(s *styles.Styles, text string) string {
	text = strong.ReplaceAllStringFunc(text, func(m string) string { return s.Value.Render(m[2 : len(m)-2]) })
	return emphasis.ReplaceAllString(text, "$1")
}

// wrap wraps text to width, as lines.
func wrap(text string, width int, indent string) []string {
	var out []string
	for _, l := range strings.Split(lipgloss.NewStyle().Width(max(width-len(indent), 10)).Render(text), "\n") {
		out = append(out, indent+strings.TrimRight(l, " "))
	}
	return out
}
