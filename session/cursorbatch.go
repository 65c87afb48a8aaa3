package session

import "github.com/easel-app/easel/board"

// cursorBatch is what one member-facing `cursors` message is built from:
// each changed cursor encoded once, so a tick costs one encoding per cursor
// and one copy per recipient, not one encoding per (cursor, recipient).
type cursorBatch struct {
	buf   []byte   // all entries, back to back
	ids   []string // peer id of entry i
	ends  []int    // entry i is buf[ends[i-1]:ends[i]]
	gone  []string
	whole []byte // cached message with nothing skipped
}

func (b *cursorBatch) reset() {
	b.buf, b.ids, b.ends, b.gone, b.whole = b.buf[:0], b.ids[:0], b.ends[:0], b.gone[:0], nil
}

func (b *cursorBatch) add(c board.Cursor) {
	b.buf = appendCursorEntry(b.buf, c)
	b.ids = append(b.ids, c.Peer)
	b.ends = append(b.ends, len(b.buf))
}

func (b *cursorBatch) addGone(id string) { b.gone = append(b.gone, id) }

func (b *cursorBatch) empty() bool { return len(b.ids) == 0 && len(b.gone) == 0 }

// has reports whether the batch mentions peer id (as a position or gone).
func (b *cursorBatch) has(id string) bool {
	for _, p := range b.ids {
		if p == id {
			return true
		}
	}
	for _, p := range b.gone {
		if p == id {
			return true
		}
	}
	return false
}

// messageFor returns the `cursors` message for the member with peer id
// self, which never contains its own cursor; nil when nothing is left for
// it. Members not mentioned in the batch all share one encoding.
func (b *cursorBatch) messageFor(self string) []byte {
	if !b.has(self) {
		if b.whole == nil {
			b.whole = b.encode("")
		}
		return b.whole
	}
	return b.encode(self)
}

func (b *cursorBatch) encode(skip string) []byte {
	size := len(`{"type":"cursors","c":[],"gone":[]}`) + len(b.buf) + len(b.ids)
	for _, g := range b.gone {
		size += len(g) + 3
	}
	msg := make([]byte, 0, size)
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
	return append(msg, '}')
}
