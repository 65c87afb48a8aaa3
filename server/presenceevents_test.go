package server

import (
	"fmt"
	"testing"
)

// A view link may point (laser too), show its view, chat and react; it may
// not draft nor summon: those get forbidden, and nobody sees them.
func TestViewLinkPresenceRoles(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	editor := join(t, app.wsURL(b.EditURL+"/ws"), "editor")
	viewer := join(t, app.wsURL(b.ViewURL+"/ws"), "viewer")

	viewer.sendDraft(strokeEl("v1", 3))
	viewer.errorSaying("forbidden", "drafts are not accepted")
	viewer.send(map[string]any{"type": "summon"})
	viewer.errorSaying("forbidden", "summon is for editors")

	viewer.send(map[string]any{"type": "cursor", "x": 5, "y": 6, "laser": true})
	viewer.send(map[string]any{"type": "view", "x": 1, "y": 2, "w": 300, "h": 200})
	viewer.send(map[string]any{"type": "chat", "text": "look here"})
	viewer.send(map[string]any{"type": "react", "emoji": "👍🏽"})
	editor.waitUntil("the viewer's laser, view, chat and reaction", func(msgs []wireMsg) bool {
		chat, reactions := saidBy(msgs, viewer.you, false), saidBy(msgs, viewer.you, true)
		return laserAt(msgs, viewer.you, 5, 6) && viewsSeen(msgs)[viewer.you] == [4]float64{1, 2, 300, 200} &&
			len(chat) == 1 && chat[0] == "look here" && len(reactions) == 1 && reactions[0] == "👍🏽"
	})
	for _, m := range editor.messages() {
		if _, drafted := draftsSeen([]wireMsg{m})[viewer.you]; drafted || m.Summon == viewer.you {
			t.Fatalf("the viewer's forbidden presence went out: %s", m.Raw)
		}
	}
	neverOwnPresence(t, viewer)
}

// laserAt tells whether peer's latest cursor is a laser position at x, y:
// ["<peer>",x,y,1].
func laserAt(msgs []wireMsg, peer string, x, y float64) bool {
	var last []any
	for _, m := range msgs {
		for _, e := range m.C {
			if e[0] == peer {
				last = e
			}
		}
	}
	return len(last) == 4 && last[1] == x && last[2] == y && last[3] == float64(1)
}

// Laser positions carry a fourth element 1; ordinary ones stay three long.
func TestLaserCursorsCarryTheOne(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
	bob := join(t, app.wsURL(b.EditURL+"/ws"), "bob")
	alice.send(map[string]any{"type": "cursor", "x": 1.5, "y": -2, "laser": true})
	bob.waitUntil("alice's laser", func(msgs []wireMsg) bool { return laserAt(msgs, alice.you, 1.5, -2) })
	alice.moveTo(3, 4)
	bob.waitUntil("alice's plain cursor", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[alice.you] == [2]float64{3, 4} })
	for _, m := range bob.messages() {
		for _, e := range m.C {
			if e[0] == alice.you && e[1] == float64(3) && len(e) != 3 {
				t.Fatalf("a plain position carries more than x, y: %s", m.Raw)
			}
		}
	}
}

// chat and react share one budget: the first 5 in any 10 s are accepted,
// every one beyond is answered rate_limited, and nobody sees those.
func TestChatAndReactShareFiveInTenSeconds(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	talker := join(t, app.wsURL(b.ViewURL+"/ws"), "talker")
	watcher := join(t, app.wsURL(b.EditURL+"/ws"), "watcher")
	for i := range 3 {
		talker.send(map[string]any{"type": "chat", "text": fmt.Sprint("line ", i)})
	}
	talker.send(map[string]any{"type": "react", "emoji": "🎉"})
	talker.send(map[string]any{"type": "react", "emoji": "👀"})
	talker.send(map[string]any{"type": "chat", "text": "one too many"})
	talker.send(map[string]any{"type": "react", "emoji": "🙈"})
	talker.waitUntil("two rate_limited answers", func(msgs []wireMsg) bool {
		n := 0
		for _, m := range msgs {
			if m.Type == "error" && m.Code == "rate_limited" {
				n++
			}
		}
		return n == 2
	})
	// A marker after them (the same connection's view): when it arrives,
	// everything accepted before it has too.
	talker.send(map[string]any{"type": "view", "x": 0, "y": 0, "w": 1, "h": 1})
	watcher.waitUntil("the talker's view", func(msgs []wireMsg) bool { _, ok := viewsSeen(msgs)[talker.you]; return ok })
	chat, reactions := saidBy(watcher.messages(), talker.you, false), saidBy(watcher.messages(), talker.you, true)
	if fmt.Sprint(chat) != "[line 0 line 1 line 2]" || fmt.Sprint(reactions) != "[🎉 👀]" {
		t.Fatalf("watcher got chat %q and reactions %q; want the first five only", chat, reactions)
	}
	if got := talker.errorSaying("rate_limited", "chat and react"); got.Message != "more than 5 chat and react messages together in any 10s" {
		t.Fatalf("refusal says %q", got.Message)
	}
}

// summon reaches every other member, view links included, never the
// summoner (two summons in one tick: TestPresenceBatchMessages).
func TestSummonReachesEveryOtherMember(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
	viewer := join(t, app.wsURL(b.ViewURL+"/ws"), "viewer")
	bob := join(t, app.wsURL(b.EditURL+"/ws"), "bob")
	alice.send(map[string]any{"type": "view", "x": 10, "y": 10, "w": 100, "h": 100})
	alice.send(map[string]any{"type": "summon"})
	for _, c := range []*wsClient{viewer, bob} {
		c.waitUntil("alice's summon", func(msgs []wireMsg) bool {
			for _, m := range msgs {
				if m.Summon == alice.you {
					return viewsSeen(msgs)[alice.you] == [4]float64{10, 10, 100, 100}
				}
			}
			return false
		})
	}
	bob.send(map[string]any{"type": "summon"})
	alice.waitUntil("bob's summon", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Summon == bob.you {
				return true
			}
		}
		return false
	})
	neverOwnPresence(t, alice)
	neverOwnPresence(t, bob)
}
