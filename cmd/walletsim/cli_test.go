package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// walk calls f on every command of the tree but cobra's help command.
func walk(c *cobra.Command, f func(*cobra.Command)) {
	if c.Name() == "help" {
		return
	}
	f(c)
	for _, sub := range c.Commands() {
		walk(sub, f)
	}
}

func TestEveryCommandHasAnExample(t *testing.T) {
	n := 0
	walk(newRootCmd(), func(c *cobra.Command) {
		n++
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Example", c.CommandPath())
		}
	})
	if n < 12 { // the tree is really walked: commands, completion and its shells
		t.Errorf("walked %d commands", n)
	}
}

// Every flag that takes a value completes: from a list (profiles,
// behaviours, OTP methods, channels), to files, or explicitly to nothing.
func TestEveryValueFlagCompletes(t *testing.T) {
	walk(newRootCmd(), func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Value.Type() == "bool" {
				return
			}
			if _, ok := c.GetFlagCompletionFunc(f.Name); !ok {
				t.Errorf("%s --%s has no completion function (add it to flagCompletions)", c.CommandPath(), f.Name)
			}
		})
	})
}

// complete runs cobra's hidden __complete command, as every shell's
// script does, and returns the candidates and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	out, code := runCLI(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d\n%s", args, code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var names []string
	directive := ""
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, ":"):
			directive = l
		case strings.HasPrefix(l, "Completion ended"):
		default:
			name, _, _ := strings.Cut(l, "\t")
			names = append(names, name)
		}
	}
	return names, directive
}

func TestCompletion(t *testing.T) {
	config := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(config, []byte("profiles:\n  staging:\n    issuing_url: https://i.example\n    threeds_url: https://t.example\n    wallet_url: https://w.example\n"), 0o600)
	t.Setenv("WALLETSIM_CONFIG", config)
	for _, tt := range []struct {
		args      []string
		want      string // candidates, space-separated
		directive string
	}{
		{[]string{"--profile", ""}, "sandbox staging", ":4"},
		{[]string{"matrix", "--profile", "st"}, "sandbox staging", ":4"}, // the shell filters by prefix
		{[]string{"matrix", "--cardholder", ""}, "approve reject wrong-code expire", ":4"},
		{[]string{"matrix", "--otp", ""}, "EMAIL SMS", ":4"},
		{[]string{"matrix", "--channel", ""}, "browser decoupled", ":4"},
		{[]string{"matrix", "--forces", "C,"}, "C,Y C,A C,C C,D C,N C,R C,U C,500 C,503 C,timeout", ":6"},
		{[]string{"run", ""}, "yaml yml", ":8"}, // scenario files and directories
		{[]string{"run", "--config", ""}, "yaml yml", ":8"},
		{[]string{"man", "--dir", ""}, "", ":16"}, // directories only
		{[]string{"sandbox", "--listen", ""}, "", ":4"},
		{[]string{"mat"}, "matrix", ":4"},
	} {
		names, directive := complete(t, tt.args...)
		if got := strings.Join(names, " "); got != tt.want || directive != tt.directive {
			t.Errorf("complete %q = %q %s, want %q %s", tt.args, got, directive, tt.want, tt.directive)
		}
	}
	// Every shell's script is generated, and calls back into __complete.
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out, code := runCLI(t, "completion", sh)
		if code != 0 || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, %.200s", sh, code, out)
		}
	}
}

func TestFlagErrorsSayWhatWouldWork(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--profil", "x"}, "unknown flag --profil: did you mean --profile? (see walletsim --help)"},
		{[]string{"run", "--paralel", "2", "x"}, "unknown flag --paralel: did you mean --parallel? (see walletsim run --help)"},
		{[]string{"matrix", "--card", "x"}, "unknown flag --card: did you mean --cardholder? (see walletsim matrix --help)"},
		{[]string{"run", "--parallel", "two", "x"}, `invalid --parallel "two": want a whole number, e.g. --parallel 8 (see walletsim run --help)`},
		{[]string{"matrix", "--timeout", "5"}, `invalid --timeout "5": want a duration such as 250ms, 10s or 5m`},
		{[]string{"matrix", "--no-answer"}, "--no-answer needs a value: a duration such as 250ms, 10s or 5m"},
		{[]string{"sandbox", "--max-stored-bytes", "huge"}, `invalid --max-stored-bytes "huge": want a size such as 4096, 32KiB, 16MiB or 1GiB`},
		{[]string{"matrx"}, `unknown command "matrx": did you mean matrix? (see walletsim --help)`},
		{[]string{"matrix", "--frobnicate"}, "unknown flag: --frobnicate (see walletsim matrix --help)"},
	} {
		out, code := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(out, tt.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tt.args, code, out, tt.want)
		}
	}
}

func TestReadBuild(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261201111437-0242e70f3117+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0242e70f31175418e285bee8ef4a8656b6ab6359"},
			{Key: "vcs.time", Value: "2026-12-01T11:14:37Z"}, {Key: "vcs.modified", Value: "true"}}}
	for _, tt := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"go build in a checkout", stamped, true, "v0.0.0-20261201111437-0242e70f3117+dirty\ncommit 0242e70f31175418e285bee8ef4a8656b6ab6359 (2026-12-01T11:14:37Z), with uncommitted changes\ngo1.26.8 "},
		{"devel with a commit", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: stamped.Settings}, true,
			"devel-0242e70f3117-dirty\ncommit 0242e70f31175418e285bee8ef4a8656b6ab6359"},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true,
			"devel\ncommit unknown: built without version control (go run, -buildvcs=false, or outside a checkout)\ngo1.26.8 "},
	} {
		if got := readBuild(tt.bi, tt.ok).String(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %q, want prefix %q", tt.name, got, tt.want)
		}
	}
}

// A binary built in a git checkout says its commit. (A git worktree's
// .git is a file, which the go command does not take for a repository.)
func TestVersionOfABuiltBinary(t *testing.T) {
	if st, err := os.Stat("../../.git"); err != nil || !st.IsDir() {
		t.Skip("not a git checkout with a .git directory (a worktree, or a source copy): the go command stamps no commit")
	}
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("git not available:", err)
	}
	bin := filepath.Join(t.TempDir(), "walletsim")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "commit "+strings.TrimSpace(string(rev))) || !strings.Contains(string(out), "\ngo1.") || strings.HasPrefix(string(out), "walletsim dev\n") {
		t.Errorf("--version printed %q", out)
	}
}

func TestInfoNamesSecretsNeverValues(t *testing.T) {
	config := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(config, []byte("profiles:\n  staging:\n    issuing_url: https://i.example\n    threeds_url: https://t.example\n    wallet_url: https://w.example\n"+
		"    secrets: {api_key: INFO_API_KEY, threeds_key: INFO_3DS_KEY}\n"), 0o600)
	t.Setenv("INFO_API_KEY", "k-TOPSECRET")
	t.Setenv("NO_COLOR", "1")
	out, code := runCLI(t, "info", "--config", config)
	if code != 0 || strings.Contains(out, "TOPSECRET") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"version", "go1.", config + " (--config, present)", "course.json", "staging: https://t.example",
		"api_key: $INFO_API_KEY (set)", "threeds_key: $INFO_3DS_KEY (not set)", "stdout is a terminal  no", "colour profile", `NO_COLOR              "1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("info lacks %q:\n%s", want, out)
		}
	}
}

func TestMan(t *testing.T) {
	out, code := runCLI(t, "man")
	for _, want := range []string{`.TH "WALLETSIM" "1"`, ".SH EXAMPLE", "walletsim matrix", `\fBwalletsim-matrix(1)\fP`} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("man: exit %d, lacks %q", code, want)
		}
	}
	dir := t.TempDir()
	if out, code := runCLI(t, "man", "--dir", dir); code != 0 {
		t.Fatalf("man --dir: %d %s", code, out)
	}
	page, err := os.ReadFile(filepath.Join(dir, "walletsim-matrix.1"))
	if err != nil || !strings.Contains(string(page), "--cardholder") || !strings.Contains(string(page), "walletsim matrix --markdown") {
		t.Errorf("walletsim-matrix.1: %v\n%.300s", err, page)
	}
	if _, code := runCLI(t, "man", "--dir", filepath.Join(dir, "none")); code != exitUsage {
		t.Errorf("man --dir to nowhere: exit %d", code)
	}
}
