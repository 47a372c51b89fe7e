package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=…" (a
// release); otherwise it comes from the build info.
var version = ""

// buildInfo is what the binary knows of how it was built.
type buildInfo struct {
	Version  string // the module's version, or "(devel)"
	Commit   string // vcs.revision, "" when built without version control
	Time     string // vcs.time
	Modified bool   // vcs.modified: built with uncommitted changes
	Go       string
	Platform string
}

// readBuild reads the build info the Go toolchain embeds: `go build` and
// `go install` in a checkout stamp the commit (and, since Go 1.24, a
// version made from it); `go run` and -buildvcs=false do not.
func readBuild(bi *debug.BuildInfo, ok bool) buildInfo {
	b := buildInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if !ok {
		return b
	}
	if bi.Main.Version != "" {
		b.Version = bi.Main.Version
	}
	b.Go = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// short is the version in one word, for User-Agent and reports: the
// release, the module version, or devel with the commit.
func (b buildInfo) short() string {
	switch {
	case version != "":
		return version
	case b.Version != "(devel)":
		return b.Version
	case b.Commit != "":
		s := "devel-" + b.Commit[:min(12, len(b.Commit))]
		if b.Modified {
			s += "-dirty"
		}
		return s
	}
	return "devel"
}

// String is what --version prints after "walletsim ".
func (b buildInfo) String() string {
	var s strings.Builder
	s.WriteString(b.short())
	switch {
	case b.Commit != "":
		fmt.Fprintf(&s, "\ncommit %s", b.Commit)
		if b.Time != "" {
			fmt.Fprintf(&s, " (%s)", b.Time)
		}
		if b.Modified {
			s.WriteString(", with uncommitted changes")
		}
	default:
		s.WriteString("\ncommit unknown: built without version control (go run, -buildvcs=false, or outside a checkout)")
	}
	fmt.Fprintf(&s, "\n%s %s", b.Go, b.Platform)
	return s.String()
}

func currentBuild() buildInfo { return readBuild(debug.ReadBuildInfo()) }

// appVersion is the one-word version (User-Agent, transcripts).
func appVersion() string { return currentBuild().short() }
