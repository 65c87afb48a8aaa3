package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/session"
)

// Threat 5: a client sending 1 000 messages in one second is told
// rate_limited, then closed with 1008 — for cursor moves and for edits,
// each against its own budget — while another member's cursor keeps
// reaching a third at the room's tick.
func TestFloodIsRefusedThenClosed(t *testing.T) {
	for _, class := range []string{"cursor", "ops"} {
		t.Run(class, func(t *testing.T) {
			app := newTestApp(t)
			b := app.createBoard(t)
			url := app.wsURL(b.EditURL + "/ws")
			flooder := join(t, url, "flooder")
			mover := join(t, url, "mover")
			watcher := join(t, url, "watcher")

			// The mover moves at 30 Hz through the flood and a while after.
			moved := make(chan [2]float64, 1)
			go func() {
				ticker := time.NewTicker(time.Second / 30)
				defer ticker.Stop()
				var last [2]float64
				for step := range 60 {
					last = [2]float64{float64(step), 1}
					mover.moveTo(last[0], last[1])
					<-ticker.C
				}
				moved <- last
			}()

			// 1 000 messages spread over one second.
			start := time.Now()
			for i := range 1000 {
				var err error
				if class == "cursor" {
					err = flooder.sendRaw(websocket.TextMessage, fmt.Appendf(nil, `{"type":"cursor","x":%d,"y":2}`, i))
				} else {
					err = flooder.sendRaw(websocket.TextMessage, fmt.Appendf(nil, `{"type":"ops","ref":"f%d","ops":[{"op":"del","id":"x"}]}`, i))
				}
				if err != nil {
					break // closed by the server, as it should be
				}
				if wait := time.Duration(i+1)*time.Millisecond - time.Since(start); wait > 0 {
					time.Sleep(wait) // pacing the sender, not waiting for a result
				}
			}
			if code, _ := flooder.waitClosed(5 * time.Second); code != websocket.ClosePolicyViolation {
				t.Fatalf("flooder closed with %d, want 1008", code)
			}
			limited := 0
			for _, m := range flooder.messages() {
				if m.Type == "error" && m.Code == "rate_limited" {
					limited++
				}
			}
			if limited == 0 {
				t.Fatal("the flooder was closed without being told rate_limited first")
			}

			last := <-moved
			watcher.waitUntil("the mover's last position", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[mover.you] == last })
			// While the mover moved, frames carrying its cursor came at the
			// tick: no gap of more than a few ticks (slack for -race on 2
			// cores), and no flood of the flooder's positions.
			tick := session.DefaultConfig().Tick
			var prev time.Time
			var worst time.Duration
			for _, f := range watcher.framesCopy() {
				if count(f.types, "cursors") == 0 || f.at.Before(start) {
					continue
				}
				if !prev.IsZero() {
					worst = max(worst, f.at.Sub(prev))
				}
				prev = f.at
			}
			if worst > 6*tick {
				t.Errorf("the watcher's largest gap between cursors frames during the flood was %v (tick %v)", worst, tick)
			}
			flooded := len(cursorsSeenAll(watcher.messages(), flooder.you))
			if flooded > 2*int(session.DefaultConfig().CursorRate)+int(time.Second/tick)+1 {
				t.Errorf("the watcher saw %d positions of the flooder: more than its budget allows", flooded)
			}
			t.Logf("%s flood: %d rate_limited errors, then 1008; watcher's largest cursors gap %v", class, limited, worst)
		})
	}
}

// cursorsSeenAll lists every position of peer in msgs, in order.
func cursorsSeenAll(msgs []wireMsg, peer string) [][2]float64 {
	var out [][2]float64
	for _, m := range msgs {
		if m.Type != "cursors" {
			continue
		}
		for _, e := range m.C {
			if e[0] == peer {
				out = append(out, [2]float64{e[1].(float64), e[2].(float64)})
			}
		}
	}
	return out
}
