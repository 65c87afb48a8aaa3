package session

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// fakeConn is a transport of the test's own: it takes frames as a Conn,
// writes them on a goroutine of its own (as a real writer does) into a
// record, and tells the hub each one is written.
type fakeConn struct {
	hub *Hub
	m   *Member

	queue chan fakeFrame
	mu    sync.Mutex
	text  [][]byte // text frames written, in order
	close []int    // close codes written
	gone  bool
}

type fakeFrame struct {
	data   []byte
	binary bool
}

// connectFake makes a member on th's board over a fakeConn, as a transport
// would: a member, its Conn, connected.
func connectFake(t *testing.T, th *testHub) *fakeConn {
	t.Helper()
	c := &fakeConn{hub: th.Hub, queue: make(chan fakeFrame, 64)}
	c.m = th.newMember(Admission{Board: th.board, Role: board.RoleEdit}, "fake")
	go func() {
		for f := range c.queue {
			c.mu.Lock()
			if !f.binary {
				c.text = append(c.text, append([]byte(nil), f.data...))
			}
			c.mu.Unlock()
			c.hub.written(c.m, f.data, f.binary)
		}
	}()
	th.connected(c.m, c)
	t.Cleanup(c.end)
	return c
}

func (c *fakeConn) write(data []byte, binary bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		return errFakeGone
	}
	c.queue <- fakeFrame{data, binary}
	return nil
}

func (c *fakeConn) WriteText(frame []byte) error   { return c.write(frame, false) }
func (c *fakeConn) WriteBinary(frame []byte) error { return c.write(frame, true) }

func (c *fakeConn) WriteClose(code int, _ string, _ time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.close = append(c.close, code)
	return nil
}

func (c *fakeConn) Close() error { return nil }

// end is the transport noticing the connection has ended.
func (c *fakeConn) end() {
	c.mu.Lock()
	if c.gone {
		c.mu.Unlock()
		return
	}
	c.gone = true
	close(c.queue)
	c.mu.Unlock()
	c.hub.disconnected(c.m)
	c.m.leave()
}

var errFakeGone = errors.New("fake connection has gone")

// send is the client sending one text frame.
func (c *fakeConn) send(frame string) { c.hub.received(c.m, []byte(frame)) }

// waitFor polls the frames written until one contains want.
func (c *fakeConn) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for _, f := range c.text {
			if bytes.Contains(f, []byte(want)) {
				c.mu.Unlock()
				return
			}
		}
		c.mu.Unlock()
		time.Sleep(5 * time.Millisecond) // polling, with the deadline above
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.Fatalf("no frame with %s; frames: %.600q", want, c.text)
}

func (c *fakeConn) closeCodes() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.close...)
}

// The member, the room and the outbox work over any Conn: two members on
// a transport of the test's own say hello, see each other, move, edit and
// leave, and a bad frame closes with the protocol's code through
// Conn.WriteClose — no WebSocket anywhere.
func TestMembersWorkOverAnyConn(t *testing.T) {
	th := newTestHub(t, DefaultConfig(), nil)
	alice, bob := connectFake(t, th), connectFake(t, th)

	alice.send(`{"type":"hello","name":"Alice","color":"#112233"}`)
	alice.waitFor(t, `"type":"welcome"`)
	bob.send(`{"type":"hello","name":"Bob","color":"#445566"}`)
	bob.waitFor(t, `"type":"welcome"`)
	alice.waitFor(t, `"name":"Bob"`) // Bob's join

	alice.send(`{"type":"cursor","x":12.5,"y":7}`)
	bob.waitFor(t, `",12.5,7]`)

	alice.send(`{"type":"ops","ref":"r1","ops":[{"op":"put","el":{"id":"e1","kind":"rect","x":1,"y":2,"w":3,"h":4,"z":"a"}}]}`)
	alice.waitFor(t, `"ref":"r1"`)
	bob.waitFor(t, `"id":"e1"`)

	bob.send("not json")
	deadline := time.Now().Add(5 * time.Second)
	for len(bob.closeCodes()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling, with the deadline above
	}
	if got := bob.closeCodes(); len(got) != 1 || got[0] != CloseInvalidPayload {
		t.Fatalf("close codes written for a frame that is not JSON: %v, want [%d]", got, CloseInvalidPayload)
	}
	bob.end()
	alice.waitFor(t, `"type":"leave"`)
	alice.mu.Lock()
	defer alice.mu.Unlock()
	if !strings.Contains(string(bytes.Join(alice.text, nil)), bob.m.peer.ID) {
		t.Fatal("Alice never heard of Bob's peer id")
	}
}
