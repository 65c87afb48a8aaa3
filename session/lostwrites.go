package session

import (
	"context"

	"github.com/easel-app/easel/board"
)

// Lost writes. A room applies committed messages in seq order and drops a
// seq it already has, which is what makes a repeated publish harmless. But
// when the store loses messages it had acknowledged (a Redis failover to a
// lagging replica, a restored AOF or backup, a flushed key), it hands out
// those seqs again to new edits, and the room would drop every one of them
// as "already applied": stored, never acknowledged, never delivered, with
// no error anywhere. So a commit at or below the room's seq that is not the
// message the room holds there means the store went back in time. The room
// is then reloaded from the store under a new epoch, and its members are
// closed with 1001 so they reconnect, find their epoch gone and take a
// snapshot (recovered: false); their unacknowledged edits are resent and
// dedupe against what the store kept.

// commitLost tells whether m, just committed by the store, reuses a seq the
// room already applied to a different message.
func (r *Room) commitLost(m *board.OpsMessage) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.state == nil || m.Seq > r.state.snap.Seq {
		return false
	}
	// Applied already and the same message: a gap fill read it from the
	// store before this commit returned. Otherwise (another message there,
	// or a seq older than the ring) the store went back.
	_, same := r.state.recent.holds(m)
	return !same
}

// eventLostLocked tells whether a published message at or below the
// room's seq contradicts what the room applied there: the store lost
// writes and another node (or a worker here) committed over them. Only a
// seq still in the ring can be compared; an older one is a late repeat.
func (r *Room) eventLostLocked(m *board.OpsMessage) bool {
	if m.Seq > r.state.snap.Seq {
		return false
	}
	held, same := r.state.recent.holds(m)
	return held && !same
}

// applied tells whether the room has applied seq (a resent ref's original
// needs no publish then, only an answer to its author).
func (r *Room) applied(seq uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state != nil && seq <= r.state.snap.Seq
}

// reloadAfterLoss logs the loss at error level and, off the caller's locks,
// retires the room; see reload.
func (r *Room) reloadAfterLoss(why string, m *board.OpsMessage) {
	r.mu.Lock()
	if r.reloading {
		r.mu.Unlock()
		return // noticed twice (the commit and its publish): one reload
	}
	r.reloading = true
	epoch, seq := "", uint64(0)
	if r.state != nil {
		epoch, seq = r.state.epoch, r.state.snap.Seq
	}
	r.mu.Unlock()
	r.hub.log.Error("the store lost acknowledged edits: reloading the board from it and reconnecting its members",
		"board", shortID(r.id), "why", why, "room_seq", seq, "commit_seq", m.Seq, "epoch", epoch)
	go r.hub.reload(r, epoch)
}

// reload starts a new epoch for the room's board (unless another node did
// already), retires the room so the next member loads the board afresh, and
// closes its members with 1001 so they reconnect and take a snapshot.
func (h *Hub) reload(r *Room, epoch string) {
	defer h.recoverBackground("board reload", nil)
	if epoch != "" {
		if _, err := h.store.Rebase(context.Background(), r.id, epoch); err != nil {
			// Reload anyway: members holding a seq above the store's
			// still get a snapshot. One that reconnects only after the
			// store has passed its seq again is not protected (docs).
			h.log.Error("start a new epoch after lost writes", "board", shortID(r.id), "err", err)
		}
	}
	members, ok := h.retire(r)
	if !ok {
		return // reloaded already
	}
	for _, m := range members {
		m.closeWith(CloseGoingAway, "the board was reloaded from the store: reconnect")
	}
}

// retire takes room r out of the hub and off the broker for good, so the
// next member of its board starts a new room, and returns the members it
// had; ok is false when it was retired already.
func (h *Hub) retire(r *Room) (members []*Member, ok bool) {
	h.mu.Lock()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		h.mu.Unlock()
		return nil, false
	}
	r.closed = true
	if h.rooms[r.id] == r {
		delete(h.rooms, r.id)
		h.metrics.Rooms.Dec()
	}
	members = make([]*Member, 0, len(r.members))
	for _, m := range r.members {
		members = append(members, m)
	}
	r.mu.Unlock()
	h.mu.Unlock()
	r.unsubscribe()
	return members, true
}
