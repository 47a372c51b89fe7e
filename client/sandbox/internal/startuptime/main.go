// Command startuptime measures a server's start-up: the time from exec to
// its first successful HTTP answer, polling every 200 µs, over many runs.
//
//	go run ./client/sandbox/internal/startuptime -n 50 -url http://127.0.0.1:28080/sandbox/cards -- \
//	    ./walletsim sandbox --quiet --listen 127.0.0.1:28080
//
// It prints the median, minimum, 90th percentile and maximum. Each run's
// process is killed (and waited for) before the next starts.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"time"
)

func main() {
	n := flag.Int("n", 50, "runs")
	url := flag.String("url", "", "URL to poll until it answers 2xx")
	limit := flag.Duration("timeout", 10*time.Second, "give up on a run after this long")
	flag.Parse()
	if *url == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: startuptime [-n runs] -url URL -- command [args…]")
		os.Exit(2)
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var times []time.Duration
	for range *n {
		d, err := once(client, *url, *limit, flag.Args())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		times = append(times, d)
	}
	slices.Sort(times)
	at := func(q float64) time.Duration { return times[int(q*float64(len(times)-1)+0.5)] }
	fmt.Printf("%d runs: median %v, min %v, p90 %v, max %v\n", len(times),
		at(0.5).Round(10*time.Microsecond), times[0].Round(10*time.Microsecond),
		at(0.9).Round(10*time.Microsecond), times[len(times)-1].Round(10*time.Microsecond))
}

func once(client *http.Client, url string, limit time.Duration, argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	for time.Since(start) < limit {
		if resp, err := client.Get(url); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return time.Since(start), nil
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
	return 0, fmt.Errorf("%s did not answer within %v", url, limit)
}
