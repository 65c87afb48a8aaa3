package session

import (
	"bufio"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// errOneByteClose is what a guarded connection's reader returns at a close
// frame whose payload is a single byte.
var errOneByteClose = errors.New("close frame with a 1-byte payload")

// errCloseSent is what a guarded connection's reader returns once this
// side's close frame is out.
var errCloseSent = errors.New("close frame sent: no further message is read")

// aLongTimeAgo is a read deadline in the past: it wakes a blocked read.
var aLongTimeAgo = time.Unix(1, 0)

// RFC 6455 §5.5.1: a close frame's body, if any, starts with a 2-byte status
// code, so a 1-byte body is a protocol error and the connection must fail.
// gorilla/websocket (under melody) reads a 1-byte body as "no status" and
// answers with a clean close, which would let a broken or hostile client
// pass for a polite one. gorilla offers no hook for it, so the upgraded
// connection reads through frameGuard, which follows the client's frame
// headers (it never looks at payloads) and stops the stream at such a
// frame; Hub.onError then closes with 1002.

// guardedWriter hands the WebSocket upgrade a connection whose reads pass
// through a frameGuard; lingers bounds the guards that linger after a close.
type guardedWriter struct {
	http.ResponseWriter
	lingers *lingerer
	// hijacked is called once the connection is taken over: from then on
	// nothing uses the ResponseWriter, and the HTTP handler may return.
	hijacked func()
}

func (w guardedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("the connection cannot be taken over for a WebSocket")
	}
	conn, brw, err := h.Hijack()
	if err != nil || brw.Reader.Buffered() > 0 {
		// Bytes before the handshake's end: gorilla refuses the upgrade.
		return conn, brw, err
	}
	w.hijacked()
	return &frameGuard{Conn: conn, lingers: w.lingers}, brw, nil
}

// frameGuard is a net.Conn whose Read tracks the client's frame headers as
// they stream by, and whose Write tracks the server's, to notice the close
// frame going out (whoever writes it: Member.closeWith, or gorilla itself
// at an oversized frame). From then on the WebSocket reader gets
// errCloseSent — no further message is handled — and Close hands the
// socket to a lingering close (linger.go) instead of closing it under the
// client's unread data. Only one goroutine reads at a time (the read pump,
// then the linger: readMu); gorilla serializes writes.
type frameGuard struct {
	net.Conn
	lingers *lingerer

	readMu     sync.Mutex
	in         frameScanner // the client's frames
	peerClosed bool         // the client's close frame was read, whole
	err        error        // sticky: the stream is stopped

	respEnd   int          // bytes of the response's closing CRLFCRLF written (4: done)
	out       frameScanner // the server's frames (under gorilla's write lock)
	closeSent atomic.Bool
	closeOnce sync.Once
}

// NetConn is the connection underneath, for socket options (as with TLS).
func (g *frameGuard) NetConn() net.Conn { return g.Conn }

func (g *frameGuard) Read(p []byte) (int, error) {
	// Held by the linger only once the close is out: the read pump must
	// not wait for it.
	if g.closeSent.Load() || !g.readMu.TryLock() {
		return 0, errCloseSent
	}
	defer g.readMu.Unlock()
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.Conn.Read(p)
	if pass, ok := g.track(p[:n]); !ok {
		g.err = errOneByteClose
		return pass, nil // the frame never reaches the WebSocket reader
	}
	if g.closeSent.Load() {
		return 0, errCloseSent // the close went out while this read waited
	}
	return n, err
}

// track follows the client's headers through p. It returns false, and how
// much of p comes before the offending frame, at a close frame with a
// 1-byte body.
func (g *frameGuard) track(p []byte) (int, bool) {
	pass, ok := 0, true
	g.in.scan(p, func(opcode byte, length uint64, start int) bool {
		if opcode == 0x8 {
			if length == 1 {
				pass, ok = start, false
				return false
			}
			g.peerClosed = true
		}
		return true
	})
	return pass, ok
}

// Write marks the close frame once it is out, and wakes the read pump so
// that it stops at once instead of handling what the client still sends.
func (g *frameGuard) Write(p []byte) (int, error) {
	n, err := g.Conn.Write(p)
	frames := g.skipHandshake(p[:n])
	closing := false
	g.out.scan(frames, func(opcode byte, _ uint64, _ int) bool {
		closing = closing || opcode == 0x8
		return true
	})
	if closing && !g.closeSent.Swap(true) {
		g.Conn.SetReadDeadline(aLongTimeAgo)
	}
	return n, err
}

// skipHandshake returns what of p follows the HTTP response that opens
// the connection (gorilla writes it through the guard too): frames start
// after its blank line.
func (g *frameGuard) skipHandshake(p []byte) []byte {
	for i := 0; i < len(p) && g.respEnd < 4; i++ {
		switch {
		case p[i] == "\r\n\r\n"[g.respEnd]:
			g.respEnd++
		case p[i] == '\r':
			g.respEnd = 1
		default:
			g.respEnd = 0
		}
		if g.respEnd == 4 {
			return p[i+1:]
		}
	}
	if g.respEnd < 4 {
		return nil
	}
	return p
}

// SetReadDeadline is ignored once the close frame is out: the read side is
// over (melody's pong handler and closeWith would otherwise re-arm a read
// that must stay woken), and the linger sets its own deadline.
func (g *frameGuard) SetReadDeadline(t time.Time) error {
	if g.closeSent.Load() {
		return nil
	}
	return g.Conn.SetReadDeadline(t)
}

// Close closes the socket at once, unless this side sent a close frame:
// then the socket lingers (linger.go), within the lingerer's cap.
func (g *frameGuard) Close() error {
	var err error
	g.closeOnce.Do(func() {
		if g.closeSent.Load() && g.lingers != nil && g.lingers.start() {
			go g.linger()
			return
		}
		err = g.Conn.Close()
	})
	return err
}

// frameScanner follows the frame headers of one direction of a WebSocket
// stream; it never looks at payloads.
type frameScanner struct {
	hdr    [14]byte // the frame header being read
	held   int      // bytes of hdr read so far
	need   int      // the header's full length, once its 2nd byte is in
	remain uint64   // payload bytes of the current frame still to pass
}

// scan feeds p through the scanner, calling onHeader at each complete
// header with where in p it began (0 when it began in an earlier call);
// onHeader returning false stops the scan there.
func (s *frameScanner) scan(p []byte, onHeader func(opcode byte, length uint64, start int) bool) {
	headerStart := 0
	for i := 0; i < len(p); {
		if s.remain > 0 {
			skip := min(uint64(len(p)-i), s.remain)
			s.remain -= skip
			i += int(skip)
			continue
		}
		if s.held == 0 {
			headerStart = i
		}
		s.hdr[s.held] = p[i]
		s.held++
		i++
		if s.held == 2 {
			s.need = headerLength(s.hdr[1])
		}
		if s.held < 2 || s.held < s.need {
			continue
		}
		opcode, length := s.hdr[0]&0x0f, payloadLength(s.hdr[:s.held])
		if !onHeader(opcode, length, headerStart) {
			return
		}
		s.remain, s.held = length, 0
	}
}

// between reports whether the scanner stands between two frames.
func (s *frameScanner) between() bool { return s.held == 0 && s.remain == 0 }

// headerLength is a frame header's length from its second byte: the mask
// bit and the 7-bit length say how many bytes follow.
func headerLength(b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4 // masking key
	}
	return n
}

func payloadLength(hdr []byte) uint64 {
	switch n := hdr[1] & 0x7f; n {
	case 126:
		return uint64(binary.BigEndian.Uint16(hdr[2:4]))
	case 127:
		return binary.BigEndian.Uint64(hdr[2:10])
	default:
		return uint64(n)
	}
}
