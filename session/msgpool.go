package session

import "sync"

// Message buffers that have one owner from encoding to the wire — a
// member's own tick frame (cursors and presence), a packed frame — come
// from these pools and go back when melody reports the frame written
// (Outbox.Sent). A busy room encodes one such frame per member per tick;
// allocating them was 80 % of the server's allocated bytes under load
// (docs/performance.md). Shared encodings (a broadcast, a catch-up
// message) are never pooled. The pools hold *[]byte so that putting a
// buffer back allocates nothing.
//
// Two size classes: frames of cursors are a few KB, while a tick of drafts
// can give each member hundreds of KB (200 members drafting 200-point
// strokes: 440 KB) — allocating and zeroing those each tick was half of
// such a tick's time. Keeping the classes apart means a large buffer never
// serves a small frame (and so is not held by a cursors-only room).
var (
	msgBufs      = sync.Pool{New: func() any { return new([]byte) }}
	largeMsgBufs = sync.Pool{New: func() any { return new([]byte) }}
)

const (
	// maxSmallMsg is the largest buffer of the small class.
	maxSmallMsg = 64 << 10
	// maxPooledMsg keeps an outsized frame (a large welcome packed with
	// others) from being held by the pools.
	maxPooledMsg = 1 << 20
)

// getMsgBuf returns an empty buffer of capacity ≥ n, owned by the caller
// until putMsgBuf.
func getMsgBuf(n int) *[]byte {
	pool := &msgBufs
	if n > maxSmallMsg {
		pool = &largeMsgBufs
	}
	p := pool.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, 0, max(n, 256))
	}
	*p = (*p)[:0]
	return p
}

// putMsgBuf gives p back; nothing may use it afterwards.
func putMsgBuf(p *[]byte) {
	switch c := cap(*p); {
	case c > maxPooledMsg:
		*p = nil
		msgBufs.Put(p)
	case c > maxSmallMsg:
		largeMsgBufs.Put(p)
	default:
		msgBufs.Put(p)
	}
}
