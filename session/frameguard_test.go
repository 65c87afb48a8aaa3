package session

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
)

// chunkedConn serves a byte stream in reads of at most size bytes, as TCP
// may split it anywhere.
type chunkedConn struct {
	net.Conn
	r    *bytes.Reader
	size int
}

func (c *chunkedConn) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.size)]) }

// clientFrame is a masked client frame (the mask is zero: the bytes are
// the payload itself, which is all the guard needs).
func clientFrame(opcode byte, payload []byte) []byte {
	f := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	case n < 1<<16:
		f = append(f, 0x80|126, byte(n>>8), byte(n))
	default:
		f = append(f, 0x80|127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	f = append(f, 0, 0, 0, 0)
	return append(f, payload...)
}

func TestFrameGuardStopsAtAOneByteClose(t *testing.T) {
	var good []byte
	good = append(good, clientFrame(0x1, []byte(`{"type":"cursor","x":1,"y":2}`))...)
	good = append(good, clientFrame(0x1, bytes.Repeat([]byte("a"), 300))...)   // 16-bit length
	good = append(good, clientFrame(0x2, bytes.Repeat([]byte("b"), 70000))...) // 64-bit length
	good = append(good, clientFrame(0x9, []byte("ping"))...)
	good = append(good, clientFrame(0x8, []byte{0x03, 0xe8})...) // a proper close: passes
	stream := append(append([]byte{}, good...), clientFrame(0x8, []byte{0x03})...)
	stream = append(stream, clientFrame(0x1, []byte("after"))...)

	for _, size := range []int{1, 3, 7, 4096, len(stream)} {
		g := &frameGuard{Conn: &chunkedConn{r: bytes.NewReader(stream), size: size}}
		got, err := io.ReadAll(g)
		if !errors.Is(err, errOneByteClose) {
			t.Fatalf("reads of %d: err %v, want errOneByteClose", size, err)
		}
		// Everything before the bad frame passes; of the bad frame, at
		// most the header bytes that came in earlier reads (the reader
		// then fails mid-header), never the whole frame.
		if !bytes.HasPrefix(got, good) || len(got) >= len(good)+6 {
			t.Fatalf("reads of %d: passed %d bytes, want the %d before the bad close frame and less than its header", size, len(got), len(good))
		}
	}
}

func TestFrameGuardPassesAProperStream(t *testing.T) {
	stream := append(clientFrame(0x1, []byte("hello")), clientFrame(0x8, nil)...)
	g := &frameGuard{Conn: &chunkedConn{r: bytes.NewReader(stream), size: 2}}
	got, err := io.ReadAll(g)
	if err != nil || !bytes.Equal(got, stream) {
		t.Fatalf("got %d bytes, err %v; want the whole stream", len(got), err)
	}
}
