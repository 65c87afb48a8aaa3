package session

import "sync"

// Message buffers that have one owner from encoding to the wire — a
// member's own `cursors` message, a packed frame — come from this pool and
// go back to it when melody reports the frame written (Outbox.Sent). A
// busy room encodes one such message per member per tick; allocating them
// was 80 % of the server's allocated bytes under load (docs/performance.md).
// Shared encodings (a broadcast, a catch-up message) are never pooled.
// The pool holds *[]byte so that putting a buffer back allocates nothing.
var msgBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledMsg keeps an outsized frame (a large welcome packed with
// others) from being held by the pool.
const maxPooledMsg = 64 << 10

// getMsgBuf returns an empty buffer of capacity ≥ n, owned by the caller
// until putMsgBuf.
func getMsgBuf(n int) *[]byte {
	p := msgBufs.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, 0, max(n, 256))
	}
	*p = (*p)[:0]
	return p
}

// putMsgBuf gives p back; nothing may use it afterwards.
func putMsgBuf(p *[]byte) {
	if cap(*p) > maxPooledMsg {
		*p = nil
	}
	msgBufs.Put(p)
}
