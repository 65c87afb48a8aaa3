package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/broker"
	"github.com/easel-app/easel/session"
	"github.com/easel-app/easel/store"
	"github.com/easel-app/easel/transfers"
)

// testApp is the whole server wired as main wires it, on an httptest
// listener, with a real bolt file in a temp dir.
type testApp struct {
	URL     string
	Store   *store.Bolt
	Hub     *session.Hub
	Metrics *session.Metrics
	Reg     *prometheus.Registry
	Log     *syncBuffer
	Limits  HTTPLimits // the HTTP server's limits (production's unless overridden)
	http    *httptest.Server
}

type appOption func(*session.Config, *Options)

func newTestApp(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	return newTestAppWithLimits(t, DefaultHTTPLimits(), opts...)
}

// newTestAppWithLimits is newTestApp with other HTTP server limits than
// production's (say, a short ReadHeaderTimeout). The http.Server comes from
// NewHTTPServer either way, as in main.
func newTestAppWithLimits(t testing.TB, limits HTTPLimits, opts ...appOption) *testApp {
	t.Helper()
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := session.DefaultConfig()
	so := Options{MaxConnsPerAddr: 0}
	for _, o := range opts {
		o(&cfg, &so)
	}
	logBuf := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(logBuf, newTestLogWriter(t)), &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := prometheus.NewRegistry()
	origins := so.Origins
	if origins == nil {
		origins, err = NewOriginPolicy(nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	metrics := session.NewMetrics(reg)
	brk := broker.NewMemory()
	xfers, err := transfers.OpenDisk(t.TempDir(), 15*time.Minute, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	hub := session.NewHub(session.Options{Config: cfg, Store: st, Transfers: xfers, Broker: brk, Logger: log, Metrics: metrics, CheckOrigin: origins.Allowed})
	so.Store, so.Hub, so.Origins, so.Logger, so.Gatherer, so.Registerer = st, hub, origins, log, reg, reg
	srv, err := New(so)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config = NewHTTPServer(srv.Handler(), limits, slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	ts.Start()
	app := &testApp{URL: ts.URL, Store: st, Hub: hub, Metrics: metrics, Reg: reg, Log: logBuf, Limits: limits, http: ts}
	t.Cleanup(func() {
		ts.Listener.Close()
		ctx, cancel := contextWithTimeout(5 * time.Second)
		defer cancel()
		if err := hub.Shutdown(ctx); err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
		ts.Close()
		brk.Close()
		st.Close()
	})
	return app
}

// createBoard makes a board through the public API.
func (a *testApp) createBoard(t testing.TB) createBoardResponse {
	t.Helper()
	res, err := http.Post(a.URL+"/api/boards", "application/json", strings.NewReader(`{"title":"Test board"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("POST /api/boards = %d %s", res.StatusCode, body)
	}
	var b createBoardResponse
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
		t.Fatal(err)
	}
	if !board.ValidID(b.ID) || !board.ValidID(b.ViewID) {
		t.Fatalf("created board has malformed ids: %+v", b)
	}
	return b
}

// wsURL turns a path into this app's ws:// URL.
func (a *testApp) wsURL(path string) string {
	return "ws" + strings.TrimPrefix(a.URL, "http") + path
}

// testLogWriter sends server logs to t.Log, so they show only for failures.
// A server goroutine may still log after its test has ended (a hijacked
// socket's handler returns when the socket is done, lingering included),
// and t.Log then races with the test's end: so it stops forwarding at the
// test's last cleanup (registered first, so it runs after the server's).
type testLogWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func newTestLogWriter(t testing.TB) *testLogWriter {
	w := &testLogWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return w
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Helper()
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}
