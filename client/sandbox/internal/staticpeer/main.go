// Command staticpeer is the comparison peer of the sandbox's load test: a
// bare net/http server answering the two benchmarked paths with the seeds'
// example bodies, read once at start, with no validation and no state.
//
//	go run ./client/sandbox/internal/staticpeer -listen 127.0.0.1:28081
//
// It serves GET /issuing/api/v1/card/3DS (testdata/seeds/000/get.200.json)
// and POST /v1/3ds/{id}/authenticate (testdata/seeds/004/authenticate.200.json);
// testdata/bench/README.md gives the whole method.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:28081", "address to listen on, host:port")
	seeds := flag.String("seeds", "testdata/seeds", "directory of the seed examples (run from the repository root)")
	flag.Parse()

	mux := http.NewServeMux()
	for pattern, file := range map[string]string{
		"GET /issuing/api/v1/card/3DS":   "000/get.200.json",
		"POST /v1/3ds/{id}/authenticate": "004/authenticate.200.json",
	} {
		body, err := os.ReadFile(filepath.Join(*seeds, file))
		if err != nil {
			log.Fatal(err)
		}
		length := strconv.Itoa(len(body))
		mux.HandleFunc(pattern, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", length)
			w.Write(body)
		})
	}
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
