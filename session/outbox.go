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
	pending  [][]byte // messages not yet handed to melody; read-only, may be shared
	bytes    int      // total length of pending
	inflight bool     // a frame is queued in or being written by melody
	shut     bool
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
	if o.inflight || o.shut || o.pull == nil {
		return nil, false
	}
	chunk, then := o.pull()
	if chunk == nil {
		return nil, false
	}
	if then != nil {
		o.pending = append(o.pending, then)
		o.bytes += len(then)
	}
	o.inflight = true
	return chunk, true
}

// Enqueue adds one message (a JSON object without newline). The slice must
// not be modified afterwards; it may be shared between members. It reports
// false when the member is gone or just overflowed.
func (o *Outbox) Enqueue(msg []byte) bool {
	o.mu.Lock()
	if o.shut {
		o.mu.Unlock()
		return false
	}
	if o.bytes > 0 && o.bytes+len(msg) > o.limit {
		o.shut = true
		o.pending, o.bytes = nil, 0
		o.mu.Unlock()
		o.overflow()
		return false
	}
	o.pending = append(o.pending, msg)
	o.bytes += len(msg)
	frame, binary := o.nextLocked()
	o.mu.Unlock()
	o.hand(frame, binary)
	return true
}

// Sent is called when melody has written the previous frame; it hands over
// the next one if anything is waiting.
func (o *Outbox) Sent() {
	o.mu.Lock()
	o.inflight = false
	frame, binary := o.nextLocked()
	o.mu.Unlock()
	o.hand(frame, binary)
}

// Shut stops the outbox; what is pending is discarded (the connection is
// closing).
func (o *Outbox) Shut() {
	o.mu.Lock()
	o.shut = true
	o.pending, o.bytes = nil, 0
	o.mu.Unlock()
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
	var frame []byte
	if len(o.pending) == 1 {
		frame = o.pending[0] // the common case: no copy, the shared encoding goes out as is
	} else {
		frame = make([]byte, 0, o.bytes+len(o.pending)-1)
		for i, msg := range o.pending {
			if i > 0 {
				frame = append(frame, '\n')
			}
			frame = append(frame, msg...)
		}
	}
	clear(o.pending)
	o.pending, o.bytes = o.pending[:0], 0
	o.inflight = true
	return frame
}
