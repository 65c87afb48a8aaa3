package session

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/broker"
	"github.com/easel-app/easel/internal/protoclient"
	"github.com/easel-app/easel/store"
)

// duringPublish is a broker that runs a hook while a cursors batch is
// being published: the moment a tick has released the room's lock.
type duringPublish struct {
	*broker.Memory
	hook atomic.Pointer[func()]
}

func (b *duringPublish) Publish(ctx context.Context, id string, ev board.Event) error {
	if ev.Kind == board.EventCursors {
		if f := b.hook.Swap(nil); f != nil {
			(*f)()
		}
	}
	return b.Memory.Publish(ctx, id, ev)
}

// A move that arrives while a tick publishes must still go out: it was
// lost when it was the last one (the remote cursor stayed one step short).
func TestMoveDuringATicksPublishIsNotLost(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	brk := &duringPublish{Memory: broker.NewMemory()}
	defer brk.Close()
	h := NewHub(Options{Config: DefaultConfig(), Store: st, Broker: brk, Logger: slog.New(slog.DiscardHandler),
		Metrics: NewMetrics(prometheus.NewRegistry()), CheckOrigin: func(*http.Request) bool { return true }})
	b, _ := board.New("", time.Now())
	st.CreateBoard(context.Background(), b)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeWS(w, r, Admission{Board: b, Role: board.RoleEdit})
	}))
	defer ts.Close()
	defer h.Shutdown(context.Background())

	dial := func(name string) *protoclient.Conn {
		c, _, err := protoclient.Dial(context.Background(), "ws"+strings.TrimPrefix(ts.URL, "http"), protoclient.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c.Send(map[string]any{"type": "hello", "name": name, "color": "#000000"})
		return c
	}
	mover, watcher := dial("mover"), dial("watcher")
	defer mover.Close()
	defer watcher.Close()
	// Wait until both are members.
	deadline := time.Now().Add(5 * time.Second)
	var room *Room
	var m *Member
	for room == nil {
		h.mu.Lock()
		r := h.rooms[b.ID]
		h.mu.Unlock()
		if r != nil {
			r.mu.Lock()
			n := len(r.members)
			for _, mem := range r.members {
				if mem.peer.Name == "mover" {
					m = mem
				}
			}
			r.mu.Unlock()
			if n == 2 && m != nil {
				room = r
			}
		}
		if room == nil && time.Now().After(deadline) {
			t.Fatal("members were not admitted")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// The first move's publish lets a second (last) move in.
	hook := func() { room.setCursor(m, 2, 2, false) }
	brk.hook.Store(&hook)
	room.setCursor(m, 1, 1, false)

	deadline = time.Now().Add(5 * time.Second)
	for {
		_, data, err := watcher.ReadFrame(deadline)
		if err != nil {
			t.Fatalf("the last move (2,2) never reached the other member: %v", err)
		}
		if strings.Contains(string(data), `",2,2]`) {
			return
		}
	}
}
