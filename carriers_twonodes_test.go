package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
)

// connectHTTPMember joins over an HTTP carrier opened at node open, every
// later request of which (sends, polls, reattached streams) goes to node
// later: a load balancer with no sticky sessions.
func connectHTTPMember(t *testing.T, carrier, open, later, boardID, name string, since map[string]any) *member {
	t.Helper()
	dial := protoclient.DialSSE
	if carrier == "poll" {
		dial = protoclient.DialPoll
	}
	o := protoclient.Options{HandshakeTimeout: 10 * time.Second, LaterBase: "http://" + later + "/b/" + boardID}
	conn, _, err := dial(context.Background(), "http://"+open+"/b/"+boardID, o)
	if err != nil {
		t.Fatalf("%s over %s: %v", name, carrier, err)
	}
	return joinOver(t, conn, name, "carriers-client-"+name, since)
}

// Acceptance 2 (issue 16): two nodes on a real Redis, no sticky sessions.
// An SSE member streams from node A and sends every message to node B; a
// long-polling member opened on A sends and polls at B. Both work with a
// socket member on B. Then A is killed: the HTTP members' sessions are
// gone, and they recover on B with since, losing no acknowledged edit.
func TestCarriersAcrossTwoNodes(t *testing.T) {
	a, b := twoProcessesOnRedis(t)
	defer stopProcess(t, b)
	id, _ := createBoardAt(t, a.Addr)

	sse := connectHTTPMember(t, "sse", a.Addr, b.Addr, id, "sse", nil)
	poll := connectHTTPMember(t, "poll", a.Addr, b.Addr, id, "poll", nil)
	sock := connectMember(t, "ws://"+b.Addr+"/b/"+id+"/ws", "socket", nil)
	members := []*member{sse, poll, sock}

	for i, m := range members {
		m.send(map[string]any{"type": "cursor", "x": 10 + i, "y": i})
	}
	for _, m := range members {
		for i, other := range members {
			if other != m {
				m.wait(other.name+"'s cursor", hasCursor(other.you, float64(10+i)))
			}
		}
	}
	for round := range 3 {
		for _, m := range members {
			if err := m.edit(fmt.Sprintf("%s-%d", m.name, round)); err != nil {
				t.Fatalf("%s: %v", m.name, err)
			}
		}
	}
	for _, m := range members {
		m.waitFor("every edit acked, seqs 1…9", 20*time.Second, func() bool {
			return len(m.pending) == 0 && m.seq == 9 && len(m.elements) == 9
		})
	}

	a.Kill()
	// The sessions lived on A: a send through B now finds them gone, and
	// their streams end.
	for _, m := range []*member{sse, poll} {
		var refused *protoclient.StatusError
		if err := m.closedWithin(20 * time.Second); !errors.As(err, &refused) || refused.Status != http.StatusGone {
			t.Fatalf("%s: ended with %v, want 410 for a session whose node died", m.name, err)
		}
	}
	sock.edit("while-they-were-away")
	sock.waitFor("the edit made while they were away", 10*time.Second, func() bool { return sock.seq == 10 })

	for _, old := range []*member{sse, poll} {
		old.mu.Lock()
		since := map[string]any{"epoch": old.epoch, "seq": old.seq}
		acked := len(old.acked)
		old.mu.Unlock()
		if acked != 3 {
			t.Fatalf("%s had %d edits acked before the kill, want 3", old.name, acked)
		}
		carrier := map[*member]string{sse: "sse", poll: "poll"}[old]
		back := connectHTTPMember(t, carrier, b.Addr, b.Addr, id, old.name+"-back", since)
		back.wait("the missed edit", func(m map[string]any) bool { return m["type"] == "ops" && m["ref"] == "while-they-were-away" })
		back.mu.Lock()
		var caughtUp []any
		for _, m := range back.msgs {
			if m["type"] == "ops" {
				caughtUp = append(caughtUp, m["seq"])
			}
		}
		if !back.recovered || len(caughtUp) != 1 || caughtUp[0] != 10.0 {
			t.Errorf("%s: recovered=%v, caught up with seqs %v; want exactly seq 10", old.name, back.recovered, caughtUp)
		}
		back.mu.Unlock()
	}
	elements, seq := finalBoard(t, b.Addr, id)
	if seq != 10 || len(elements) != 10 {
		t.Fatalf("the board after the kill: seq %d, %d elements; want 10 and 10", seq, len(elements))
	}
	requireAckedOnBoard(t, members, elements)
}
