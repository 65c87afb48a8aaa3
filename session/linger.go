package session

import (
	"sync"
	"time"
)

// A lingering close, as nginx does it. When the server closes a connection
// (a protocol or policy violation, an oversized frame, a slow consumer,
// shutdown), the client may still be sending: the rest of an oversized
// frame, the tail of a flood. Closing the socket with those bytes unread
// makes the kernel answer with a reset, which fails the client's pending
// send and may discard the close frame before the client reads it — the
// client then sees 1006, not the documented code. So once the close frame
// is out, the socket is handed to a linger: it reads and discards what the
// client sends (at most lingerDrain bytes), until the client's own close
// frame or EOF, then closes; past the drain cap it keeps the socket open,
// unread, until the linger time is up. The member has left and the melody
// session has ended by then: only the socket and one goroutine remain, and
// at most Config.MaxLingering of them — beyond that, sockets close at once.

// lingerDrain is the most a lingering connection reads and discards.
const lingerDrain = 8 << 20

// lingerBuffer is each linger's read buffer (pooled).
const lingerBuffer = 16 << 10

// lingerer bounds the lingering connections of one Hub.
type lingerer struct {
	slots   chan struct{}
	wait    time.Duration // how long a socket lingers at most
	buffers sync.Pool

	// mu orders start's Add against Wait: once Wait has begun (stopped),
	// no linger starts, so the WaitGroup is never added to while waited on
	// at zero.
	mu      sync.Mutex
	stopped bool
	running sync.WaitGroup
}

func newLingerer(limit int, wait time.Duration) *lingerer {
	l := &lingerer{slots: make(chan struct{}, max(limit, 0)), wait: wait}
	l.buffers.New = func() any { b := make([]byte, lingerBuffer); return &b }
	return l
}

// start claims a slot; false when every slot is taken (or lingering is
// off), and the caller closes at once.
func (l *lingerer) start() bool {
	if l.wait <= 0 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return false
	}
	select {
	case l.slots <- struct{}{}:
		l.running.Add(1)
		return true
	default:
		return false
	}
}

// Wait stops new lingers (a socket closing from now on closes at once) and
// blocks until every lingering socket is closed (at most the linger time,
// since each ends by then).
func (l *lingerer) Wait() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
	l.running.Wait()
}

// linger runs on its own goroutine after start: it drains the client's
// bytes, then closes. It takes the read lock, so it begins only once the
// read pump's last read has returned (the close frame's write woke it).
func (g *frameGuard) linger() {
	l := g.lingers
	defer func() {
		<-l.slots
		l.running.Done()
	}()
	g.readMu.Lock()
	defer g.readMu.Unlock()
	deadline := time.Now().Add(l.wait)
	g.Conn.SetReadDeadline(deadline)
	buf := l.buffers.Get().(*[]byte)
	defer l.buffers.Put(buf)

	var drained int64
	var err error
	for drained < lingerDrain && err == nil && !g.answered() {
		var n int
		n, err = g.Conn.Read((*buf)[:min(len(*buf), int(lingerDrain-drained))])
		drained += int64(n)
		g.track((*buf)[:n])
	}
	if !g.answered() && err == nil {
		// The drain cap was reached with the client still sending: keep
		// the socket open, unread, so that the close frame still has its
		// chance to be read, until the linger time is up.
		time.Sleep(time.Until(deadline))
	}
	g.Conn.Close()
}

// answered reports whether the client's close frame has been read whole:
// it sends nothing after it, so nothing is left to drain.
func (g *frameGuard) answered() bool { return g.peerClosed && g.in.between() }
