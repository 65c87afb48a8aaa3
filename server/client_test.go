package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/board"
)

// wsClient is a real WebSocket client that records every frame and message
// it receives, for tests to poll.
type wsClient struct {
	t    testing.TB
	conn *websocket.Conn
	name string
	// clientID, when set before hello (joinWith's setup), is sent as
	// hello.client: the secret that scopes this author's refs.
	clientID string

	writeMu sync.Mutex

	mu       sync.Mutex
	cond     *sync.Cond
	frames   []recvFrame
	msgs     []wireMsg
	closeErr error // set when the read loop ends
	you      string

	resume chan struct{} // non-nil while paused: the read loop waits on it
	done   chan struct{}

	// Export chunks: files assembled by transfer id, the contiguous bytes
	// held, and whether the read loop acknowledges chunks as they come.
	timeout time.Duration // how long waitUntil waits; waitTimeout unless set

	files      map[string][]byte
	contiguous map[string]int64
	chunkTimes []time.Time
	autoAck    bool
	discard    bool // count chunk bytes without keeping them
}

type recvFrame struct {
	at    time.Time
	types []string
}

// wireMsg decodes every server message type the tests look at.
type wireMsg struct {
	Type      string            `json:"type"`
	You       string            `json:"you"`
	Role      string            `json:"role"`
	Board     json.RawMessage   `json:"board"`
	Epoch     string            `json:"epoch"`
	Recovered bool              `json:"recovered"`
	Peers     []board.Peer      `json:"peers"`
	Peer      *board.Peer       `json:"peer"`
	ID        string            `json:"id"`
	C         [][]any           `json:"c"`
	Gone      []string          `json:"gone"`
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Tick      int               `json:"tick"`
	Seq       uint64            `json:"seq"`
	By        string            `json:"by"`
	Ref       string            `json:"ref"`
	Ops       []json.RawMessage `json:"ops"`
	Elements  []json.RawMessage `json:"elements"`
	Format    string            `json:"format"`
	MIME      string            `json:"mime"`
	Filename  string            `json:"filename"`
	Size      int64             `json:"size"`
	SHA256    string            `json:"sha256"`
	Chunk     int64             `json:"chunk"`
	Window    int64             `json:"window"`
	Expires   string            `json:"expires"`
	// presence
	Drafts    [][]json.RawMessage `json:"drafts"`
	Views     [][]any             `json:"views"`
	ChatLines [][]string          `json:"chat"`
	Reactions [][]string          `json:"reactions"`
	Summon    string              `json:"summon"`
	Raw       string              `json:"-"`
	Frame     int                 `json:"-"`
}

func dialWS(t testing.TB, url string, header http.Header, subprotocols ...string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: subprotocols}
	return d.Dial(url, header)
}

// smallReceiveBuffer makes a dialer whose socket has a 16 KiB receive
// buffer, like a slow device's: the kernel then holds little of what the
// server sends a client that stops reading.
func smallReceiveBuffer(d *websocket.Dialer) {
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tcp, ok := conn.(*net.TCPConn); ok {
			tcp.SetReadBuffer(16 << 10)
		}
		return conn, err
	}
}

// connect dials and starts recording, without saying hello.
func connect(t testing.TB, url string, dialOpts ...func(*websocket.Dialer)) *wsClient {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: []string{"easel.v1"}}
	for _, o := range dialOpts {
		o(&d)
	}
	conn, res, err := d.Dial(url, nil)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", url, err, status)
	}
	if got := conn.Subprotocol(); got != "easel.v1" {
		t.Fatalf("server selected subprotocol %q, want easel.v1", got)
	}
	c := &wsClient{t: t, conn: conn, done: make(chan struct{}), files: map[string][]byte{}, contiguous: map[string]int64{}, autoAck: true}
	c.cond = sync.NewCond(&c.mu)
	go c.readLoop()
	t.Cleanup(func() { c.close() })
	return c
}

// join connects, says hello and waits for welcome.
func join(t testing.TB, url, name string, dialOpts ...func(*websocket.Dialer)) *wsClient {
	t.Helper()
	return joinWith(t, url, name, nil, nil, dialOpts...)
}

// joinSince joins as a client that already holds the board at epoch/seq,
// as a reconnecting client does: no snapshot comes with the welcome.
func joinSince(t testing.TB, url, name, epoch string, seq uint64) *wsClient {
	t.Helper()
	c := joinWith(t, url, name, map[string]any{"epoch": epoch, "seq": seq}, func(c *wsClient) { c.timeout = time.Minute })
	if w := c.waitType("welcome"); !w.Recovered {
		t.Fatalf("%s: joining with since did not recover: %s", name, w.Raw[:min(len(w.Raw), 200)])
	}
	return c
}

func joinWith(t testing.TB, url, name string, since map[string]any, setup func(*wsClient), dialOpts ...func(*websocket.Dialer)) *wsClient {
	t.Helper()
	c := connect(t, url, dialOpts...)
	c.name = name
	if setup != nil {
		setup(c) // a room loading a large board may take a while to welcome
	}
	hello := map[string]any{"type": "hello", "name": name, "color": "#336699"}
	if since != nil {
		hello["since"] = since
	}
	if c.clientID != "" {
		hello["client"] = c.clientID
	}
	c.send(hello)
	w := c.waitType("welcome")
	c.mu.Lock()
	c.you = w.You
	c.mu.Unlock()
	return c
}

func (c *wsClient) readLoop() {
	defer close(c.done)
	for {
		c.mu.Lock()
		resume := c.resume
		c.mu.Unlock()
		if resume != nil {
			<-resume
		}
		typ, data, err := c.conn.ReadMessage()
		now := time.Now()
		c.mu.Lock()
		if err != nil {
			c.closeErr = err
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		if typ == websocket.BinaryMessage {
			ack := c.takeChunk(data, now)
			c.cond.Broadcast()
			c.mu.Unlock()
			if ack != nil {
				c.send(ack)
			}
			continue
		}
		if typ != websocket.TextMessage {
			c.mu.Unlock()
			continue
		}
		f := recvFrame{at: now}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var m wireMsg
			if err := json.Unmarshal(line, &m); err != nil {
				c.closeErr = fmt.Errorf("server sent a line that is not JSON: %q: %w", line, err)
				c.cond.Broadcast()
				c.mu.Unlock()
				return
			}
			m.Raw = string(line)
			m.Frame = len(c.frames)
			f.types = append(f.types, m.Type)
			c.msgs = append(c.msgs, m)
		}
		c.frames = append(c.frames, f)
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(websocket.TextMessage, data)
}

func (c *wsClient) sendRaw(typ int, data []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.conn.WriteMessage(typ, data)
}

func (c *wsClient) moveTo(x, y float64) {
	c.send(map[string]any{"type": "cursor", "x": x, "y": y})
}

// pause stops reading (the TCP buffers fill up); unpause resumes.
func (c *wsClient) pause() {
	c.mu.Lock()
	c.resume = make(chan struct{})
	c.mu.Unlock()
}

func (c *wsClient) unpause() {
	c.mu.Lock()
	if c.resume != nil {
		close(c.resume)
		c.resume = nil
	}
	c.mu.Unlock()
}

func (c *wsClient) close() {
	c.unpause()
	c.conn.Close()
	<-c.done
}

const waitTimeout = 5 * time.Second

// waitUntil polls cond over the received messages until it holds or the
// deadline passes; it never sleeps blindly, it waits for the next frame.
func (c *wsClient) waitUntil(desc string, cond func(msgs []wireMsg) bool) {
	c.t.Helper()
	timeout := c.timeout
	if timeout == 0 {
		timeout = waitTimeout
	}
	if !c.poll(timeout, cond) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.t.Fatalf("%s: timed out waiting for %s; got %d messages, last: %s (read error %v)", c.name, desc, len(c.msgs), lastRaw(c.msgs, 5), c.closeErr)
	}
}

func (c *wsClient) poll(timeout time.Duration, cond func(msgs []wireMsg) bool) bool {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond(c.msgs) {
		if c.closeErr != nil || time.Now().After(deadline) {
			return false
		}
		c.cond.Wait()
	}
	return true
}

func (c *wsClient) waitType(typ string) wireMsg {
	c.t.Helper()
	var found wireMsg
	c.waitUntil("a "+typ+" message", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == typ {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// waitClosed waits for the server to close the connection and returns the
// close code (or 0 for a connection dropped without a close frame).
func (c *wsClient) waitClosed(timeout time.Duration) (int, time.Duration) {
	c.t.Helper()
	start := time.Now()
	select {
	case <-c.done:
	case <-time.After(timeout):
		c.t.Fatalf("%s: connection still open after %v", c.name, timeout)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var ce *websocket.CloseError
	if errors.As(c.closeErr, &ce) {
		return ce.Code, time.Since(start)
	}
	return 0, time.Since(start)
}

func (c *wsClient) messages() []wireMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]wireMsg(nil), c.msgs...)
}

func (c *wsClient) framesCopy() []recvFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]recvFrame(nil), c.frames...)
}

// cursorsSeen folds every `cursors` message into the latest position per
// peer; a peer in `gone` is removed.
func cursorsSeen(msgs []wireMsg) map[string][2]float64 {
	pos := map[string][2]float64{}
	for _, m := range msgs {
		if m.Type != "cursors" {
			continue
		}
		for _, e := range m.C {
			pos[e[0].(string)] = [2]float64{e[1].(float64), e[2].(float64)}
		}
		for _, g := range m.Gone {
			delete(pos, g)
		}
	}
	return pos
}

func lastRaw(msgs []wireMsg, n int) string {
	if len(msgs) > n {
		msgs = msgs[len(msgs)-n:]
	}
	var b bytes.Buffer
	for _, m := range msgs {
		b.WriteString(m.Raw)
		b.WriteString(" | ")
	}
	return b.String()
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// takeChunk stores one export chunk (24-byte header: transfer id, offset)
// and returns the export.ack to send, if the client acknowledges.
func (c *wsClient) takeChunk(frame []byte, at time.Time) map[string]any {
	if len(frame) < 24 {
		c.closeErr = fmt.Errorf("binary frame of %d bytes is shorter than the chunk header", len(frame))
		return nil
	}
	id, err := uuid.FromBytes(frame[:16])
	if err != nil {
		c.closeErr = err
		return nil
	}
	key := id.String()
	off := int64(binary.BigEndian.Uint64(frame[16:24]))
	payload := frame[24:]
	if c.discard {
		if off <= c.contiguous[key] {
			c.contiguous[key] = max(c.contiguous[key], off+int64(len(payload)))
		}
		c.chunkTimes = append(c.chunkTimes, at)
		if !c.autoAck {
			return nil
		}
		return map[string]any{"type": "export.ack", "id": key, "offset": c.contiguous[key]}
	}
	buf := c.files[key]
	if need := off + int64(len(payload)); int64(len(buf)) < need {
		buf = append(buf, make([]byte, need-int64(len(buf)))...)
	}
	copy(buf[off:], payload)
	c.files[key] = buf
	if off <= c.contiguous[key] {
		c.contiguous[key] = max(c.contiguous[key], off+int64(len(payload)))
	}
	c.chunkTimes = append(c.chunkTimes, at)
	if !c.autoAck {
		return nil
	}
	return map[string]any{"type": "export.ack", "id": key, "offset": c.contiguous[key]}
}

func (c *wsClient) received(id string) ([]byte, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.files[id]...), c.contiguous[id]
}
