package main

import (
	"io"
	"net/http"
	"reflect"
	"testing"
)

// --public-url is repeatable and comma-separated, EASEL_PUBLIC_URL too; the
// command line replaces the environment's list.
func TestPublicURLFlag(t *testing.T) {
	env := map[string]string{"EASEL_PUBLIC_URL": "https://a.example, https://b.example"}
	getenv := func(k string) string { return env[k] }
	cfg, err := parseConfig(nil, getenv, io.Discard)
	if err != nil || !reflect.DeepEqual(cfg.publicURLs, []string{"https://a.example", "https://b.example"}) {
		t.Fatalf("from the environment: %q %v", cfg.publicURLs, err)
	}
	cfg, err = parseConfig([]string{"--public-url", "https://c.example,https://d.example", "--public-url", "http://e.example:8080"}, getenv, io.Discard)
	if err != nil || !reflect.DeepEqual(cfg.publicURLs, []string{"https://c.example", "https://d.example", "http://e.example:8080"}) {
		t.Fatalf("from flags: %q %v", cfg.publicURLs, err)
	}
}

// The binary with --public-url answers for that host only (421 otherwise,
// health checks excepted), and refuses a malformed one at start.
func TestRunServesOnlyItsPublicURL(t *testing.T) {
	addr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--public-url", "https://easel.example"}, nil)
	get := func(path, host string) int {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, c := range []struct {
		path, host string
		want       int
	}{
		{"/", "easel.example", 200},
		{"/", "easel.example:443", 200},
		{"/", addr, http.StatusMisdirectedRequest},
		{"/", "rebind.evil.example", http.StatusMisdirectedRequest},
		{"/healthz", addr, 200},
	} {
		if got := get(c.path, c.host); got != c.want {
			t.Errorf("GET %s for Host %s = %d, want %d", c.path, c.host, got, c.want)
		}
	}
	if err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--public-url", "easel.example"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("a public URL without a scheme was accepted")
	}
}
