package session

import "github.com/easel-app/easel/board"

// cursorBatch is what one member-facing `cursors` message is built from:
// each changed cursor encoded once, so a tick costs one encoding per cursor
// and one copy per recipient, not one encoding per (cursor, recipient).
type cursorBatch struct {
	buf       []byte   // all entries, back to back
	ids       []string // peer id of entry i
	ends      []int    // entry i is buf[ends[i-1]:ends[i]]
	gone      []string
	mentioned map[string]struct{} // every id in ids and gone
	whole     []byte              // cached message with nothing skipped
}

func (b *cursorBatch) reset() {
	b.buf, b.ids, b.ends, b.gone, b.whole = b.buf[:0], b.ids[:0], b.ends[:0], b.gone[:0], nil
	clear(b.mentioned)
}

func (b *cursorBatch) add(c board.Cursor) {
	b.buf = appendCursorEntry(b.buf, c)
	b.ids = append(b.ids, c.Peer)
	b.ends = append(b.ends, len(b.buf))
	b.mention(c.Peer)
}

func (b *cursorBatch) addGone(id string) {
	b.gone = append(b.gone, id)
	b.mention(id)
}

func (b *cursorBatch) mention(id string) {
	if b.mentioned == nil {
		b.mentioned = make(map[string]struct{})
	}
	b.mentioned[id] = struct{}{}
}

func (b *cursorBatch) empty() bool { return len(b.ids) == 0 && len(b.gone) == 0 }

// has reports whether the batch mentions peer id (as a position or gone):
// a lookup, not a scan, since every recipient asks.
func (b *cursorBatch) has(id string) bool {
	_, ok := b.mentioned[id]
	return ok
}

// messageFor returns the `cursors` message for the member with peer id
// self, which never contains its own cursor; nil when nothing is left for
// it. Members not mentioned in the batch all share one encoding (owner
// nil); a member that is gets a message of its own in a pool buffer, which
// owner holds for the outbox to give back once it is written.
func (b *cursorBatch) messageFor(self string) (msg []byte, owner *[]byte) {
	if !b.has(self) {
		if b.whole == nil {
			b.whole = b.encode("", nil)
		}
		return b.whole, nil
	}
	owner = getMsgBuf(b.size())
	msg = b.encode(self, owner)
	if msg == nil {
		putMsgBuf(owner)
		return nil, nil
	}
	return msg, owner
}

// size bounds the length of any message of the batch.
func (b *cursorBatch) size() int {
	size := len(`{"type":"cursors","c":[],"gone":[]}`) + len(b.buf) + len(b.ids)
	for _, g := range b.gone {
		size += len(g) + 3
	}
	return size
}

// encode writes the message without skip's entries, into *into when given
// (which must hold size() bytes), or into a new buffer.
func (b *cursorBatch) encode(skip string, into *[]byte) []byte {
	var msg []byte
	if into != nil {
		msg = (*into)[:0]
	} else {
		msg = make([]byte, 0, b.size())
	}
	msg = append(msg, `{"type":"cursors","c":[`...)
	n, start := 0, 0
	for i, id := range b.ids {
		end := b.ends[i]
		if id != skip {
			if n > 0 {
				msg = append(msg, ',')
			}
			msg = append(msg, b.buf[start:end]...)
			n++
		}
		start = end
	}
	msg = append(msg, ']')
	gone := 0
	for _, id := range b.gone {
		if id == skip {
			continue
		}
		if gone == 0 {
			msg = append(msg, `,"gone":[`...)
		} else {
			msg = append(msg, ',')
		}
		msg = appendJSONString(msg, id)
		gone++
	}
	if gone > 0 {
		msg = append(msg, ']')
	}
	if n == 0 && gone == 0 {
		return nil
	}
	msg = append(msg, '}')
	if into != nil {
		*into = msg
	}
	return msg
}
