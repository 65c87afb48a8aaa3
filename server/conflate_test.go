package server

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// A member that stops reading for a moment is not sent every tick it
// missed when it reads again: it skips ticks while its previous frame
// waits, and then gets one catch-up frame with the latest of everything —
// and still every cursor that went, every draft that was cleared and
// every chat line of the ticks it skipped.
func TestBehindMemberGetsLatestStateNotEveryTick(t *testing.T) {
	// Small socket buffers so that a pause backs the member's frames up
	// into its outbox within a few ticks.
	// Ticks of 100 ms, so that the test's own polling, slowed by a loaded
	// machine, does not let the reader skip long enough to be closed.
	app := newTestApp(t, func(c *session.Config, _ *Options) {
		c.SocketBuffer, c.Tick = 16<<10, 100*time.Millisecond
	})
	b := app.createBoard(t)
	url := app.wsURL(b.EditURL + "/ws")
	reader := join(t, url, "reader", smallReceiveBuffer)
	mover := join(t, url, "mover")
	drafter := join(t, url, "drafter")
	chatter := join(t, url, "chatter")
	leaver := join(t, url, "leaver")
	leaver.moveTo(1, 1)
	reader.waitUntil("the leaver's cursor", func(msgs []wireMsg) bool { _, ok := cursorsSeen(msgs)[leaver.you]; return ok })

	reader.pause()
	paused := len(reader.messages())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// The mover moves and the drafter's stroke grows (big frames: they
	// fill the buffers) at 60 Hz while the reader does not read.
	everyTick(&wg, time.Second/60, stop, 1, func(step int) {
		mover.moveTo(float64(step), 0)
		drafter.sendDraft(strokeEl("s", 2000+step))
	})
	start := time.Now()
	// The events come once the reader skips ticks, and the moves go on
	// until it has skipped a few more.
	skipped := app.waitMetric(t, "easel_ticks_skipped_total", 5)
	chatter.send(map[string]any{"type": "chat", "text": "while you were away"})
	leaver.close()
	app.waitMetric(t, "easel_ticks_skipped_total", skipped+8)
	close(stop)
	wg.Wait()
	drafter.send(map[string]any{"type": "draft", "gone": true})
	mover.moveTo(-1, -1) // the last word
	ticks := time.Since(start) / (100 * time.Millisecond)

	reader.unpause()
	reader.waitUntil("the mover's last position, the cleared draft, the chat line and the leaver gone", func(msgs []wireMsg) bool {
		msgs = msgs[paused:]
		gone := false
		for _, m := range msgs {
			for _, id := range m.Gone {
				gone = gone || id == leaver.you
			}
		}
		return cursorsSeen(msgs)[mover.you] == [2]float64{-1, -1} && draftsSeen(msgs)[drafter.you] == "null" &&
			len(saidBy(msgs, chatter.you, false)) == 1 && gone
	})
	moverFrames := 0
	for _, m := range reader.messages()[paused:] {
		for _, c := range m.C {
			if c[0] == mover.you {
				moverFrames++
			}
		}
	}
	t.Logf("the mover moved through %d ticks; the reader got %d cursors messages with it", ticks, moverFrames)
	if moverFrames*2 > int(ticks) {
		t.Errorf("the reader was sent the mover's cursor %d times for %d ticks: ticks that waited behind a frame were not skipped", moverFrames, ticks)
	}
	if said := saidBy(reader.messages(), chatter.you, false); len(said) != 1 || said[0] != "while you were away" {
		t.Errorf("chat lines of the skipped ticks: %q, want the one line once", said)
	}
	neverOwnPresence(t, reader)
}

// waitMetric polls /metrics until the counter name reaches at least min,
// and returns its value; it fails the test after 10 s.
func (a *testApp) waitMetric(t *testing.T, name string, min float64) float64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get(t, a.URL+"/metrics")
		for _, line := range strings.Split(body, "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f >= min {
					return f
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not reach %v within 10 s", name, min)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
