package server

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// Acceptance 2: three members of one board see each other's cursors and
// never their own; a member of another board sees none; a disconnect
// produces leave and gone for the others within one second.
func TestCursorsReachTheBoardAndOnlyTheBoard(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	other := app.createBoard(t)

	members := []*wsClient{
		join(t, app.wsURL(b.EditURL+"/ws"), "ann"),
		join(t, app.wsURL(b.EditURL+"/ws"), "bob"),
		join(t, app.wsURL(b.EditURL+"/ws"), "cyd"),
	}
	stranger := join(t, app.wsURL(other.EditURL+"/ws"), "eve")

	for i, m := range members {
		m.moveTo(float64(100*(i+1)), float64(-10*(i+1)))
	}
	for i, m := range members {
		m.waitUntil("the other two cursors", func(msgs []wireMsg) bool {
			pos := cursorsSeen(msgs)
			for j, peer := range members {
				want := [2]float64{float64(100 * (j + 1)), float64(-10 * (j + 1))}
				if j != i && pos[peer.you] != want {
					return false
				}
			}
			return true
		})
		for _, msg := range m.messages() {
			if msg.Type != "cursors" {
				continue
			}
			for _, e := range msg.C {
				if e[0] == m.you {
					t.Fatalf("%s received its own cursor: %s", m.name, msg.Raw)
				}
			}
		}
	}
	// The stranger is on another board: a cursor of its own goes through,
	// proving its room works, and nothing of the first board arrives.
	members[0].moveTo(1, 1)
	stranger2 := join(t, app.wsURL(other.EditURL+"/ws"), "fay")
	stranger2.moveTo(5, 5)
	stranger.waitUntil("fay's cursor", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[stranger2.you] == [2]float64{5, 5} })
	for _, msg := range stranger.messages() {
		for _, m := range members {
			if strings.Contains(msg.Raw, m.you) {
				t.Fatalf("member of another board received %s", msg.Raw)
			}
		}
	}

	// A disconnect: leave and gone within a second.
	gone := members[2]
	start := time.Now()
	gone.close()
	for _, m := range members[:2] {
		if !m.poll(time.Second-time.Since(start), func(msgs []wireMsg) bool {
			left, cursorGone := false, false
			for _, msg := range msgs {
				left = left || msg.Type == "leave" && msg.ID == gone.you
				cursorGone = cursorGone || msg.Type == "cursors" && contains(msg.Gone, gone.you)
			}
			return left && cursorGone
		}) {
			t.Fatalf("%s did not get leave and gone for %s within 1s: %s", m.name, gone.name, lastRaw(m.messages(), 4))
		}
	}
}

// Acceptance 3: with 20 members moving at 60 Hz for 2 s, each member gets at
// most one cursors frame per tick, and the last position of every peer
// arrives.
func TestCursorBatchingOneFramePerTick(t *testing.T) {
	const (
		n        = 20
		hz       = 60
		duration = 2 * time.Second
	)
	app := newTestApp(t)
	b := app.createBoard(t)
	members := make([]*wsClient, n)
	for i := range members {
		members[i] = join(t, app.wsURL(b.EditURL+"/ws"), fmt.Sprintf("m%02d", i))
	}
	start := time.Now()
	var wg sync.WaitGroup
	final := make([][2]float64, n)
	for i, m := range members {
		wg.Go(func() {
			ticker := time.NewTicker(time.Second / hz)
			defer ticker.Stop()
			for step := 0; time.Since(start) < duration; step++ {
				x, y := float64(i*1000+step), float64(step)/3
				m.moveTo(x, y)
				final[i] = [2]float64{x, y}
				<-ticker.C
			}
		})
	}
	wg.Wait()
	for i, m := range members {
		m.waitUntil("every peer's last position", func(msgs []wireMsg) bool {
			pos := cursorsSeen(msgs)
			for j, peer := range members {
				if j != i && pos[peer.you] != final[j] {
					return false
				}
			}
			return true
		})
	}
	elapsed := time.Since(start)
	tick := session.DefaultConfig().Tick
	maxFrames := int(elapsed/tick) + 2
	for _, m := range members {
		frames, perFrame := 0, 0
		for _, f := range m.framesCopy() {
			k := count(f.types, "cursors")
			if k > 0 {
				frames++
			}
			perFrame = max(perFrame, k)
		}
		if frames > maxFrames || perFrame > 1 {
			t.Errorf("%s got %d cursors frames in %v (at most %d allowed at one per %v tick), up to %d cursors messages in one frame",
				m.name, frames, elapsed, maxFrames, tick, perFrame)
		}
		// Moves from 19 peers at 60 Hz would be ~2 280 messages unbatched.
		if frames < 10 {
			t.Errorf("%s got only %d cursors frames; batching should still deliver every tick", m.name, frames)
		}
	}
	t.Logf("each member received ≤ %d cursors frames for %d peer moves", maxFrames, (n-1)*hz*int(duration/time.Second))
}

// Acceptance 5: a member that stops reading while others move is closed with
// 1013 within a few seconds; the others see no gap or delay.
func TestSlowConsumerClosedWith1013(t *testing.T) {
	// A small budget (kernel send buffer and outbox) so that a busy room
	// overflows it in a few seconds; the mechanism is the production one.
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.OutboxBytes, c.SocketBuffer = 16<<10, 16<<10 })
	b := app.createBoard(t)
	slow := join(t, app.wsURL(b.EditURL+"/ws"), "slow", smallReceiveBuffer)
	movers := make([]*wsClient, 20)
	for i := range movers {
		movers[i] = join(t, app.wsURL(b.EditURL+"/ws"), fmt.Sprintf("m%02d", i))
	}
	slow.pause()

	// Movers send moves at 60 Hz until the slow member is gone, bounded at
	// 20 s.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, m := range movers {
		everyTick(&wg, time.Second/60, stop, 0, func(step int) {
			m.moveTo(float64(i)*1e6+float64(step)+0.123456789, -float64(step)-0.987654321)
		})
	}
	start := time.Now()
	left := movers[0].poll(20*time.Second, func(msgs []wireMsg) bool {
		for _, msg := range msgs {
			if msg.Type == "leave" && msg.ID == slow.you {
				return true
			}
		}
		return false
	})
	detected := time.Since(start)
	close(stop)
	wg.Wait()
	if !left {
		t.Fatalf("slow member was not removed within 20 s (outbox pending never overflowed)")
	}
	slow.unpause()
	code, _ := slow.waitClosed(10 * time.Second)
	if code != 1013 {
		t.Fatalf("slow member closed with %d, want 1013", code)
	}
	t.Logf("slow member detected and removed after %v", detected)
	if detected > 10*time.Second {
		t.Errorf("slow member took %v to be closed; want a few seconds", detected)
	}

	// The movers kept getting frames while the slow one backed up. Were the
	// room to wait on the slow member, they would stall for the write
	// timeout (10 s); the bound leaves room for a loaded CI machine.
	tick := session.DefaultConfig().Tick
	for _, m := range movers {
		var prev time.Time
		var worst time.Duration
		for _, f := range m.framesCopy() {
			if count(f.types, "cursors") == 0 || f.at.After(start.Add(detected)) {
				continue
			}
			if !prev.IsZero() {
				worst = max(worst, f.at.Sub(prev))
			}
			prev = f.at
		}
		if worst > 30*tick {
			t.Errorf("%s had a %v gap between cursors frames while the slow member backed up", m.name, worst)
		}
	}
	if got := testCounter(t, app.Metrics.SlowConsumerCloses); got != 1 {
		t.Errorf("slow consumer closes metric = %v, want 1", got)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func count(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

func almostEqual(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
