package session

// tickFrame is what one flush sends each member: its `cursors` message
// and its `presence` message, newline-joined in one buffer, so that they
// leave in one frame and the bytes are copied once per member — cut
// straight from the batches, never packed again by the outbox (a tick's
// drafts can be hundreds of KB per member). Members mentioned in neither
// batch all share one encoding.
type tickFrame struct {
	cursors    *cursorBatch
	presence   *presenceBatch
	shared     []byte
	sharedDone bool
}

// frameFor returns the frame for the member with peer id self, never
// holding its own entries: shared (owner nil), or its own in a pool
// buffer, which owner holds for the outbox to give back once written;
// nil when the tick has nothing for it.
func (f *tickFrame) frameFor(self string) (frame []byte, owner *[]byte) {
	if !f.cursors.has(self) && !f.presence.has(self) {
		if !f.sharedDone {
			f.shared, f.sharedDone = f.appendFrame(nil, ""), true
		}
		return f.shared, nil
	}
	owner = getMsgBuf(f.cursors.size() + 1 + f.presence.size())
	frame = f.appendFrame((*owner)[:0], self)
	if len(frame) == 0 {
		putMsgBuf(owner)
		return nil, nil
	}
	*owner = frame
	return frame, owner
}

func (f *tickFrame) appendFrame(dst []byte, skip string) []byte {
	for _, b := range [2]tickBatch{f.cursors, f.presence} {
		if b.empty() {
			continue
		}
		mark := len(dst)
		if mark > 0 {
			dst = append(dst, '\n')
		}
		var ok bool
		if dst, ok = b.appendMessage(dst, skip); !ok {
			dst = dst[:mark]
		}
	}
	return dst
}
