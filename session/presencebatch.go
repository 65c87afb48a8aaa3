package session

import (
	"encoding/json"

	"github.com/easel-app/easel/board"
)

// presenceBatch is what one tick's `presence` messages are built from, as
// cursorBatch is for `cursors`: each draft, view, chat line and reaction
// encoded once per tick, each member's message a copy of the entries that
// are not its own:
//
//	{"type":"presence","drafts":[["<peer>",Element|null],…],
//	 "views":[["<peer>",x,y,w,h],…],"chat":[["<peer>","text"],…],
//	 "reactions":[["<peer>","emoji"],…],"summon":"<peer>"}
//
// with every field omitted when it has nothing for that member.
type presenceBatch struct {
	drafts, views, chat, reactions entryList
	// moreDrafts, when set, follows drafts in the same array: a catch-up
	// frame's cleared drafts after the room's state (conflate.go).
	moreDrafts *entryList
	summons    []string // in the order they came
	mentioned  map[string]struct{}
	whole      []byte // cached message with nothing skipped
}

func (b *presenceBatch) reset() {
	b.drafts.reset()
	b.views.reset()
	b.chat.reset()
	b.reactions.reset()
	b.summons, b.whole = b.summons[:0], nil
	clear(b.mentioned)
}

func (b *presenceBatch) empty() bool {
	return b.drafts.len() == 0 && (b.moreDrafts == nil || b.moreDrafts.len() == 0) &&
		b.views.len() == 0 && b.chat.len() == 0 && b.reactions.len() == 0 && len(b.summons) == 0
}

func (b *presenceBatch) has(id string) bool {
	_, ok := b.mentioned[id]
	return ok
}

// addDraft adds ["<peer>",el], or ["<peer>",null] for a cleared draft
// (el nil). el is the element as its author's node encoded it.
func (b *presenceBatch) addDraft(peer string, el json.RawMessage) {
	l := &b.drafts
	l.buf = append(l.buf, '[')
	l.buf = appendJSONString(l.buf, peer)
	l.buf = append(l.buf, ',')
	if el == nil {
		l.buf = append(l.buf, "null"...)
	} else {
		l.buf = append(l.buf, el...)
	}
	l.buf = append(l.buf, ']')
	b.done(l, peer)
}

// addView adds ["<peer>",x,y,w,h].
func (b *presenceBatch) addView(v board.View) {
	l := &b.views
	l.buf = append(l.buf, '[')
	l.buf = appendJSONString(l.buf, v.Peer)
	for _, f := range [4]float64{v.X, v.Y, v.W, v.H} {
		l.buf = append(l.buf, ',')
		l.buf = appendJSONNumber(l.buf, f)
	}
	l.buf = append(l.buf, ']')
	b.done(l, v.Peer)
}

// addChat adds ["<peer>","text"]; addReaction ["<peer>","emoji"].
func (b *presenceBatch) addChat(s board.Said)     { b.addSaid(&b.chat, s) }
func (b *presenceBatch) addReaction(s board.Said) { b.addSaid(&b.reactions, s) }

func (b *presenceBatch) addSaid(l *entryList, s board.Said) {
	l.buf = append(l.buf, '[')
	l.buf = appendJSONString(l.buf, s.Peer)
	l.buf = append(l.buf, ',')
	l.buf = appendJSONString(l.buf, s.Text)
	l.buf = append(l.buf, ']')
	b.done(l, s.Peer)
}

// addSummon records that peer asked everyone to follow it. A message has
// room for one summon: the latest of the tick that is not the recipient's
// own.
func (b *presenceBatch) addSummon(peer string) {
	b.summons = append(b.summons, peer)
	b.mentioned = mention(b.mentioned, peer)
}

func (b *presenceBatch) done(l *entryList, peer string) {
	l.done(peer)
	b.mentioned = mention(b.mentioned, peer)
}

// messageFor returns the `presence` message for the member with peer id
// self, never holding its own entries; nil when nothing is left for it.
// Ticks send it inside the member's tick frame (tickframe.go); the
// baseline (Tick 0) sends it alone.
func (b *presenceBatch) messageFor(self string) (msg []byte, owner *[]byte) {
	return tickMessageFor(b, &b.whole, self)
}

// presenceFields are the message's arrays, in the protocol's order.
var presenceFields = [...]string{`,"drafts":[`, `,"views":[`, `,"chat":[`, `,"reactions":[`}

func (b *presenceBatch) lists() [4]*entryList {
	return [4]*entryList{&b.drafts, &b.views, &b.chat, &b.reactions}
}

// more is the list that follows list i in its array, if any.
func (b *presenceBatch) more(i int) *entryList {
	if i == 0 {
		return b.moreDrafts
	}
	return nil
}

func (b *presenceBatch) size() int {
	size := len(`{"type":"presence","summon":}`)
	for i, l := range b.lists() {
		size += len(presenceFields[i]) + 1 + l.size()
		if more := b.more(i); more != nil {
			size += more.size() + 1
		}
	}
	longest := 0
	for _, s := range b.summons {
		longest = max(longest, len(s))
	}
	return size + 2 + 6*longest // a peer id escaped at worst
}

func (b *presenceBatch) appendMessage(dst []byte, skip string) ([]byte, bool) {
	mark := len(dst)
	dst = append(dst, `{"type":"presence"`...)
	empty := true
	for i, l := range b.lists() {
		field := len(dst)
		dst = append(dst, presenceFields[i]...)
		var n int
		if dst, n = appendLists(dst, skip, l, b.more(i)); n == 0 {
			dst = dst[:field]
			continue
		}
		dst = append(dst, ']')
		empty = false
	}
	for i := len(b.summons) - 1; i >= 0; i-- {
		if b.summons[i] != skip {
			dst = append(dst, `,"summon":`...)
			dst = appendJSONString(dst, b.summons[i])
			empty = false
			break
		}
	}
	if empty {
		return dst[:mark], false
	}
	return append(dst, '}'), true
}
