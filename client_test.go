package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
)

// member is the system tests' client of the protocol, an adapter of
// protoclient (the one Go client): it records every message, each with the
// number of the frame it came in as "_frame", keeps what a real client
// keeps (epoch, the last contiguous seq, which refs were acknowledged or
// refused, the board's elements, who left) and reassembles downloads.
type member struct {
	t      *testing.T
	name   string
	conn   protoclient.Transport // a socket, or an HTTP carrier
	done   <-chan struct{}       // closed when the read loop has ended
	waiter *protoclient.Waiter

	mu        sync.Mutex
	you       string
	epoch     string
	seq       uint64
	recovered bool
	since     uint64   // hello.since's seq, when it said one
	caughtUp  []uint64 // seqs of the ops after the welcome, in order
	acked     map[string]bool
	pending   map[string]bool // sent, not acked
	refused   map[string]string
	leaves    map[string]bool
	elements  map[string]bool // from the welcome snapshot and ops
	msgs      []map[string]any
	frames    int    // text frames received
	file      []byte // the download
	have      int64  // contiguous download bytes
	readErr   error  // why the connection ended (a *websocket.CloseError for a close frame)
}

func connectMember(t *testing.T, url, name string, since map[string]any) *member {
	t.Helper()
	return connectClient(t, url, name, "", since)
}

// connectClient is connectMember with hello's client id (none when empty):
// it says hello and waits for the welcome.
func connectClient(t *testing.T, url, name, client string, since map[string]any) *member {
	t.Helper()
	conn, _, err := protoclient.Dial(context.Background(), url, protoclient.Options{HandshakeTimeout: 45 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return joinOver(t, conn, name, client, since)
}

// joinOver says hello over conn, whichever carrier it is, and waits for
// the welcome.
func joinOver(t *testing.T, conn protoclient.Transport, name, client string, since map[string]any) *member {
	t.Helper()
	m := &member{t: t, name: name, conn: conn, done: conn.Done(), acked: map[string]bool{},
		pending: map[string]bool{}, refused: map[string]string{}, leaves: map[string]bool{}, elements: map[string]bool{}}
	m.waiter = protoclient.NewWaiter(&m.mu)
	conn.Run(m.record, m.ended)
	t.Cleanup(m.close)
	hello := protoclient.Hello{Name: name, Color: "#123456", Client: client}
	if since != nil {
		hello.Since = since
		m.since, _ = since["seq"].(uint64)
	}
	m.send(hello)
	m.waitFor("welcome", 20*time.Second, func() bool { return m.you != "" })
	return m
}

func (m *member) send(v any) error { return m.conn.Send(v) }

// close closes the connection and waits for the read loop.
func (m *member) close() { m.conn.Close() }

// record is the read loop's handler.
func (m *member) record(typ int, data []byte, _ time.Time) error {
	m.waiter.Record(func() {
		if typ == protoclient.BinaryFrame {
			if chunk, err := protoclient.ParseChunk(data); err == nil {
				m.file, m.have = chunk.Place(m.file), chunk.Contiguous(m.have)
			}
			return
		}
		m.frames++
		for line := range bytes.SplitSeq(data, []byte("\n")) {
			var msg map[string]any
			if json.Unmarshal(line, &msg) != nil {
				continue
			}
			msg["_frame"] = m.frames
			m.msgs = append(m.msgs, msg)
			m.apply(msg)
		}
	})
	return nil
}

func (m *member) ended(err error) { m.waiter.Record(func() { m.readErr = err }) }

func (m *member) apply(msg map[string]any) {
	switch msg["type"] {
	case "welcome":
		m.you, m.epoch = msg["you"].(string), msg["epoch"].(string)
		m.seq = uint64(msg["seq"].(float64))
		m.recovered = msg["recovered"].(bool)
		if m.recovered {
			// The welcome names the board's seq; what this client holds
			// is its since, and the missed ops follow (docs/protocol.md,
			// "Catch-up").
			m.seq = m.since
		}
		if els, ok := msg["elements"].([]any); ok {
			m.elements = map[string]bool{}
			for _, e := range els {
				m.elements[e.(map[string]any)["id"].(string)] = true
			}
		}
	case "ops":
		seq := uint64(msg["seq"].(float64))
		ref, _ := msg["ref"].(string)
		if m.pending[ref] {
			delete(m.pending, ref)
			m.acked[ref] = true
		}
		if seq != m.seq+1 {
			return // a resent ref's original (seq ≤ ours): an ack, not news
		}
		m.seq = seq
		m.caughtUp = append(m.caughtUp, seq)
		for _, op := range msg["ops"].([]any) {
			op := op.(map[string]any)
			switch op["op"] {
			case "put":
				m.elements[op["el"].(map[string]any)["id"].(string)] = true
			case "del":
				delete(m.elements, op["id"].(string))
			}
		}
	case "error":
		if ref, _ := msg["ref"].(string); m.pending[ref] {
			delete(m.pending, ref)
			m.refused[ref] = msg["code"].(string)
		}
	case "leave":
		m.leaves[msg["id"].(string)] = true
	}
}

// edit sends one ops message that adds the element named by its ref.
func (m *member) edit(ref string) error {
	m.mu.Lock()
	m.pending[ref] = true
	m.mu.Unlock()
	return m.send(map[string]any{"type": "ops", "ref": ref, "ops": []any{
		map[string]any{"op": "put", "el": map[string]any{"id": ref, "kind": "rect", "w": 5, "h": 5, "z": "a0"}}}})
}

// waitFor waits until ok holds (it runs with m.mu held, after each frame),
// failing the test after timeout or when the connection ends without it.
func (m *member) waitFor(what string, timeout time.Duration, ok func() bool) {
	m.t.Helper()
	held := false
	m.waiter.Wait(timeout, func() bool {
		held = ok()
		return held || m.readErr != nil
	})
	if !held {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.t.Fatalf("%s: timed out after %v waiting for %s (connection: %v); last messages: %s", m.name, timeout, what, m.readErr, lastMessages(m.msgs, 6))
	}
}

// until is waitFor with the system tests' usual 10 s.
func (m *member) until(what string, ok func() bool) {
	m.t.Helper()
	m.waitFor(what, 10*time.Second, ok)
}

// wait waits for a message matching ok, with a deadline, and returns it.
func (m *member) wait(what string, ok func(map[string]any) bool) map[string]any {
	m.t.Helper()
	var found map[string]any
	m.until(what, func() bool {
		for _, msg := range m.msgs {
			if ok(msg) {
				found = msg
				return true
			}
		}
		return false
	})
	return found
}

// closedWithin waits for the server to end the connection and returns the
// error its read ended with (a *websocket.CloseError for a close frame).
func (m *member) closedWithin(timeout time.Duration) error {
	m.t.Helper()
	if !m.conn.EndedWithin(timeout) {
		m.t.Fatalf("%s: connection still open after %v", m.name, timeout)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.readErr
}

// seqs are the seqs of every ops message received, in order.
func (m *member) seqs() []uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []uint64
	for _, msg := range m.msgs {
		if msg["type"] == "ops" {
			out = append(out, uint64(msg["seq"].(float64)))
		}
	}
	return out
}

func lastMessages(msgs []map[string]any, n int) string {
	var last []string
	for _, msg := range msgs[max(0, len(msgs)-n):] {
		b, _ := json.Marshal(msg)
		last = append(last, string(b))
	}
	return strings.Join(last, " | ")
}
