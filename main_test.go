package main

import (
	"bufio"
	"context"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/easel-app/easel/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startRun runs the whole program on a free port and returns its address.
func startRun(t *testing.T, args []string, env map[string]string) (addr string, stop func() error) {
	t.Helper()
	return startRunLogging(t, args, env, nil)
}

// startRunLogging is startRun that also hands every log line to onLine
// (from another goroutine), for tests that assert what was logged.
func startRunLogging(t *testing.T, args []string, env map[string]string, onLine func(string)) (addr string, stop func() error) {
	t.Helper()
	if _, set := env["EASEL_NO_SYSTEM_FONTS"]; !set {
		// Scanning the system's fonts takes seconds under -race; the fonts
		// package and TestFontsFlagAddsADirectory test it.
		env = maps.Clone(env)
		if env == nil {
			env = map[string]string{}
		}
		env["EASEL_NO_SYSTEM_FONTS"] = "true"
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, pw)
		pw.Close()
	}()
	found := make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			t.Log(sc.Text())
			if onLine != nil {
				onLine(sc.Text())
			}
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case addr = <-found:
	case err := <-done:
		cancel()
		t.Fatalf("run returned before listening: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("no listening line within 10 s")
	}
	var stopped bool
	var result error
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case result = <-done:
			case <-time.After(15 * time.Second):
				t.Fatal("run did not return within 15 s of cancel")
			}
		}
		return result
	}
	t.Cleanup(func() { stop() })
	return addr, stop
}

func TestRunServesAndShutsDownGracefully(t *testing.T) {
	dir := t.TempDir()
	addr, stop := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", dir}, nil)

	res, err := http.Post("http://"+addr+"/api/boards", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var loc = res.Header.Get("Location")
	res.Body.Close()
	if res.StatusCode != 201 || !strings.HasPrefix(loc, "/b/") {
		t.Fatalf("create board: %d %q", res.StatusCode, loc)
	}

	conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr+loc+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.WriteJSON(map[string]any{"type": "hello", "name": "n", "color": "#000000"})
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, data, err := conn.ReadMessage(); err != nil || !strings.Contains(string(data), "welcome") {
		t.Fatalf("no welcome: %s %v", data, err)
	}

	// SIGTERM (here: ctx cancelled) closes sockets with 1001 and returns.
	closed := make(chan error, 1)
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				closed <- err
				return
			}
		}
	}()
	if err := stop(); err != nil {
		t.Fatalf("run returned %v after shutdown", err)
	}
	select {
	case err := <-closed:
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Fatalf("socket ended with %v, want close 1001", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("socket still open after shutdown")
	}

	// The store was closed and the board survives: reopen the file.
	st, err := store.OpenBolt(dir)
	if err != nil {
		t.Fatalf("store not released after shutdown: %v", err)
	}
	defer st.Close()
	if _, err := st.BoardByID(context.Background(), strings.TrimPrefix(loc, "/b/")); err != nil {
		t.Fatalf("board lost across restart: %v", err)
	}
}

func TestConfigFlagsWinOverEnvironment(t *testing.T) {
	env := map[string]string{"EASEL_ADDR": "127.0.0.1:9999", "EASEL_CURSOR_TICK": "50ms", "EASEL_MAX_CONNS_PER_ADDR": "7"}
	cfg, err := parseConfig([]string{"--addr", "127.0.0.1:1234"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:1234" || cfg.session.Tick != 50*time.Millisecond || cfg.maxConnsPerAddr != 7 {
		t.Fatalf("config = addr %s tick %v per-addr %d", cfg.addr, cfg.session.Tick, cfg.maxConnsPerAddr)
	}
	for _, bad := range []map[string]string{
		{"EASEL_CURSOR_TICK": "fast"},
		{"EASEL_MAX_CONNS_PER_ADDR": "many"},
		{"EASEL_TLS_CERT": "cert.pem"},
		{"EASEL_CURSOR_TICK": "-1s"},
	} {
		if _, err := parseConfig(nil, func(k string) string { return bad[k] }, io.Discard); err == nil {
			t.Errorf("env %v accepted", bad)
		}
	}
}
