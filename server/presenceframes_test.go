package server

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/session"
)

// Members moving and drafting at 50 Hz each get at most one presence
// message per tick, in the same frame as that tick's cursors: a frame
// never holds two of either, and (since every peer changes both its
// cursor and its draft every tick) presence never comes in a frame of its
// own, bar the first and last tick of the run.
func TestPresenceRidesInTheCursorsFrame(t *testing.T) {
	const (
		n        = 5
		tick     = 100 * time.Millisecond
		duration = 1500 * time.Millisecond
	)
	app := newTestApp(t, withTick(tick))
	b := app.createBoard(t)
	members := make([]*wsClient, n)
	for i := range members {
		members[i] = join(t, app.wsURL(b.EditURL+"/ws"), fmt.Sprintf("m%d", i))
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Go(func() {
			ticker := time.NewTicker(20 * time.Millisecond)
			defer ticker.Stop()
			for step := 1; time.Since(start) < duration; step++ {
				// One frame: the pointer and the stroke it draws.
				frame := fmt.Sprintf(`{"type":"cursor","x":%d,"y":%d}`+"\n"+`{"type":"draft","el":{"id":"s%d","kind":"stroke","points":[[0,0],[%d,1]]}}`, i, step, i, step)
				m.sendRaw(websocket.TextMessage, []byte(frame))
				<-ticker.C
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, m := range members {
		m.waitUntil("every peer's draft", func(msgs []wireMsg) bool { return len(draftsSeen(msgs)) == n-1 })
	}
	for _, m := range members {
		presenceFrames, alone := 0, 0
		for _, f := range m.framesCopy() {
			p, c := count(f.types, "presence"), count(f.types, "cursors")
			if p > 1 || c > 1 {
				t.Fatalf("%s got a frame with %d presence and %d cursors messages: %v", m.name, p, c, f.types)
			}
			if p == 1 {
				presenceFrames++
				if c == 0 {
					alone++
				}
			}
		}
		if most := int(elapsed/tick) + 3; presenceFrames > most {
			t.Errorf("%s got %d presence frames in %v; at most %d at one per %v tick", m.name, presenceFrames, elapsed, most, tick)
		}
		if alone > 2 {
			t.Errorf("%s got presence without that tick's cursors in %d of %d frames", m.name, alone, presenceFrames)
		}
		neverOwnPresence(t, m)
	}
}

// Drafts past the room's drafts bytes per tick wait for the next tick:
// late, never lost.
func TestDraftsPastTheTickBudgetAreDeferred(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.DraftBytesPerTick = 1 })
	b := app.createBoard(t)
	watcher := join(t, app.wsURL(b.ViewURL+"/ws"), "watcher")
	var drafters []*wsClient
	for i := range 4 {
		d := join(t, app.wsURL(b.EditURL+"/ws"), fmt.Sprint("d", i))
		drafters = append(drafters, d)
	}
	for i, d := range drafters {
		d.sendDraft(strokeEl(fmt.Sprint("s", i), 10+i))
	}
	watcher.waitUntil("every draft", func(msgs []wireMsg) bool {
		seen := draftsSeen(msgs)
		for i, d := range drafters {
			if !draftHasPoints(seen[d.you], fmt.Sprint("s", i), 10+i) {
				return false
			}
		}
		return true
	})
	for _, m := range watcher.messages() {
		if m.Type == "presence" && strings.Count(m.Raw, `"kind":"stroke"`) > 1 {
			t.Fatalf("a tick carried more than one draft past a 1-byte budget: %s", m.Raw)
		}
	}
	if _, body := get(t, app.URL+"/metrics"); strings.Contains(body, "easel_drafts_deferred_total 0") || !strings.Contains(body, "easel_drafts_deferred_total") {
		t.Fatal("no draft was counted as deferred in /metrics")
	}
}
