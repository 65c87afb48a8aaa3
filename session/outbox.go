package session

import "sync"

// Outbox queues what a member is sent and packs it into frames. melody
// writes one frame per queued message, one syscall each; the outbox keeps at
// most one frame in melody's hands and collects everything that arrives
// meanwhile into the next frame, newline-delimited.
//
// Binary frames (export chunks) are pulled, not queued: only when no text
// waits does the outbox ask the member's downloads for the next chunk, so a
// cursor or an edit waits behind at most one chunk, never behind a file. A member that cannot
// keep up — more than limit bytes waiting (one message alone always fits,
// so a large snapshot can go out) — overflows once: the outbox shuts
// and overflow is called (outside the lock) to close the member with 1013.
// Nothing is ever dropped silently.
type Outbox struct {
	mu       sync.Mutex
	pending  [][]byte  // messages not yet handed to melody; read-only, may be shared
	owners   []*[]byte // pending[i]'s pool buffer when the outbox owns it, else nil
	bytes    int       // total length of pending
	inflight bool      // a frame is queued in or being written by melody
	// sending is the frame melody holds, and sendingOwner its pool buffer
	// when it is to be given back once written.
	sending      []byte
	sendingOwner *[]byte
	shut         bool
	// tickWaiting: a tick frame is in pending, not yet in melody's hands
	// (the room then skips the member's next tick: conflate.go).
	tickWaiting bool
	// drained, while set, is called once the text already waiting has
	// gone out (Drain): the member is closing and its close frame must
	// follow what it was last told.
	drained  func()
	limit    int
	write    func(frame []byte) // hands a frame to melody; must not block
	overflow func()

	// pull returns the next binary frame when one may go out, and a text
	// message to queue right after it (or nil, nil). It is called with mu
	// held, so it must not call back into the outbox.
	pull        func() (frame, then []byte)
	writeBinary func(frame []byte)
}

func newOutbox(limit int, write func([]byte), overflow func()) *Outbox {
	return &Outbox{limit: limit, write: write, overflow: overflow}
}

// Kick hands melody the next frame if the wire is idle: called when a
// download may send again (a new transfer, or an ack opened the window).
func (o *Outbox) Kick() {
	o.mu.Lock()
	frame, binary := o.nextLocked()
	o.mu.Unlock()
	o.hand(frame, binary)
}

func (o *Outbox) hand(frame []byte, binary bool) {
	switch {
	case frame == nil:
	case binary:
		o.writeBinary(frame)
	default:
		o.write(frame)
	}
}

// nextLocked picks what goes out next: text first, then a chunk.
func (o *Outbox) nextLocked() (frame []byte, binary bool) {
	if frame := o.takeLocked(); frame != nil {
		return frame, false
	}
	if o.inflight || o.shut || o.drained != nil || o.pull == nil {
		return nil, false
	}
	chunk, then := o.pull()
	if chunk == nil {
		return nil, false
	}
	if then != nil {
		o.pending = append(o.pending, then)
		o.owners = append(o.owners, nil)
		o.bytes += len(then)
	}
	o.inflight = true
	o.sending, o.sendingOwner = chunk, nil
	return chunk, true
}

// Enqueue adds one message (a JSON object without newline). The slice must
// not be modified afterwards; it may be shared between members. It reports
// false when the member is gone or just overflowed.
func (o *Outbox) Enqueue(msg []byte) bool { return o.enqueue(msg, nil) }

// EnqueueOwned is Enqueue for a message in a pool buffer that only this
// outbox holds: it goes back to the pool once written (or dropped).
func (o *Outbox) EnqueueOwned(buf *[]byte) bool { return o.enqueue(*buf, buf) }

// EnqueueTick is Enqueue (owner nil) or EnqueueOwned for a tick frame: the
// outbox remembers whether it has to wait behind a frame melody is still
// writing (TickWaiting).
func (o *Outbox) EnqueueTick(msg []byte, owner *[]byte) bool {
	return o.enqueueMarked(msg, owner, true)
}

// TickWaiting reports whether the last tick frame is still waiting for
// melody: the member has not begun to take it.
func (o *Outbox) TickWaiting() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tickWaiting
}

func (o *Outbox) enqueue(msg []byte, owner *[]byte) bool {
	return o.enqueueMarked(msg, owner, false)
}

func (o *Outbox) enqueueMarked(msg []byte, owner *[]byte, tick bool) bool {
	o.mu.Lock()
	if o.shut || o.drained != nil {
		o.mu.Unlock()
		release(owner)
		return false
	}
	if o.bytes > 0 && o.bytes+len(msg) > o.limit {
		o.shut = true
		o.dropPendingLocked()
		o.mu.Unlock()
		release(owner)
		o.overflow()
		return false
	}
	o.pending = append(o.pending, msg)
	o.owners = append(o.owners, owner)
	o.bytes += len(msg)
	o.tickWaiting = o.tickWaiting || tick
	frame, binary := o.nextLocked()
	o.mu.Unlock()
	o.hand(frame, binary)
	return true
}

// Sent is called when melody has written frame; if it is the frame this
// outbox handed over, the next one goes out (and a pooled frame goes back
// to the pool). Frames written around the outbox (the baseline's direct
// writes) change nothing.
func (o *Outbox) Sent(frame []byte) {
	o.mu.Lock()
	if !o.inflight || !sameFrame(frame, o.sending) {
		o.mu.Unlock()
		return
	}
	release(o.sendingOwner)
	o.sending, o.sendingOwner = nil, nil
	o.inflight = false
	next, binary := o.nextLocked()
	fire := o.takeDrainedLocked()
	o.mu.Unlock()
	o.hand(next, binary)
	if fire != nil {
		fire()
	}
}

// sameFrame tells whether a and b are the same slice of memory.
func sameFrame(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func release(owner *[]byte) {
	if owner != nil {
		putMsgBuf(owner)
	}
}

// Shut stops the outbox; what is pending is discarded (the connection is
// closing).
func (o *Outbox) Shut() {
	o.mu.Lock()
	o.shut = true
	o.dropPendingLocked()
	fire := o.drained
	o.drained = nil
	o.mu.Unlock()
	if fire != nil {
		fire()
	}
}

// Drain is the polite Shut: the outbox takes no more messages and pulls no
// more chunks, but the text already waiting still goes out (in one more
// frame), and then is called, once, outside the lock: at once when the wire
// is idle, else by Sent after the last frame is written, or by a Shut that
// gives up waiting. So an error that explains a close reaches the client
// before the close frame, and a client that does not read delays the close
// only until the caller's Shut.
func (o *Outbox) Drain(then func()) {
	o.mu.Lock()
	if o.shut || o.drained != nil {
		o.mu.Unlock()
		then()
		return
	}
	o.drained = then
	frame, binary := o.nextLocked()
	fire := o.takeDrainedLocked()
	o.mu.Unlock()
	o.hand(frame, binary)
	if fire != nil {
		fire()
	}
}

// takeDrainedLocked returns the Drain callback once nothing waits and
// nothing is in flight.
func (o *Outbox) takeDrainedLocked() func() {
	if o.drained == nil || o.inflight || len(o.pending) > 0 {
		return nil
	}
	fire := o.drained
	o.drained = nil
	return fire
}

// dropPendingLocked discards what waits, giving pooled buffers back. The
// frame in melody's hands is left alone: melody may still be writing it.
func (o *Outbox) dropPendingLocked() {
	for _, owner := range o.owners {
		release(owner)
	}
	o.pending, o.owners, o.bytes = nil, nil, 0
	o.tickWaiting = false
}

// inFlight is the frame melody holds, if any (for tests).
func (o *Outbox) inFlight() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sending
}

// Pending reports the bytes waiting (for tests and metrics).
func (o *Outbox) Pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.bytes
}

// takeLocked returns the next frame if melody is free and something waits.
func (o *Outbox) takeLocked() []byte {
	if o.inflight || o.shut || len(o.pending) == 0 {
		return nil
	}
	if len(o.pending) == 1 {
		// The common case: no copy; a shared encoding goes out as is.
		o.sending, o.sendingOwner = o.pending[0], o.owners[0]
	} else {
		buf := getMsgBuf(o.bytes + len(o.pending) - 1)
		frame := *buf
		for i, msg := range o.pending {
			if i > 0 {
				frame = append(frame, '\n')
			}
			frame = append(frame, msg...)
			release(o.owners[i]) // copied: its buffer is free
		}
		*buf = frame
		o.sending, o.sendingOwner = frame, buf
	}
	clear(o.pending)
	clear(o.owners)
	o.pending, o.owners, o.bytes = o.pending[:0], o.owners[:0], 0
	o.inflight, o.tickWaiting = true, false
	return o.sending
}
