package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/internal/redistest"
)

func testRedisURL() string { return redistest.URL() }

// redisPrefix gives a test its own key space and deletes it afterwards.
func redisPrefix(t *testing.T) string { return redistest.Prefix(t, redistest.Client(t)) }

// peer is a minimal protocol client for node tests. Each message it
// records carries the number of the frame it came in as "_frame".
type peer struct {
	t      *testing.T
	conn   *websocket.Conn
	you    string
	mu     sync.Mutex
	msgs   []map[string]any
	frames int
	wmu    sync.Mutex
	done   chan struct{}
}

func joinNode(t *testing.T, url, name string) *peer {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	p := &peer{t: t, conn: conn, done: make(chan struct{})}
	t.Cleanup(func() { conn.Close(); <-p.done })
	go func() {
		defer close(p.done)
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.frames++
			for _, line := range strings.Split(string(data), "\n") {
				var m map[string]any
				if json.Unmarshal([]byte(line), &m) == nil {
					m["_frame"] = p.frames
					p.msgs = append(p.msgs, m)
				}
			}
			p.mu.Unlock()
		}
	}()
	p.send(map[string]any{"type": "hello", "name": name, "color": "#224466"})
	w := p.wait("welcome", func(m map[string]any) bool { return m["type"] == "welcome" })
	p.you = w["you"].(string)
	return p
}

func (p *peer) send(v any) {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.conn.WriteJSON(v)
}

// wait polls for a message matching ok, with a deadline.
func (p *peer) wait(what string, ok func(map[string]any) bool) map[string]any {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p.mu.Lock()
		for _, m := range p.msgs {
			if ok(m) {
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
		if time.Now().After(deadline) {
			p.mu.Lock()
			var last []string
			for _, m := range p.msgs[max(0, len(p.msgs)-6):] {
				b, _ := json.Marshal(m)
				last = append(last, string(b))
			}
			p.mu.Unlock()
			p.t.Fatalf("timed out waiting for %s; last messages: %s", what, strings.Join(last, " | "))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *peer) seqs() []uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []uint64
	for _, m := range p.msgs {
		if m["type"] == "ops" {
			out = append(out, uint64(m["seq"].(float64)))
		}
	}
	return out
}

func hasCursor(id string, x float64) func(map[string]any) bool {
	return func(m map[string]any) bool {
		if m["type"] != "cursors" {
			return false
		}
		for _, e := range m["c"].([]any) {
			if e := e.([]any); e[0] == id && e[1].(float64) == x {
				return true
			}
		}
		return false
	}
}

// Acceptance 2 (issue 5): two real nodes on one Redis. Members on node A
// and node B see each other's join, cursors and ops with contiguous seqs; a
// view member on B sees edits made on A.
func TestTwoNodesShareABoard(t *testing.T) {
	addrA, addrB, b := twoNodesWithABoard(t)
	if status := getStatus(t, "http://"+addrB+"/b/"+b.ID); status != 200 {
		t.Fatalf("node B does not know the board node A created: %d", status)
	}

	alice := joinNode(t, "ws://"+addrA+"/b/"+b.ID+"/ws", "alice")
	bob := joinNode(t, "ws://"+addrB+"/b/"+b.ID+"/ws", "bob")
	alice.wait("bob's join from node B", func(m map[string]any) bool {
		p, _ := m["peer"].(map[string]any)
		return m["type"] == "join" && p["id"] == bob.you
	})
	// Bob learns of Alice from node A's announcement: in his welcome's
	// peers if it arrived first, else as a join.
	bob.wait("alice, who was on node A first", func(m map[string]any) bool {
		switch m["type"] {
		case "join":
			p, _ := m["peer"].(map[string]any)
			return p["id"] == alice.you
		case "welcome":
			for _, p := range m["peers"].([]any) {
				if p.(map[string]any)["id"] == alice.you {
					return true
				}
			}
		}
		return false
	})

	alice.send(map[string]any{"type": "cursor", "x": 11, "y": 1})
	bob.send(map[string]any{"type": "cursor", "x": 22, "y": 2})
	bob.wait("alice's cursor", hasCursor(alice.you, 11))
	alice.wait("bob's cursor", hasCursor(bob.you, 22))

	viewer := joinNode(t, "ws://"+addrB+"/v/"+b.ViewID+"/ws", "viewer")
	put := func(id string) []any {
		return []any{map[string]any{"op": "put", "el": map[string]any{"id": id, "kind": "rect", "w": 10, "h": 10, "z": "a0"}}}
	}
	for i, p := range []*peer{alice, bob, alice, bob, alice} {
		p.send(map[string]any{"type": "ops", "ref": p.you + "-" + string(rune('0'+i)), "ops": put("e" + string(rune('0'+i)))})
	}
	for _, p := range []*peer{alice, bob, viewer} {
		p.wait("seq 5", func(m map[string]any) bool { return m["type"] == "ops" && m["seq"] == 5.0 })
		seqs := p.seqs()
		for i, s := range seqs {
			if s != uint64(i+1) {
				t.Fatalf("seqs %v are not contiguous from 1", seqs)
			}
		}
	}
	if status := getStatus(t, "http://"+addrB+"/readyz"); status != 200 {
		t.Fatalf("/readyz on node B: %d", status)
	}
}

// twoNodesWithABoard starts two nodes on one Redis (a key space of the
// test's own) and creates a board on the first.
func twoNodesWithABoard(t *testing.T) (addrA, addrB string, b struct{ ID, ViewID string }) {
	t.Helper()
	prefix := redisPrefix(t)
	args := func() []string {
		return []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--redis", testRedisURL(), "--redis-prefix", prefix}
	}
	addrA, _ = startRun(t, args(), nil)
	addrB, _ = startRun(t, args(), nil)
	res, err := http.Post("http://"+addrA+"/api/boards", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(res.Body).Decode(&b)
	res.Body.Close()
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	return addrA, addrB, b
}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
