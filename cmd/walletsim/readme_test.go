package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

var headingRE = regexp.MustCompile(`^(##|###) (.+)$`)

// anchor is the id GitHub gives a heading: lower case, punctuation but
// hyphens dropped, spaces made hyphens.
func anchor(title string) string {
	title = strings.ToLower(title)
	title = regexp.MustCompile(`[^\p{L}\p{N}_\- ]`).ReplaceAllString(title, "")
	return strings.ReplaceAll(title, " ", "-")
}

// Every reference section of the README is reachable from its table of
// contents, and every entry there leads to a heading.
func TestREADMEContents(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	_, after, ok := strings.Cut(text, "\n## Contents\n")
	if !ok {
		t.Fatal("README.md has no ## Contents")
	}
	contents, sections, _ := strings.Cut(after, "\n## ")
	sections = "## " + sections
	anchors := map[string]bool{}
	fence := false
	for _, line := range strings.Split(sections, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
			continue
		}
		if m := headingRE.FindStringSubmatch(line); m != nil && !fence {
			a := anchor(m[2])
			anchors[a] = true
			if !strings.Contains(contents, "](#"+a+")") {
				t.Errorf("the contents do not list %q (#%s)", m[2], a)
			}
		}
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(contents, -1) {
		if !anchors[m[1]] {
			t.Errorf("the contents link to #%s, which no heading below has", m[1])
		}
	}
}
