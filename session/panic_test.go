package session

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A panic in a message handler closes that member with 1011 and takes it
// out of its room: no ghost session, the process and the other members go
// on.
func TestPanicInHandlerLeavesNoGhost(t *testing.T) {
	th := newTestHub(t, DefaultConfig(), func(h *Hub) {
		h.testHookMessage = func(typ string) {
			if typ == "cursor" {
				panic("boom")
			}
		}
	})
	h, metrics := th.Hub, th.metrics
	witness := th.join(t, "witness")
	victim := th.join(t, "victim")

	victim.Send(map[string]any{"type": "cursor", "x": 1, "y": 1})
	for {
		_, _, err := victim.ReadFrame(time.Now().Add(5 * time.Second))
		if err == nil {
			continue
		}
		if !websocket.IsCloseError(err, websocket.CloseInternalServerErr) {
			t.Fatalf("victim read error %v, want close 1011", err)
		}
		break
	}
	victim.Close()

	// The witness is told the victim left, and the room holds one member.
	for {
		_, data, err := witness.ReadFrame(time.Now().Add(5 * time.Second))
		if err != nil {
			t.Fatalf("witness: %v", err)
		}
		if strings.Contains(string(data), `"type":"leave"`) {
			break
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		h.mu.Lock()
		conns := len(h.conns)
		h.mu.Unlock()
		if conns == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections registered after the panic, want 1 (the witness)", conns)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var m dto.Metric
	metrics.Panics.Write(&m)
	if m.GetCounter().GetValue() != 1 {
		t.Fatalf("panics metric = %v, want 1", m.GetCounter().GetValue())
	}
}

// A panic in a room's tick (a timer goroutine, not a handler) leaves the
// process up and the room ticking: the next move still reaches the other
// member, with the whole cursor set.
func TestPanicInATickKeepsTheRoomTicking(t *testing.T) {
	var panicked atomic.Bool
	th := newTestHub(t, DefaultConfig(), func(h *Hub) {
		h.testHookTick = func() {
			if panicked.CompareAndSwap(false, true) {
				panic("tick boom")
			}
		}
	})
	metrics := th.metrics
	watcher := th.join(t, "watcher")
	mover := th.join(t, "mover")

	// The first move's tick panics; moves go on until one arrives.
	deadline := time.Now().Add(5 * time.Second)
	received := make(chan string, 1)
	go func() {
		for {
			_, data, err := watcher.ReadFrame(deadline)
			if err != nil {
				received <- ""
				return
			}
			if strings.Contains(string(data), `"type":"cursors"`) {
				received <- string(data)
				return
			}
		}
	}()
	for x := 1; ; x++ {
		mover.Send(map[string]any{"type": "cursor", "x": x, "y": 1})
		select {
		case data := <-received:
			if data == "" {
				t.Fatal("no cursors frame after the tick's panic")
			}
			if !panicked.Load() {
				t.Fatal("the tick hook never ran")
			}
			var m dto.Metric
			metrics.Panics.Write(&m)
			if m.GetCounter().GetValue() != 1 {
				t.Fatalf("panics metric = %v, want 1", m.GetCounter().GetValue())
			}
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}
