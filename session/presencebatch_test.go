package session

import (
	"encoding/json"
	"testing"

	"github.com/easel-app/easel/board"
)

// The presence message's exact shape, per recipient: never its own
// entries, fields omitted when empty, one summon (the latest not its own),
// and the members not mentioned sharing one encoding.
func TestPresenceBatchMessages(t *testing.T) {
	var b presenceBatch
	b.addDraft("A", json.RawMessage(`{"id":"s","kind":"rect"}`))
	b.addDraft("B", nil)
	b.addView(board.View{Peer: "B", X: -1.5, Y: 2, W: 1e-7, H: 1e22})
	b.addChat(board.Said{Peer: "A", Text: `hi "there" <b>`})
	b.addReaction(board.Said{Peer: "C", Text: "👍"})
	b.addSummon("A")
	b.addSummon("B")

	for _, tc := range []struct{ self, want string }{
		{"Z", `{"type":"presence","drafts":[["A",{"id":"s","kind":"rect"}],["B",null]],"views":[["B",-1.5,2,1e-7,1e+22]],"chat":[["A","hi \"there\" \u003cb\u003e"]],"reactions":[["C","👍"]],"summon":"B"}`},
		{"A", `{"type":"presence","drafts":[["B",null]],"views":[["B",-1.5,2,1e-7,1e+22]],"reactions":[["C","👍"]],"summon":"B"}`},
		{"B", `{"type":"presence","drafts":[["A",{"id":"s","kind":"rect"}]],"chat":[["A","hi \"there\" \u003cb\u003e"]],"reactions":[["C","👍"]],"summon":"A"}`},
		{"C", `{"type":"presence","drafts":[["A",{"id":"s","kind":"rect"}],["B",null]],"views":[["B",-1.5,2,1e-7,1e+22]],"chat":[["A","hi \"there\" \u003cb\u003e"]],"summon":"B"}`},
	} {
		msg, owner := b.messageFor(tc.self)
		if string(msg) != tc.want {
			t.Errorf("for %s:\n got %s\nwant %s", tc.self, msg, tc.want)
		}
		if !json.Valid(msg) {
			t.Errorf("for %s: not JSON: %s", tc.self, msg)
		}
		if (owner == nil) != (tc.self == "Z") {
			t.Errorf("for %s: owner %v; only members not mentioned share the encoding", tc.self, owner)
		}
		if owner != nil {
			putMsgBuf(owner)
		}
	}
	z1, _ := b.messageFor("Z")
	z2, _ := b.messageFor("Y")
	if &z1[0] != &z2[0] {
		t.Error("members not mentioned got separate encodings")
	}

	// Nothing left for a member: no message at all.
	b.reset()
	b.addChat(board.Said{Peer: "A", Text: "alone"})
	if msg, _ := b.messageFor("A"); msg != nil {
		t.Errorf("A's own chat alone gave %s", msg)
	}
	b.reset()
	if msg, _ := b.messageFor("A"); msg != nil || !b.empty() {
		t.Errorf("an empty batch gave %s", msg)
	}
}

// View numbers are written as encoding/json writes them.
func TestAppendJSONNumberMatchesEncodingJSON(t *testing.T) {
	for _, v := range []float64{0, -0.5, 1, 1e7, -1e7, 123.456, 1e-6, 9.99e-7, 1e-7, 1.5e-300, 1e20, 1e21, 2e22, -3.25e-9} {
		want, _ := json.Marshal(v)
		if got := appendJSONNumber(nil, v); string(got) != string(want) {
			t.Errorf("appendJSONNumber(%v) = %s, encoding/json %s", v, got, want)
		}
	}
}
