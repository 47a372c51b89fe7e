package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// trimStartupPages unmaps from this process the pages of its own
// executable that start-up touched and serving will not need: every
// package's initialisation runs once, and the kernel maps 64 KiB around
// each page it faults in, so a sandbox that has just started holds 10 MB
// of walletsim's 20 MB binary, most of it the TUI's and other commands'.
// Only read-only mappings of the binary are dropped (code and constants):
// their pages stay in the page cache, and the few the server uses come
// back on first touch. Writable mappings are never touched.
func trimStartupPages() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 00400000-00c57000 r-xp 00000000 fd:01 1234 /path/to/walletsim
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[5] != exe || strings.ContainsRune(fields[1], 'w') {
			continue
		}
		lo, hi, _ := strings.Cut(fields[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil && end > start {
			syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED)
		}
	}
}
