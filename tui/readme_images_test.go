package tui_test

import (
	"bufio"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The README's pictures are the golden screens, rendered by
// testdata/readme/generate.sh. An image is fresh when the lines it shows
// are its golden's lines: a golden changed by `go test ./tui -update`
// without the script run after it fails here, and says what to run.
func TestREADMEImagesShowTheirGoldens(t *testing.T) {
	shots := readShots(t, "../testdata/readme/shots.txt")
	if len(shots) < 5 {
		t.Fatalf("shots.txt lists %d pictures", len(shots))
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range shots {
		t.Run(s.name, func(t *testing.T) {
			golden, err := os.ReadFile(filepath.Join("..", s.golden))
			if err != nil {
				t.Fatalf("golden %s: %v", s.golden, err)
			}
			image := filepath.Join("..", "testdata", "readme", s.name+".svg")
			shown, err := svgLines(image)
			if err != nil {
				t.Fatalf("%s: %v (run: go generate ./tui)", image, err)
			}
			want := lines(ansi.Strip(string(golden)))
			if strings.Join(shown, "\n") != strings.Join(want, "\n") {
				t.Errorf("testdata/readme/%s.svg does not show %s as it is now: run\n  go generate ./tui\nand commit the images", s.name, s.golden)
			}
			if !strings.Contains(string(readme), "testdata/readme/"+s.name+".svg") {
				t.Errorf("README.md does not show testdata/readme/%s.svg", s.name)
			}
		})
	}
}

type shot struct{ name, golden string }

func readShots(t *testing.T, path string) []shot {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []shot
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) != 2 {
			t.Fatalf("%s: want NAME GOLDEN, got %q", path, sc.Text())
		}
		out = append(out, shot{fields[0], fields[1]})
	}
	return out
}

// lines splits a screen into lines without trailing blanks.
func lines(s string) []string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " ")
	}
	return ls
}

// svgLines is the text of each <text> element of an SVG, in order.
func svgLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	d.Strict = false // freeze writes a DOCTYPE with an external DTD
	var out []string
	var cur *strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && cur != nil {
				// freeze writes the spaces of terminal output as
				// no-break spaces, so that SVG keeps them all.
				text := strings.ReplaceAll(cur.String(), "\u00a0", " ")
				out = append(out, strings.TrimRight(strings.TrimSuffix(text, "\n"), " "))
				cur = nil
			}
		}
	}
}
