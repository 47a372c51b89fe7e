package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/walletsim/walletsim/client"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:PASS@host/path":                  "https://user:***@host/path",
		"https://user:PASS@host":                       "https://user:***@host",
		"http://:PASS@host:8080/x?q=1":                 "http://:***@host:8080/x?q=1",
		"https://user@host/path":                       "https://user@host/path",
		"https://host/path?u=a:b@c":                    "https://host/path?u=a:b@c",
		"https://host:8443/path":                       "https://host:8443/path",
		"https://user:p%40ss@host/":                    "https://user:***@host/",
		`Post "https://u:PASS@h/e": dial tcp: refused`: `Post "https://u:***@h/e": dial tcp: refused`,
		"two: http://a:X@h1 and https://b:Y@h2/":       "two: http://a:***@h1 and https://b:***@h2/",
		"":                                             "",
		"not a url: user:pass@host":                    "not a url: user:pass@host",
	} {
		if got := client.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// A request to a URL with a password is recorded without it: transcripts,
// the inspector and cURL exports all read the exchange.
func FuzzRedactURL(f *testing.F) {
	f.Add("https://user:PASS@host/path")
	f.Fuzz(func(t *testing.T, s string) {
		out := client.RedactURL(s)
		if client.RedactURL(out) != out {
			t.Fatalf("not idempotent: %q → %q", s, out)
		}
	})
}

// TestExchangeURLRedacted: a call to a base URL with a password is recorded
// without it, so transcripts, the inspector and cURL exports (which all
// read the exchange) never show it — and the request still carries it.
func TestExchangeURLRedacted(t *testing.T) {
	var gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	var seen []client.Exchange
	base := strings.Replace(srv.URL, "http://", "http://qa:S3CRET-PASS@", 1)
	cfg := client.Config{BaseURL: base, Observer: func(ex client.Exchange) { seen = append(seen, ex) }}
	if _, err := client.New(cfg).Do(context.Background(), client.Call{Op: "test.Op", Method: http.MethodGet, Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	if gotAuth == "" {
		t.Fatal("the password was not sent: redaction must only touch what is shown")
	}
	if len(seen) != 1 {
		t.Fatalf("%d exchanges", len(seen))
	}
	for what, text := range map[string]string{"URL": seen[0].Request.URL, "cURL": client.Curl(seen[0], client.CurlOptions{})} {
		if strings.Contains(text, "S3CRET-PASS") || !strings.Contains(text, "qa:***@") {
			t.Errorf("%s shows %q", what, text)
		}
	}
}
