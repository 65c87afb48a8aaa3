package session

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/broker"
	"github.com/easel-app/easel/store"
	"github.com/easel-app/easel/transfers"
)

// testHub is a hub as main wires it — a real bolt store, the in-process
// broker, disk transfers — with one board served over httptest, for the
// session package's own tests.
type testHub struct {
	*Hub
	store   *store.Bolt
	metrics *Metrics
	board   board.Board
	url     string // ws:// URL of the board's socket (edit role)
}

// newTestHub starts one; prepare, when given, sees the hub before it
// serves (to set test hooks). Everything stops at the test's end.
func newTestHub(t *testing.T, cfg Config, prepare func(*Hub)) *testHub {
	t.Helper()
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	brk := broker.NewMemory()
	t.Cleanup(func() { brk.Close() })
	xfers, err := transfers.OpenDisk(t.TempDir(), time.Minute, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	metrics := NewMetrics(prometheus.NewRegistry())
	h := NewHub(Options{Config: cfg, Store: st, Transfers: xfers, Broker: brk, Logger: slog.New(slog.DiscardHandler),
		Metrics: metrics, CheckOrigin: func(*http.Request) bool { return true }})
	t.Cleanup(func() { h.Shutdown(context.Background()) })
	if prepare != nil {
		prepare(h)
	}
	b, _ := board.New("", time.Now())
	if err := st.CreateBoard(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeWS(w, r, Admission{Board: b, Role: board.RoleEdit})
	}))
	t.Cleanup(ts.Close)
	return &testHub{Hub: h, store: st, metrics: metrics, board: b, url: "ws" + strings.TrimPrefix(ts.URL, "http")}
}

// join connects a member that has said hello and read its welcome.
func (th *testHub) join(t *testing.T, name string) *websocket.Conn {
	t.Helper()
	_, c := joinWelcome(t, th, name)
	return c
}
