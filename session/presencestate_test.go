package session

import (
	"encoding/json"
	"testing"

	"github.com/easel-app/easel/board"
)

func everyonePresent(string) bool { return true }

func draftOf(peer string, gen uint64, el string) *board.Presence {
	d := board.Draft{Peer: peer, Gen: gen}
	if el != "" {
		d.El = json.RawMessage(el)
	}
	return &board.Presence{Drafts: []board.Draft{d}}
}

// A commit clears the draft it commits and every older one, whatever order
// the ops event and the tick events arrive in: a draft published by a tick
// that raced the commit (same gen) is ignored when it comes after, and a
// newer draft survives the commit.
func TestCommitClearsDraftsInEitherOrder(t *testing.T) {
	p := newRoomPresence()
	p.apply(draftOf("A", 1, `{"id":"x","w":1}`), everyonePresent)
	p.endFlush()

	// The commit of gen 2 arrives before gen 2 itself.
	if !p.clearCommitted("A", 2) {
		t.Fatal("the commit did not clear the shown draft (gen 1)")
	}
	p.endFlush()
	if p.apply(draftOf("A", 2, `{"id":"x","w":2}`), everyonePresent) || p.anyDraft() {
		t.Fatal("a draft the commit replaced came back after it")
	}

	// A newer draft, then the commit of an older one: the newer stays.
	p.apply(draftOf("A", 4, `{"id":"x","w":4}`), everyonePresent)
	p.endFlush()
	if p.clearCommitted("A", 3) || string(p.drafts["A"].el) != `{"id":"x","w":4}` {
		t.Fatal("a commit cleared a newer draft")
	}

	// The local pending draft of the author goes with its commit.
	p.localDrafts["A"] = localDraft{peer: "A", gen: 5}
	p.clearCommitted("A", 5)
	if p.localPending() {
		t.Fatal("the committed draft is still to be published")
	}
}

// A peer that leaves has its draft sent as cleared, and late news of it
// changes nothing.
func TestDroppedPeerDraftIsCleared(t *testing.T) {
	p := newRoomPresence()
	p.apply(draftOf("A", 1, `{"id":"x"}`), everyonePresent)
	p.apply(&board.Presence{Views: []board.View{{Peer: "A", W: 1, H: 1}}}, everyonePresent)
	p.endFlush()
	if !p.drop("A") {
		t.Fatal("dropping a drafting peer has nothing to send")
	}
	var b presenceBatch
	p.fillChanges(&b)
	if msg, _ := b.messageFor("B"); string(msg) != `{"type":"presence","drafts":[["A",null]]}` {
		t.Fatalf("after the drop: %s", msg)
	}
	p.endFlush()
	gone := func(string) bool { return false }
	if p.apply(draftOf("A", 2, `{"id":"y"}`), gone) || p.hasState() {
		t.Fatal("a late draft of a peer that left was taken in")
	}
}

// takeLocal publishes drafts up to the byte budget, at least one, and
// leaves the rest for the next tick.
func TestTakeLocalDefersDraftsPastTheBudget(t *testing.T) {
	p := newRoomPresence()
	for _, id := range []string{"A", "B", "C"} {
		p.localDrafts[id] = localDraft{peer: id, gen: 1, raw: json.RawMessage(`{"id":"0123456789"}`)}
	}
	_, drafts, deferred := p.takeLocal(1)
	if len(drafts) != 1 || deferred != 2 || len(p.localDrafts) != 2 {
		t.Fatalf("took %d, deferred %d, left %d; want 1, 2, 2", len(drafts), deferred, len(p.localDrafts))
	}
	_, drafts, deferred = p.takeLocal(1 << 20)
	if len(drafts) != 2 || deferred != 0 || p.localPending() {
		t.Fatalf("took %d, deferred %d; want the other 2", len(drafts), deferred)
	}
}
