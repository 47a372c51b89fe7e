package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Error is every problem found in one file.
type Error struct {
	File     string
	Problems []Problem
}

// Problem is one bad key or value.
type Problem struct {
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s:%d: %s: %s", e.File, p.Line, p.Field, p.Msg)
	}
	return b.String()
}

// Load reads scenario files and directories (every *.yaml and *.yml in
// them, recursively, in name order).
func Load(paths ...string) ([]Scenario, error) {
	files, err := scenarioFiles(paths)
	if err != nil {
		return nil, err
	}
	var out []Scenario
	var errs []error
	for _, f := range files {
		data, err := readFile(f)
		if err == nil {
			var sc Scenario
			if sc, err = Parse(f, data); err == nil {
				out = append(out, sc)
			}
		}
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

// MaxFileSize bounds a scenario file: a journey is a few kilobytes.
const MaxFileSize = 1 << 20

// readFile reads a file of at most MaxFileSize bytes.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err == nil && len(data) > MaxFileSize {
		err = fmt.Errorf("%s: larger than %d bytes: not a scenario", name, MaxFileSize)
	}
	return data, err
}

// scenarioFiles lists the files paths name, directories walked, sorted.
func scenarioFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, errors.New("no scenario files (*.yaml, *.yml) in " + strings.Join(paths, ", "))
	}
	slices.Sort(files)
	return files, nil
}

// yamlLine is compiled when first needed, not while every binary that
// links scenarios starts (walletsim --version among them).
var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+)`) })

// Parse reads one scenario.
func Parse(file string, data []byte) (Scenario, error) {
	sc := Scenario{File: file, Target: "sandbox"}
	d := &decoder{}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 1
		if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		d.fail(&yaml.Node{Line: line}, "(file)", "not valid YAML: "+strings.TrimPrefix(err.Error(), "yaml: "))
	} else if len(doc.Content) == 0 {
		d.fail(&yaml.Node{Line: 1}, "(file)", "empty scenario")
	} else {
		d.mapping(doc.Content[0], "", reflect.ValueOf(&sc).Elem())
		sc.File = file
	}
	if len(d.problems) > 0 {
		return sc, &Error{File: file, Problems: d.problems}
	}
	return sc, nil
}
