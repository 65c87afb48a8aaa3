package session

import "github.com/easel-app/easel/board"

// cursorBatch is what one member-facing `cursors` message is built from:
// each changed cursor encoded once, so a tick costs one encoding per cursor
// and one copy per recipient, not one encoding per (cursor, recipient).
type cursorBatch struct {
	c         entryList
	gone      []string
	mentioned map[string]struct{} // every peer of c and gone
	whole     []byte              // cached message with nothing skipped
}

func (b *cursorBatch) reset() {
	b.c.reset()
	b.gone, b.whole = b.gone[:0], nil
	clear(b.mentioned)
}

func (b *cursorBatch) add(c board.Cursor) {
	b.c.buf = appendCursorEntry(b.c.buf, c)
	b.c.done(c.Peer)
	b.mention(c.Peer)
}

func (b *cursorBatch) addGone(id string) {
	b.gone = append(b.gone, id)
	b.mention(id)
}

func (b *cursorBatch) mention(id string) { b.mentioned = mention(b.mentioned, id) }

// mention adds id to a batch's set of peers mentioned, made at first use.
func mention(set map[string]struct{}, id string) map[string]struct{} {
	if set == nil {
		set = make(map[string]struct{})
	}
	set[id] = struct{}{}
	return set
}

func (b *cursorBatch) empty() bool { return b.c.len() == 0 && len(b.gone) == 0 }

// has reports whether the batch mentions peer id (as a position or gone):
// a lookup, not a scan, since every recipient asks.
func (b *cursorBatch) has(id string) bool {
	_, ok := b.mentioned[id]
	return ok
}

// messageFor returns the `cursors` message for the member with peer id
// self, which never contains its own cursor; nil when nothing is left for
// it (see tickMessageFor). Ticks send it inside the member's tick frame
// (tickframe.go); the baseline (Tick 0) sends it alone.
func (b *cursorBatch) messageFor(self string) (msg []byte, owner *[]byte) {
	return tickMessageFor(b, &b.whole, self)
}

// tickBatch is a batch of one tick's entries from which each member's
// message is cut (cursorBatch, presenceBatch).
type tickBatch interface {
	empty() bool
	has(id string) bool // does the batch mention peer id
	size() int          // a bound on any of its messages' length
	// appendMessage appends the message without skip's entries to dst;
	// false, and dst as it was, when nothing is left for skip.
	appendMessage(dst []byte, skip string) ([]byte, bool)
}

// tickMessageFor returns b's message for the member with peer id self.
// Members not mentioned in the batch all share one encoding, cached in
// *whole (owner nil); a member that is gets a message of its own in a pool
// buffer, which owner holds for the outbox to give back once it is
// written.
func tickMessageFor(b tickBatch, whole *[]byte, self string) (msg []byte, owner *[]byte) {
	if b.empty() {
		return nil, nil
	}
	if !b.has(self) {
		if *whole == nil {
			*whole, _ = b.appendMessage(make([]byte, 0, b.size()), "")
		}
		return *whole, nil
	}
	owner = getMsgBuf(b.size())
	msg, ok := b.appendMessage((*owner)[:0], self)
	if !ok {
		putMsgBuf(owner)
		return nil, nil
	}
	*owner = msg
	return msg, owner
}

// size bounds the length of any message of the batch.
func (b *cursorBatch) size() int {
	size := len(`{"type":"cursors","c":[],"gone":[]}`) + b.c.size()
	for _, g := range b.gone {
		size += len(g) + 3
	}
	return size
}

func (b *cursorBatch) appendMessage(dst []byte, skip string) ([]byte, bool) {
	mark := len(dst)
	dst = append(dst, `{"type":"cursors","c":[`...)
	dst, n := b.c.appendTo(dst, skip)
	dst = append(dst, ']')
	gone := 0
	for _, id := range b.gone {
		if id == skip {
			continue
		}
		if gone == 0 {
			dst = append(dst, `,"gone":[`...)
		} else {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, id)
		gone++
	}
	if gone > 0 {
		dst = append(dst, ']')
	}
	if n == 0 && gone == 0 {
		return dst[:mark], false
	}
	return append(dst, '}'), true
}
