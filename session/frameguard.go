package session

import (
	"bufio"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
)

// errOneByteClose is what a guarded connection's reader returns at a close
// frame whose payload is a single byte.
var errOneByteClose = errors.New("close frame with a 1-byte payload")

// RFC 6455 §5.5.1: a close frame's body, if any, starts with a 2-byte status
// code, so a 1-byte body is a protocol error and the connection must fail.
// gorilla/websocket (under melody) reads a 1-byte body as "no status" and
// answers with a clean close, which would let a broken or hostile client
// pass for a polite one. gorilla offers no hook for it, so the upgraded
// connection reads through frameGuard, which follows the client's frame
// headers (it never looks at payloads) and stops the stream at such a
// frame; Hub.onError then closes with 1002.

// guardedWriter hands the WebSocket upgrade a connection whose reads pass
// through a frameGuard.
type guardedWriter struct{ http.ResponseWriter }

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
	return &frameGuard{Conn: conn}, brw, nil
}

// frameGuard is a net.Conn whose Read tracks the client's frame headers as
// they stream by. Only one goroutine (the read pump) reads.
type frameGuard struct {
	net.Conn
	hdr    [14]byte // the frame header being read
	held   int      // bytes of hdr read so far
	need   int      // the header's full length, once its 2nd byte is in
	remain uint64   // payload bytes of the current frame still to pass
	err    error    // sticky: the stream is stopped
}

// NetConn is the connection underneath, for socket options (as with TLS).
func (g *frameGuard) NetConn() net.Conn { return g.Conn }

func (g *frameGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.Conn.Read(p)
	headerStart := 0 // where in p the current header began (0: earlier read)
	for i := 0; i < n; {
		if g.remain > 0 {
			skip := min(uint64(n-i), g.remain)
			g.remain -= skip
			i += int(skip)
			continue
		}
		if g.held == 0 {
			headerStart = i
		}
		g.hdr[g.held] = p[i]
		g.held++
		i++
		if g.held == 2 {
			g.need = headerLength(g.hdr[1])
		}
		if g.held < 2 || g.held < g.need {
			continue
		}
		opcode, length := g.hdr[0]&0x0f, payloadLength(g.hdr[:g.held])
		if opcode == 0x8 && length == 1 {
			g.err = errOneByteClose
			return headerStart, nil // the frame never reaches the WebSocket reader
		}
		g.remain, g.held = length, 0
	}
	return n, err
}

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
