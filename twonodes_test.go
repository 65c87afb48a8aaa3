package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/easel-app/easel/internal/redistest"
)

func testRedisURL() string { return redistest.URL() }

// redisPrefix gives a test its own key space and deletes it afterwards.
func redisPrefix(t *testing.T) string { return redistest.Prefix(t, redistest.Client(t)) }

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

	alice := connectMember(t, "ws://"+addrA+"/b/"+b.ID+"/ws", "alice", nil)
	bob := connectMember(t, "ws://"+addrB+"/b/"+b.ID+"/ws", "bob", nil)
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

	viewer := connectMember(t, "ws://"+addrB+"/v/"+b.ViewID+"/ws", "viewer", nil)
	put := func(id string) []any {
		return []any{map[string]any{"op": "put", "el": map[string]any{"id": id, "kind": "rect", "w": 10, "h": 10, "z": "a0"}}}
	}
	for i, p := range []*member{alice, bob, alice, bob, alice} {
		p.send(map[string]any{"type": "ops", "ref": p.you + "-" + string(rune('0'+i)), "ops": put("e" + string(rune('0'+i)))})
	}
	for _, p := range []*member{alice, bob, viewer} {
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
