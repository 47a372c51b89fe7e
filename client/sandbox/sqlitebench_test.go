package sandbox_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/walletsim/walletsim/client/clock"
	"github.com/walletsim/walletsim/client/sandbox"
	"github.com/walletsim/walletsim/client/sandbox/store"
	"github.com/walletsim/walletsim/client/sandbox/store/sqlite"
	"github.com/walletsim/walletsim/client/sandbox/testcards"
)

// BenchmarkAuthenticateSQLite: the frictionless authenticate on a SQLite
// store (synchronous=FULL: each answer waits for the commit of its
// authentication), from 16 goroutines, as wrk's 16
// connections would be, through the handler without a network. ns/op is
// what the group commit reaches; a CPU profile shows where a stored
// authentication's time goes.
//
//	go test ./client/sandbox -run '^$' -bench AuthenticateSQLite -cpu 2 -benchtime 3s -cpuprofile /tmp/cpu.prof
func BenchmarkAuthenticateSQLite(b *testing.B) {
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "b.db"), store.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	sb := sandbox.New(sandbox.Config{Clock: clock.Real, Store: st})
	b.Cleanup(sb.Close)
	h := sb.Handler()
	body := benchBody(card(b, testcards.Visa, testcards.Frictionless).PAN, "browser")
	var next atomic.Int64
	b.SetParallelism(16 / runtime.GOMAXPROCS(0)) // 16 in all
	b.ReportAllocs()
	b.ResetTimer()
	c0 := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, authenticateReq("sq-"+strconv.FormatInt(next.Add(1), 10), body))
			if w.Code != http.StatusOK {
				panic(fmt.Sprintf("status %d: %s", w.Code, w.Body))
			}
		}
	})
	// cpu-ns/op: the process's CPU (every thread: the writer, the GC, the
	// kernel's side of its writes and syncs), steadier than wall time on a
	// shared machine.
	if cpu := processCPU() - c0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
