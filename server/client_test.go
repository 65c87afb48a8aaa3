package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/protoclient"
)

// wsClient is a real client of the protocol (protoclient's, as every Go
// client of the protocol is) that records every frame and message it
// receives, for tests to poll: over a WebSocket, or over an HTTP carrier
// (joinHTTP).
type wsClient struct {
	t    testing.TB
	conn protoclient.Transport
	name string
	// clientID, when set before hello (joinWith's setup), is sent as
	// hello.client: the secret that scopes this author's refs.
	clientID string

	mu       sync.Mutex
	waiter   *protoclient.Waiter // records each frame under mu
	frames   []recvFrame
	msgs     []wireMsg
	closeErr error // set when the read loop ends
	you      string

	done <-chan struct{} // closed when the read loop has ended

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

// dialOption shapes how a test client dials.
type dialOption func(*protoclient.Options)

func dialWS(t testing.TB, url string, header http.Header, subprotocols ...string) (*protoclient.Conn, *http.Response, error) {
	t.Helper()
	return protoclient.Dial(context.Background(), url, protoclient.Options{HandshakeTimeout: 5 * time.Second, Header: header, Subprotocols: subprotocols})
}

// smallReceiveBuffer dials a socket with a 16 KiB receive buffer, like a
// slow device's: the kernel then holds little of what the server sends a
// client that stops reading.
func smallReceiveBuffer(o *protoclient.Options) { o.ReceiveBuffer = 16 << 10 }

// connect dials and starts recording, without saying hello.
func connect(t testing.TB, url string, dialOpts ...dialOption) *wsClient {
	t.Helper()
	o := protoclient.Options{HandshakeTimeout: 5 * time.Second, Subprotocols: []string{protoclient.Subprotocol}}
	for _, set := range dialOpts {
		set(&o)
	}
	conn, _, err := protoclient.Dial(context.Background(), url, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := conn.Subprotocol(); got != protoclient.Subprotocol {
		t.Fatalf("server selected subprotocol %q, want easel.v1", got)
	}
	return recording(t, conn)
}

// recording starts recording what conn receives.
func recording(t testing.TB, conn protoclient.Transport) *wsClient {
	c := &wsClient{t: t, conn: conn, done: conn.Done(), files: map[string][]byte{}, contiguous: map[string]int64{}, autoAck: true}
	c.waiter = protoclient.NewWaiter(&c.mu)
	conn.Run(c.record, c.ended)
	t.Cleanup(func() { c.close() })
	return c
}

// join connects, says hello and waits for welcome.
func join(t testing.TB, url, name string, dialOpts ...dialOption) *wsClient {
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

func joinWith(t testing.TB, url, name string, since map[string]any, setup func(*wsClient), dialOpts ...dialOption) *wsClient {
	t.Helper()
	c := connect(t, url, dialOpts...)
	c.name = name
	if setup != nil {
		setup(c) // a room loading a large board may take a while to welcome
	}
	c.hello(since)
	return c
}

// hello says hello (with since unless nil) and waits for the welcome.
func (c *wsClient) hello(since map[string]any) {
	c.t.Helper()
	hello := protoclient.Hello{Name: c.name, Color: "#336699", Client: c.clientID}
	if since != nil {
		hello.Since = since
	}
	c.send(hello)
	w := c.waitType("welcome")
	c.mu.Lock()
	c.you = w.You
	c.mu.Unlock()
}

// record is the read loop's handler: every text line becomes a wireMsg,
// every binary frame an export chunk.
func (c *wsClient) record(typ int, data []byte, at time.Time) error {
	if typ == protoclient.BinaryFrame {
		var ack map[string]any
		c.waiter.Record(func() { ack = c.takeChunk(data, at) })
		if ack != nil {
			c.send(ack)
		}
		return nil
	}
	var err error
	c.waiter.Record(func() { err = c.recordLines(data, at) })
	return err
}

// recordLines keeps each message of a text frame; a line that is not JSON
// ends the read loop with closeErr.
func (c *wsClient) recordLines(data []byte, at time.Time) error {
	f := recvFrame{at: at}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var m wireMsg
		if err := json.Unmarshal(line, &m); err != nil {
			c.closeErr = fmt.Errorf("server sent a line that is not JSON: %q: %w", line, err)
			return c.closeErr
		}
		m.Raw = string(line)
		m.Frame = len(c.frames)
		f.types = append(f.types, m.Type)
		c.msgs = append(c.msgs, m)
	}
	c.frames = append(c.frames, f)
	return nil
}

// ended records why the read loop ended.
func (c *wsClient) ended(err error) { c.waiter.Record(func() { c.closeErr = err }) }

func (c *wsClient) send(v any) {
	c.t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.conn.SendText(data)
}

// sendRaw sends one frame as it is (WebSocket clients only).
func (c *wsClient) sendRaw(typ int, data []byte) error {
	return c.conn.(*protoclient.Conn).SendFrame(typ, data)
}

func (c *wsClient) moveTo(x, y float64) {
	c.send(map[string]any{"type": "cursor", "x": x, "y": y})
}

// pause stops reading (the TCP buffers fill up); unpause resumes.
func (c *wsClient) pause() { c.conn.Pause() }

func (c *wsClient) unpause() { c.conn.Unpause() }

func (c *wsClient) close() { c.conn.Close() }

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
	held := false
	c.waiter.Wait(timeout, func() bool {
		held = cond(c.msgs)
		return held || c.closeErr != nil
	})
	return held
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
	if !c.conn.EndedWithin(timeout) {
		c.t.Fatalf("%s: connection still open after %v", c.name, timeout)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return protoclient.CloseCode(c.closeErr), time.Since(start)
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
	chunk, err := protoclient.ParseChunk(frame)
	if err != nil {
		c.closeErr = err
		return nil
	}
	key := chunk.ID.String()
	if !c.discard {
		c.files[key] = chunk.Place(c.files[key])
	}
	c.contiguous[key] = chunk.Contiguous(c.contiguous[key])
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
