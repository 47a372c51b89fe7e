package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// rssFile is this process's resident file-backed memory, in kB.
func rssFile(t *testing.T) int {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

// TestTrimStartupPages: the binary's pages leave the process's resident
// set, and everything keeps working (the test goes on running code that
// comes back from the page cache, and starts a sandbox).
func TestTrimStartupPages(t *testing.T) {
	before := rssFile(t)
	trimStartupPages()
	after := rssFile(t)
	if after >= before {
		t.Errorf("RssFile %d kB before the trim, %d kB after", before, after)
	}
	r := startSandbox(t)
	if got := r.do(t, "GET", "/sandbox/cards", nil, ""); got != 200 {
		t.Errorf("GET /sandbox/cards after the trim = %d", got)
	}
}
