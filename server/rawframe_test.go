package server

// A subset of the Autobahn TestSuite (sections 2, 3, 4, 5, 6 and 7), ported
// as Go tests that speak raw RFC 6455 frames to the real server. gorilla's
// client cannot be used for these: it refuses to build the broken frames
// the server must reject, and it hides the server's close frame behind its
// own handling. Every case also checks that a well-behaved member of the
// same board keeps working after the misbehaving connection is gone.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// Opcodes (RFC 6455 section 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// rawFrame is one frame exactly as it goes on the wire, so a test can set
// any bit, including the ones RFC 6455 forbids.
type rawFrame struct {
	fin      bool
	rsv      byte // RSV1..RSV3 as a 3-bit number: 4 = RSV1, 2 = RSV2, 1 = RSV3
	opcode   byte
	payload  []byte
	unmasked bool // a client MUST mask (section 5.1); true breaks that rule
}

// rawConn is a WebSocket client written by hand over a plain TCP
// connection. Every read has a deadline: a server that does not answer
// fails the test instead of hanging it.
type rawConn struct {
	t         testing.TB
	conn      net.Conn
	br        *bufio.Reader
	sentClose bool // a close frame went out: do not answer the server's
}

const rawTimeout = 5 * time.Second

// dialRaw opens a TCP connection and performs the opening handshake
// (section 4.1) by hand, offering easel.v1.
func dialRaw(t testing.TB, wsURL string) *rawConn {
	t.Helper()
	u, err := url.Parse(wsURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, rawTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	rc := &rawConn{t: t, conn: conn, br: bufio.NewReader(conn)}

	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	req := "GET " + u.RequestURI() + " HTTP/1.1\r\n" +
		"Host: " + u.Host + "\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Protocol: easel.v1\r\n\r\n"
	conn.SetDeadline(time.Now().Add(rawTimeout))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	// A 101 response has no body, so ReadResponse leaves whatever follows
	// the headers (the first frames) in br.
	res, err := http.ReadResponse(rc.br, &http.Request{Method: http.MethodGet})
	if err != nil {
		t.Fatalf("reading the handshake response: %v", err)
	}
	conn.SetDeadline(time.Time{})
	if res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: status %d, want 101", res.StatusCode)
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if got, want := res.Header.Get("Sec-WebSocket-Accept"), base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Fatalf("Sec-WebSocket-Accept = %q, want %q", got, want)
	}
	if got := res.Header.Get("Sec-WebSocket-Protocol"); got != "easel.v1" {
		t.Fatalf("server selected subprotocol %q, want easel.v1", got)
	}
	return rc
}

// encode builds a frame's bytes: header, extended length (126: 16-bit,
// 127: 64-bit), a random mask key and the masked payload.
func (f rawFrame) encode() []byte {
	var b bytes.Buffer
	b0 := f.rsv<<4 | f.opcode&0x0f
	if f.fin {
		b0 |= 0x80
	}
	b.WriteByte(b0)
	var maskBit byte = 0x80
	if f.unmasked {
		maskBit = 0
	}
	switch n := len(f.payload); {
	case n <= 125:
		b.WriteByte(maskBit | byte(n))
	case n <= 0xffff:
		b.WriteByte(maskBit | 126)
		binary.Write(&b, binary.BigEndian, uint16(n))
	default:
		b.WriteByte(maskBit | 127)
		binary.Write(&b, binary.BigEndian, uint64(n))
	}
	if f.unmasked {
		b.Write(f.payload)
		return b.Bytes()
	}
	var key [4]byte
	rand.Read(key[:])
	b.Write(key[:])
	for i, p := range f.payload {
		b.WriteByte(p ^ key[i%4])
	}
	return b.Bytes()
}

// write sends each frame in a single Write, so the server's buffered
// reader holds all of a frame at once: a server that stops reading after a
// bad header then closes a socket with nothing unread (no RST racing its
// close frame).
func (c *rawConn) write(frames ...rawFrame) {
	c.t.Helper()
	for _, f := range frames {
		if err := c.tryWrite(f); err != nil {
			c.t.Fatalf("writing frame (opcode %#x): %v", f.opcode, err)
		}
	}
}

func (c *rawConn) tryWrite(f rawFrame) error {
	if f.opcode == opClose {
		c.sentClose = true
	}
	c.conn.SetWriteDeadline(time.Now().Add(rawTimeout))
	_, err := c.conn.Write(f.encode())
	return err
}

// readFrame reads one server frame. Servers never mask (section 5.1).
func (c *rawConn) readFrame(deadline time.Time) (rawFrame, error) {
	c.conn.SetReadDeadline(deadline)
	var h [2]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return rawFrame{}, err
	}
	f := rawFrame{fin: h[0]&0x80 != 0, rsv: h[0] >> 4 & 7, opcode: h[0] & 0x0f}
	if h[1]&0x80 != 0 {
		return f, errors.New("the server masked a frame (RFC 6455 section 5.1: it MUST NOT)")
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var ext [2]byte
		if _, err := io.ReadFull(c.br, ext[:]); err != nil {
			return f, err
		}
		n = uint64(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		if _, err := io.ReadFull(c.br, ext[:]); err != nil {
			return f, err
		}
		n = binary.BigEndian.Uint64(ext[:])
	}
	if n > 16<<20 {
		return f, fmt.Errorf("server frame of %d bytes", n)
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(c.br, f.payload); err != nil {
		return f, err
	}
	return f, nil
}

// next reads frames until one has the given opcode; the others (text the
// server queued, its pings) are skipped. A close frame while waiting for
// something else fails the test.
func (c *rawConn) next(opcode byte) rawFrame {
	c.t.Helper()
	deadline := time.Now().Add(rawTimeout)
	for {
		f, err := c.readFrame(deadline)
		if err != nil {
			c.t.Fatalf("waiting for a frame with opcode %#x: %v", opcode, err)
		}
		if f.opcode == opcode {
			return f
		}
		if f.opcode == opClose {
			code, reason := parseClose(f.payload)
			c.t.Fatalf("waiting for a frame with opcode %#x: the server closed with %d %q", opcode, code, reason)
		}
	}
}

// hello says hello and waits for the welcome (which may share its frame
// with other newline-delimited messages); it returns the member's peer id.
func (c *rawConn) hello() string {
	c.t.Helper()
	c.write(rawFrame{fin: true, opcode: opText, payload: []byte(`{"type":"hello","name":"raw","color":"#123456"}`)})
	for {
		f := c.next(opText)
		for _, line := range bytes.Split(f.payload, []byte("\n")) {
			var m wireMsg
			if err := json.Unmarshal(line, &m); err != nil {
				c.t.Fatalf("server line is not JSON: %q", line)
			}
			if m.Type == "welcome" {
				return m.You
			}
		}
	}
}

// parseClose splits a close payload; 1005 stands for "no status code"
// (an empty body), as in section 7.1.5.
func parseClose(p []byte) (int, string) {
	if len(p) < 2 {
		return 1005, string(p)
	}
	return int(binary.BigEndian.Uint16(p)), string(p[2:])
}

// expectClose reads up to the server's close frame (skipping what the
// server queued before it), answers it as section 5.5.1 asks unless this
// side already sent a close, and then requires the server to close the TCP
// connection without writing anything more. It returns the close code.
func (c *rawConn) expectClose() int {
	c.t.Helper()
	f := c.next(opClose)
	if !f.fin {
		c.t.Errorf("the server's close frame is fragmented")
	}
	if len(f.payload) == 1 {
		c.t.Errorf("the server's close frame has a 1-byte body")
	}
	code, reason := parseClose(f.payload)
	if !utf8.ValidString(reason) {
		c.t.Errorf("the server's close reason is not UTF-8: %q", reason)
	}
	c.t.Logf("server closed with %d %q", code, reason)
	if !c.sentClose {
		// Echo the code; the server may already have dropped the TCP
		// connection (it fails the connection on protocol errors), so a
		// write error here is expected and not interesting.
		echo := []byte{}
		if code != 1005 {
			echo = binary.BigEndian.AppendUint16(nil, uint16(code))
		}
		c.tryWrite(rawFrame{fin: true, opcode: opClose, payload: echo})
	}
	c.expectEOF()
	return code
}

// expectEOF requires the server to close the TCP connection: EOF, or a
// reset (our close answer may reach a socket the server already closed).
// The server closes at the latest after CloseGrace (2 s) when it waits
// for our answer, so the deadline is generous.
func (c *rawConn) expectEOF() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(rawTimeout))
	buf := make([]byte, 512)
	for {
		n, err := c.br.Read(buf)
		if n > 0 {
			c.t.Errorf("the server wrote %d bytes after its close frame: %q", n, buf[:n])
		}
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
			return
		}
		c.t.Fatalf("waiting for the server to close the TCP connection: %v", err)
	}
}

// rawScene is one board with two well-behaved members around the raw
// connection: watcher, which must see what the raw client did and then
// keep getting updates, and mover, whose cursor moves prove it.
type rawScene struct {
	url            string
	watcher, mover *wsClient
	rawID          string // set once the raw client is welcomed
}

func newRawScene(t *testing.T, app *testApp) *rawScene {
	t.Helper()
	b := app.createBoard(t)
	s := &rawScene{url: app.wsURL(b.EditURL + "/ws")}
	s.watcher = join(t, s.url, "watcher")
	s.mover = join(t, s.url, "mover")
	return s
}

// stillWorks checks that the room outlived the raw connection: the watcher
// sees the raw member leave (when it had joined) and then still gets the
// mover's cursor.
func (s *rawScene) stillWorks(t *testing.T) {
	t.Helper()
	if s.rawID != "" {
		s.watcher.waitUntil("the raw member's leave", func(msgs []wireMsg) bool { return hasLeave(msgs, s.rawID) })
	}
	s.mover.moveTo(7, 8)
	mover := s.mover.you
	s.watcher.waitUntil("the mover's cursor at 7,8", func(msgs []wireMsg) bool {
		return cursorsSeen(msgs)[mover] == [2]float64{7, 8}
	})
}

func text(fin bool, s string) rawFrame {
	return rawFrame{fin: fin, opcode: opText, payload: []byte(s)}
}

func continuation(fin bool, s string) rawFrame {
	return rawFrame{fin: fin, opcode: opContinuation, payload: []byte(s)}
}

func closeFrame(code uint16, reason string) rawFrame {
	return rawFrame{fin: true, opcode: opClose, payload: append(binary.BigEndian.AppendUint16(nil, code), reason...)}
}

// TestRawProtocolErrors: frames RFC 6455 forbids fail the connection with
// 1002 (Autobahn 2.5, 3.*, 4.*, 5.1, 5.9, 5.18, 7.3.2, 7.9.*).
// The raw client says hello first, so every case also takes an admitted
// member out of its room.
func TestRawProtocolErrors(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)

	type tc struct {
		name   string
		frames []rawFrame
	}
	cases := []tc{
		// Autobahn 3.1-3.3: no extension was negotiated, so no RSV bit
		// has a meaning (section 5.2).
		{"rsv1 on text", []rawFrame{{fin: true, rsv: 4, opcode: opText, payload: []byte("Hello, world!")}}},
		{"rsv2 on text", []rawFrame{{fin: true, rsv: 2, opcode: opText, payload: []byte("Hello, world!")}}},
		{"rsv3 on text", []rawFrame{{fin: true, rsv: 1, opcode: opText, payload: []byte("Hello, world!")}}},
		// Autobahn 5.1: a fragmented control frame (section 5.5).
		{"ping with fin=0", []rawFrame{{fin: false, opcode: opPing, payload: []byte("fragment")}}},
		// Autobahn 2.5: control frame payloads are at most 125 bytes.
		{"ping of 126 bytes", []rawFrame{{fin: true, opcode: opPing, payload: bytes.Repeat([]byte{0xfe}, 126)}}},
		// Section 5.1: the server MUST close on an unmasked client frame.
		{"unmasked text", []rawFrame{{fin: true, opcode: opText, payload: []byte(`{"type":"cursor","x":1,"y":2}`), unmasked: true}}},
		// Autobahn 5.9-5.10: a continuation with nothing to continue.
		{"continuation without start", []rawFrame{continuation(true, `{"type":"cursor","x":1,"y":2}`)}},
		// Autobahn 5.18: a new data frame while a message is still open.
		{"text while fragmented message open", []rawFrame{text(false, `{"type":"cursor",`), text(true, `"x":1,"y":2}`)}},
		// Autobahn 7.3.2: a close body is empty or starts with a 2-byte
		// code (section 5.5.1); one byte is neither. gorilla/websocket
		// v1.5.3 reads it as an empty body and answers with an empty
		// close (advanceFrame only parses bodies of 2 bytes or more);
		// session's frameGuard stops the stream there and closes with 1002.
		{"close with 1-byte body", []rawFrame{{fin: true, opcode: opClose, payload: []byte{0x03}}}},
	}
	// Autobahn 4.1.*, 4.2.*: reserved opcodes (section 5.2).
	for _, op := range []byte{3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF} {
		cases = append(cases, tc{fmt.Sprintf("reserved opcode %#x", op), []rawFrame{{fin: true, opcode: op, payload: []byte("reserved")}}})
	}
	// Autobahn 7.9.*: close codes that must never be on the wire
	// (section 7.4: 1004-1006 and 1015 are reserved, 0-999 unused,
	// 1016-2999 only for IANA-registered codes, none yet here, 5000+ undefined).
	for _, code := range []uint16{0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000} {
		cases = append(cases, tc{fmt.Sprintf("close with invalid code %d", code), []rawFrame{closeFrame(code, "")}})
	}

	for _, c := range cases {
		closesWith(t, app, c.name, c.frames, 1002) // protocol error
	}
}

// closesWith runs one subtest: a member that has said hello sends frames;
// the server must close with one of codes, and the board keeps working
// for the others.
func closesWith(t *testing.T, app *testApp, name string, frames []rawFrame, codes ...int) {
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		s := newRawScene(t, app)
		rc := dialRaw(t, s.url)
		s.rawID = rc.hello()
		rc.write(frames...)
		if code := rc.expectClose(); !slices.Contains(codes, code) {
			t.Errorf("server closed with %d, want one of %v", code, codes)
		}
		s.stillWorks(t)
	})
}

// TestRawCloseHandshake: a client-initiated close with a valid code is
// answered with a close (Autobahn 7.7.*: "normal or echoed code") and the
// server then closes the TCP connection (section 7.1.1: the server first).
func TestRawCloseHandshake(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)

	cases := []struct {
		name  string
		frame rawFrame
		want  []int
	}{
		{"code 1000", closeFrame(1000, "bye"), []int{1000}},
		{"code 1001", closeFrame(1001, "going away"), []int{1001, 1000}},
		{"code 3000", closeFrame(3000, ""), []int{3000, 1000}},
		{"code 4999", closeFrame(4999, "app specific"), []int{4999, 1000}},
		// Autobahn 7.5.1: the reason must be UTF-8 (section 5.5.1). RFC
		// 6455 section 8.1 calls for 1007; gorilla fails the connection
		// with 1002 ("invalid utf8 payload in close frame"), which
		// Autobahn also accepts ("protocol error or invalid utf-8 code").
		// Both are accepted here so an upgrade that sends 1007 stays green.
		{"reason not UTF-8", closeFrame(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"), []int{1007, 1002}},
	}
	for _, c := range cases {
		closesWith(t, app, c.name, []rawFrame{c.frame}, c.want...)
	}
}

// TestRawPing: a ping with the largest control payload (125 bytes,
// Autobahn 2.4) is answered by a pong with the identical payload, whether
// or not the client has said hello yet.
func TestRawPing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)

	payload := bytes.Repeat([]byte{0xfe}, 125)
	for _, helloFirst := range []bool{false, true} {
		name := "before hello"
		if helloFirst {
			name = "after hello"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newRawScene(t, app)
			rc := dialRaw(t, s.url)
			if helloFirst {
				s.rawID = rc.hello()
			}
			rc.write(rawFrame{fin: true, opcode: opPing, payload: payload})
			if pong := rc.next(opPong); !bytes.Equal(pong.payload, payload) {
				t.Errorf("pong payload = %x, want the ping's %x", pong.payload, payload)
			}
			if !helloFirst {
				s.rawID = rc.hello() // the ping did not disturb the handshake
			}
			rc.write(closeFrame(1000, ""))
			if code := rc.expectClose(); code != 1000 {
				t.Errorf("server answered close 1000 with %d", code)
			}
			s.stillWorks(t)
		})
	}
}

// TestRawFragmentation: messages split over several frames (Autobahn 5.*
// and 6.*).
func TestRawFragmentation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)

	// Autobahn 5.6/5.7: a control frame may come between fragments
	// (section 5.4); it is answered at once and the message is intact.
	t.Run("ping between fragments", func(t *testing.T) {
		t.Parallel()
		s := newRawScene(t, app)
		rc := dialRaw(t, s.url)
		s.rawID = rc.hello()
		ping := []byte("ping between fragments")
		rc.write(
			text(false, `{"type":"cursor",`),
			rawFrame{fin: true, opcode: opPing, payload: ping},
			continuation(false, `"x":12,`),
			continuation(true, `"y":34}`),
		)
		if pong := rc.next(opPong); !bytes.Equal(pong.payload, ping) {
			t.Errorf("pong payload = %q, want %q", pong.payload, ping)
		}
		rawID := s.rawID
		s.watcher.waitUntil("the raw member's cursor at 12,34", func(msgs []wireMsg) bool {
			return cursorsSeen(msgs)[rawID] == [2]float64{12, 34}
		})
		rc.write(closeFrame(1000, ""))
		if code := rc.expectClose(); code != 1000 {
			t.Errorf("server answered close 1000 with %d", code)
		}
		s.stillWorks(t)
	})

	// Autobahn 6.4.*: invalid UTF-8 in a fragmented text message fails
	// the connection with 1007 (section 8.1). Failing fast on the
	// fragment is optional; after the whole message is the latest.
	kosme := "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5" // κόσμε
	invalid := []struct {
		name   string
		frames []rawFrame
	}{
		{"code point split across fragments", []rawFrame{
			text(false, `{"type":"cursor","x":1,"y":2,"n":"`+kosme+"\xed"),
			continuation(true, "\xa0\x80edited\"}"), // U+D800: a surrogate, never valid UTF-8
		}},
		{"invalid bytes in the middle fragment", []rawFrame{
			text(false, `{"type":"cursor","x":1,`),
			continuation(false, `"y":2,"n":"`+kosme+"\xf4\x90\x80\x80"), // above U+10FFFF
			continuation(true, `"}`),
		}},
	}
	for _, c := range invalid {
		t.Run("invalid UTF-8: "+c.name, func(t *testing.T) {
			t.Parallel()
			s := newRawScene(t, app)
			rc := dialRaw(t, s.url)
			s.rawID = rc.hello()
			rc.write(c.frames...)
			if code := rc.expectClose(); code != 1007 {
				t.Errorf("server closed with %d, want 1007 (invalid frame payload data)", code)
			}
			s.stillWorks(t)
		})
	}
}
