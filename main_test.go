package main

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/easel-app/easel/internal/procs"
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
	srv, err := procs.Run(func(ctx context.Context, log io.Writer) error {
		return run(ctx, args, func(k string) string { return env[k] }, log)
	}, procs.Options{Timeout: 10 * time.Second, OnLine: func(line string) {
		t.Log(line)
		if onLine != nil {
			onLine(line)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	stop = func() error {
		err := srv.Stop()
		if errors.Is(err, procs.ErrStuck) {
			t.Fatal(err)
		}
		return err
	}
	t.Cleanup(func() { stop() })
	return srv.Addr, stop
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

	m := connectMember(t, "ws://"+addr+loc+"/ws", "n", nil)

	// SIGTERM (here: ctx cancelled) closes sockets with 1001 and returns.
	if err := stop(); err != nil {
		t.Fatalf("run returned %v after shutdown", err)
	}
	if err := m.closedWithin(5 * time.Second); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("socket ended with %v, want close 1001", err)
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
