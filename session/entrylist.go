package session

// entryList is one array of a tick's message — cursor positions, drafts,
// views, chat lines — with each entry encoded once, back to back, and the
// peer it belongs to, so that a recipient's copy is the entries that are
// not its own, copied, never encoded again.
type entryList struct {
	buf  []byte   // all entries, back to back
	ids  []string // peer of entry i
	ends []int    // entry i is buf[ends[i-1]:ends[i]]
}

func (l *entryList) reset() { l.buf, l.ids, l.ends = l.buf[:0], l.ids[:0], l.ends[:0] }

// done records that the bytes appended to buf since the previous entry are
// one entry of peer.
func (l *entryList) done(peer string) {
	l.ids = append(l.ids, peer)
	l.ends = append(l.ends, len(l.buf))
}

func (l *entryList) len() int { return len(l.ids) }

// size bounds what appendTo adds: every entry and a comma each.
func (l *entryList) size() int { return len(l.buf) + len(l.ids) }

// appendTo appends the entries not of skip, comma-separated, and tells
// how many it appended.
func (l *entryList) appendTo(dst []byte, skip string) ([]byte, int) {
	n, start := 0, 0
	for i, id := range l.ids {
		end := l.ends[i]
		if id != skip {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, l.buf[start:end]...)
			n++
		}
		start = end
	}
	return dst, n
}

// copyFrom appends src's entries that are not skip's.
func (l *entryList) copyFrom(src *entryList, skip string) {
	start := 0
	for i, id := range src.ids {
		end := src.ends[i]
		if id != skip {
			l.buf = append(l.buf, src.buf[start:end]...)
			l.done(id)
		}
		start = end
	}
}

// appendLists is appendTo over several lists as if they were one; nil
// lists are skipped.
func appendLists(dst []byte, skip string, lists ...*entryList) ([]byte, int) {
	total := 0
	for _, l := range lists {
		if l == nil || l.len() == 0 {
			continue
		}
		if total > 0 {
			dst = append(dst, ',')
		}
		mark := len(dst)
		var n int
		if dst, n = l.appendTo(dst, skip); n == 0 && total > 0 {
			dst = dst[:mark-1] // the comma before an empty list
		}
		total += n
	}
	return dst, total
}
