// Command roundrobin is the load balancer of the replica load test: it
// forwards each request to the next of its backends in turn (a
// net/http/httputil.ReverseProxy), as a load balancer in front of several
// `walletsim sandbox --store postgres://…` replicas would.
//
//	go run ./client/sandbox/internal/roundrobin -listen 127.0.0.1:28090 \
//	    -to http://127.0.0.1:28080,http://127.0.0.1:28082
//
// testdata/bench/replicas.sh measures one replica and two behind it side
// by side; one backend behind it is the baseline, so both pay the proxy's
// hop.
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:28090", "address to listen on, host:port")
	to := flag.String("to", "", "the backends' base URLs, comma-separated")
	flag.Parse()
	var backends []*url.URL
	for _, s := range strings.Split(*to, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.Scheme == "" || u.Host == "" {
			log.Fatalf("-to: %q is not a base URL such as http://127.0.0.1:28080", s)
		}
		backends = append(backends, u)
	}
	// Keep-alive connections to the backends, as many as the load needs:
	// a proxy that dialled per request would measure its dialling.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 256
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(backends[next.Add(1)%uint64(len(backends))])
			r.Out.Host = r.In.Host // the sandbox's challenge_url follows its own --public-url, not this
		},
		Transport: transport,
	}
	srv := &http.Server{Addr: *listen, Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
