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
)

// A message committed but never published (its publisher died after the
// commit) must not stall the board: the room reads it from the store and
// members get every seq in order.
func TestRoomFillsAGapFromTheStore(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	brk := broker.NewMemory()
	defer brk.Close()
	cfg := DefaultConfig()
	cfg.GapWait = 50 * time.Millisecond
	h := NewHub(Options{Config: cfg, Store: st, Broker: brk, Logger: slog.New(slog.DiscardHandler),
		Metrics: NewMetrics(prometheus.NewRegistry()), CheckOrigin: func(*http.Request) bool { return true }})
	b, _ := board.New("", time.Now())
	ctx := context.Background()
	if err := st.CreateBoard(ctx, b); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeWS(w, r, Admission{Board: b, Role: board.RoleEdit})
	}))
	defer ts.Close()
	defer h.Shutdown(ctx)

	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.WriteJSON(map[string]any{"type": "hello", "name": "n", "color": "#000000"})
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, data, err := c.ReadMessage(); err != nil || !strings.Contains(string(data), "welcome") {
		t.Fatalf("welcome: %s %v", data, err)
	}

	// seq 1 is committed behind the room's back: no publish.
	put := []board.Op{{Op: board.OpPut, El: &board.Element{ID: "x", Kind: board.KindRect}}}
	if _, _, err := st.Append(ctx, b.ID, board.OpsMessage{By: "ghost", Ref: "lost", Ops: put}); err != nil {
		t.Fatal(err)
	}
	// seq 2 comes through the member as usual.
	c.WriteJSON(map[string]any{"type": "ops", "ref": "mine", "ops": []any{map[string]any{"op": "del", "id": "x"}}})

	var seqs []string
	for len(seqs) < 2 {
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for ops: %v (got %v)", err, seqs)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, `"type":"ops"`) {
				seqs = append(seqs, line)
			}
		}
	}
	if !strings.Contains(seqs[0], `"seq":1`) || !strings.Contains(seqs[0], `"ref":"lost"`) || !strings.Contains(seqs[1], `"seq":2`) {
		t.Fatalf("got %v, want the lost seq 1 then seq 2", seqs)
	}
}
