package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// presenceDraft is peer's latest draft as p saw it in presence messages:
// the element's JSON, "null" once cleared, "" never seen. Call it with
// p.mu held (as until's condition runs).
func (p *member) presenceDraft(peerID string) string {
	latest := ""
	for _, m := range p.msgs {
		if m["type"] != "presence" {
			continue
		}
		drafts, _ := m["drafts"].([]any)
		for _, d := range drafts {
			if d := d.([]any); d[0] == peerID {
				b, _ := json.Marshal(d[1])
				latest = string(b)
			}
		}
	}
	return latest
}

// presenceHas matches a presence message whose field holds an entry of
// peerID (or, for summon, names it) whose JSON contains want.
func presenceHas(field, peerID, want string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		if m["type"] != "presence" {
			return false
		}
		if field == "summon" {
			return m["summon"] == peerID
		}
		entries, _ := m[field].([]any)
		for _, e := range entries {
			if e := e.([]any); e[0] == peerID {
				b, _ := json.Marshal(e)
				if strings.Contains(string(b), want) {
					return true
				}
			}
		}
		return false
	}
}

// Presence beyond cursors crosses nodes through Redis like cursors: drafts,
// views, chat, reactions, summons and laser positions; a node that starts
// serving the board learns the drafts and views already there; commits and
// leaves on one node clear the draft on the other; and a member still gets
// at most one presence message per frame.
func TestTwoNodesSharePresence(t *testing.T) {
	addrA, addrB, b := twoNodesWithABoard(t)

	// Alice draws and looks around on node A before node B serves the board.
	alice := connectMember(t, "ws://"+addrA+"/b/"+b.ID+"/ws", "alice", nil)
	alice.send(map[string]any{"type": "draft", "el": map[string]any{"id": "a1", "kind": "stroke", "points": [][2]float64{{0, 0}, {5, 5}}}})
	alice.send(map[string]any{"type": "view", "x": 10, "y": 20, "w": 800, "h": 600})
	// Once a member on node A sees them, node A has published them — to
	// nobody else yet: node B subscribes only when its first member joins.
	dave := connectMember(t, "ws://"+addrA+"/v/"+b.ViewID+"/ws", "dave", nil)
	dave.wait("alice's draft", presenceHas("drafts", alice.you, `"id":"a1"`))
	dave.wait("alice's view", presenceHas("views", alice.you, `,10,20,800,600]`))

	bob := connectMember(t, "ws://"+addrB+"/b/"+b.ID+"/ws", "bob", nil)
	bob.wait("alice's draft from node A", presenceHas("drafts", alice.you, `"id":"a1"`))
	bob.wait("alice's view from node A", presenceHas("views", alice.you, `,10,20,800,600]`))
	// Node B knows them now: a joiner's first presence holds them.
	carol := connectMember(t, "ws://"+addrB+"/v/"+b.ViewID+"/ws", "carol", nil)
	first := carol.wait("carol's first presence", func(m map[string]any) bool { return m["type"] == "presence" })
	if !presenceHas("drafts", alice.you, `"id":"a1"`)(first) || !presenceHas("views", alice.you, "800,600")(first) {
		t.Fatalf("carol's first presence lacks alice's draft or view: %v", first)
	}

	// Node B → node A: a draft, a view, chat, a reaction, a laser.
	bob.send(map[string]any{"type": "draft", "el": map[string]any{"id": "b1", "kind": "rect", "w": 3, "h": 4}})
	bob.send(map[string]any{"type": "view", "x": -5, "y": -6, "w": 100, "h": 50})
	carol.send(map[string]any{"type": "chat", "text": "over here"})
	carol.send(map[string]any{"type": "react", "emoji": "🔥"})
	carol.send(map[string]any{"type": "cursor", "x": 7, "y": 8, "laser": true})
	alice.wait("bob's draft", presenceHas("drafts", bob.you, `"id":"b1"`))
	alice.wait("bob's view", presenceHas("views", bob.you, ",-5,-6,100,50]"))
	alice.wait("carol's chat", presenceHas("chat", carol.you, `"over here"`))
	alice.wait("carol's reaction", presenceHas("reactions", carol.you, "🔥"))
	alice.wait("carol's laser", func(m map[string]any) bool {
		if m["type"] != "cursors" {
			return false
		}
		for _, e := range m["c"].([]any) {
			if e := e.([]any); e[0] == carol.you && len(e) == 4 && e[3] == 1.0 {
				return true
			}
		}
		return false
	})

	// Node A → node B: a summon reaches the view link too.
	alice.send(map[string]any{"type": "summon"})
	bob.wait("alice's summon", presenceHas("summon", alice.you, ""))
	carol.wait("alice's summon", presenceHas("summon", alice.you, ""))

	// Alice commits her draft: cleared on node B, after the ops.
	alice.send(map[string]any{"type": "ops", "ref": "a1-done", "ops": []any{map[string]any{"op": "put",
		"el": map[string]any{"id": "a1", "kind": "stroke", "points": [][2]float64{{0, 0}, {5, 5}}}}}})
	bob.wait("the ops", func(m map[string]any) bool { return m["type"] == "ops" && m["ref"] == "a1-done" })
	bob.until("alice's draft cleared", func() bool { return bob.presenceDraft(alice.you) == "null" })

	// Alice drafts again and leaves: cleared on node B.
	alice.send(map[string]any{"type": "draft", "el": map[string]any{"id": "a2", "kind": "ellipse", "w": 9, "h": 9}})
	carol.wait("alice's new draft", presenceHas("drafts", alice.you, `"id":"a2"`))
	alice.conn.Close()
	for _, p := range []*member{bob, carol} {
		p.until("alice's draft cleared at her leave", func() bool { return p.presenceDraft(alice.you) == "null" })
	}

	for _, p := range []*member{bob, carol} {
		p.mu.Lock()
		perFrame := map[any]int{}
		for _, m := range p.msgs {
			if m["type"] == "presence" {
				if perFrame[m["_frame"]]++; perFrame[m["_frame"]] > 1 {
					t.Errorf("a frame held two presence messages")
				}
				for _, f := range []string{"drafts", "views", "chat", "reactions"} {
					entries, _ := m[f].([]any)
					for _, e := range entries {
						if e.([]any)[0] == p.you {
							t.Errorf("a member got its own %s", f)
						}
					}
				}
			}
		}
		p.mu.Unlock()
	}
}
