package session

import (
	"encoding/json"
	"testing"

	"github.com/easel-app/easel/board"
)

// A catch-up frame is the room's state and what the member kept of the
// ticks it skipped, exactly: never its own entries, a gone cursor or a
// cleared draft once and only if the peer has not come back, every chat
// line of every skipped tick in order, and the latest summon.
func TestCatchUpFrame(t *testing.T) {
	tick := func(gone []string, chat ...board.Said) *tickFrame {
		f := &tickFrame{cursors: &cursorBatch{}, presence: &presenceBatch{}}
		for _, id := range gone {
			f.cursors.addGone(id)
		}
		for _, s := range chat {
			f.presence.addChat(s)
		}
		return f
	}
	var m missedTicks
	skip1 := tick([]string{"G", "R"}, board.Said{Peer: "A", Text: "one"}, board.Said{Peer: "ME", Text: "mine"})
	skip1.presence.addSummon("A")
	if m.skip("ME", skip1, []string{"D", "ME"}) {
		t.Fatal("too slow after one skipped tick")
	}
	skip2 := tick([]string{"G"}, board.Said{Peer: "B", Text: "two"})
	skip2.presence.addSummon("B")
	skip2.presence.addSummon("ME")
	m.skip("ME", skip2, []string{"D"})

	state := &tickFrame{cursors: &cursorBatch{}, presence: &presenceBatch{}}
	state.cursors.add(board.Cursor{Peer: "A", X: 1, Y: 2})
	state.cursors.add(board.Cursor{Peer: "R", X: 3, Y: 4}) // R went and came back
	state.cursors.add(board.Cursor{Peer: "ME", X: 9, Y: 9})
	state.presence.addDraft("ME", json.RawMessage(`{"id":"mine"}`))
	state.presence.addView(board.View{Peer: "A", X: 0, Y: 0, W: 10, H: 5})
	now := tick(nil, board.Said{Peer: "A", Text: "three"})
	present := func(id string) bool { return id == "A" || id == "R" || id == "ME" }
	drafting := func(id string) bool { return id == "ME" }

	frame, owner := m.catchUp("ME", now, state, []string{"E"}, present, drafting)
	want := `{"type":"cursors","c":[["A",1,2],["R",3,4]],"gone":["G"]}` + "\n" +
		`{"type":"presence","drafts":[["D",null],["E",null]],"views":[["A",0,0,10,5]],"chat":[["A","one"],["B","two"],["A","three"]],"summon":"B"}`
	if string(frame) != want {
		t.Errorf("catch-up frame:\n got %s\nwant %s", frame, want)
	}
	if owner != nil {
		putMsgBuf(owner)
	}
	if m.skipping || len(m.gone)+len(m.cleared)+m.chat.len() != 0 || m.summon != "" {
		t.Errorf("what was kept outlived the catch-up: %+v", m)
	}
}

// The moving average closes a member that takes almost no ticks and
// keeps one that falls behind now and then.
func TestSlowLag(t *testing.T) {
	empty := &tickFrame{cursors: &cursorBatch{}, presence: &presenceBatch{}}
	var stalled missedTicks
	n := 0
	for !stalled.skip("ME", empty, nil) {
		n++
		if n > 1000 {
			t.Fatal("a member that takes no tick is never closed")
		}
	}
	if n < 30 || n > 60 {
		t.Errorf("a stalled member closed after %d ticks, want 1–2 s of ticks", n)
	}
	var jittery missedTicks
	for i := range 3000 {
		if i%2 == 0 { // every other tick skipped, for 100 s
			if jittery.skip("ME", empty, nil) {
				t.Fatalf("a member taking half its ticks was closed at tick %d", i)
			}
			jittery.reset()
		} else {
			jittery.took()
		}
	}
}
