package session

import (
	"time"

	"github.com/easel-app/easel/board"
)

// Presence across nodes. Join and leave events are exact while every node
// hears every event; heartbeats cover what events cannot: a node that
// starts serving a board learns who is already there (it asks with
// EventSync), and the members of a node that died without saying goodbye
// expire. Each announcement also carries the seq the sender's room holds,
// so a node that missed a published ops message (a pub/sub reconnect)
// notices it is behind even if no later message arrives.

// heartbeat announces every room's local members every PresenceInterval and
// expires silent nodes' members, until stop is closed.
func (h *Hub) heartbeat(stop <-chan struct{}) {
	defer h.heartbeatDone.Done()
	t := time.NewTicker(h.cfg.PresenceInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			h.mu.Lock()
			rooms := make([]*Room, 0, len(h.rooms))
			for _, r := range h.rooms {
				rooms = append(rooms, r)
			}
			h.mu.Unlock()
			for _, r := range rooms {
				h.heartbeatRoom(r, now)
			}
		}
	}
}

// heartbeatRoom is one room's heartbeat; a panic in it costs that room
// one heartbeat, not every room's presence from then on.
func (h *Hub) heartbeatRoom(r *Room, now time.Time) {
	defer h.recoverBackground("presence heartbeat", nil)
	r.expireSilentNodes(now)
	r.announce()
}

// announce publishes this node's members of the board and its seq.
func (r *Room) announce() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	ev := board.Event{Kind: board.EventPresence, Peers: make([]board.Peer, 0, len(r.members))}
	for _, m := range r.members {
		ev.Peers = append(ev.Peers, m.peer)
	}
	if r.state != nil {
		ev.Seq = r.state.snap.Seq
	}
	r.mu.Unlock()
	r.publish(ev)
}

// onPresenceLocked applies another node's announcement: new peers join,
// peers of that node missing from it leave.
func (r *Room) onPresenceLocked(ev board.Event) {
	if ev.Node == r.hub.node {
		return
	}
	r.nodeSeen[ev.Node] = time.Now()
	listed := make(map[string]bool, len(ev.Peers))
	for _, p := range ev.Peers {
		listed[p.ID] = true
		r.peerNode[p.ID] = ev.Node
		if _, known := r.peers[p.ID]; !known {
			r.peers[p.ID] = p
			r.sendAllLocked(encode(joinMsg{Type: "join", Peer: p}), p.ID)
		}
	}
	for id, node := range r.peerNode {
		if node == ev.Node && !listed[id] {
			r.dropPeerLocked(id) // its leave was lost
		}
	}
	if r.state != nil && ev.Seq > r.state.snap.Seq && ev.Seq > r.knownSeq {
		r.knownSeq = ev.Seq
		r.scheduleGapFillLocked()
	}
}

// expireSilentNodes drops the members of nodes that have not announced
// themselves for PresenceTimeout.
func (r *Room) expireSilentNodes(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for node, seen := range r.nodeSeen {
		if now.Sub(seen) < r.hub.cfg.PresenceTimeout {
			continue
		}
		delete(r.nodeSeen, node)
		for id, n := range r.peerNode {
			if n == node {
				r.dropPeerLocked(id)
			}
		}
	}
}

// dropPeerLocked removes a remote peer: leave, its cursor gone and its
// draft cleared.
func (r *Room) dropPeerLocked(id string) {
	delete(r.peerNode, id)
	if _, known := r.peers[id]; !known {
		return
	}
	delete(r.peers, id)
	r.sendAllLocked(encode(leaveMsg{Type: "leave", ID: id}), id)
	r.dropCursorLocked(id)
	r.presence.drop(id)
	r.scheduleLocked()
}
