package session

import "github.com/easel-app/easel/board"

// relay is how a room's presence (cursors, drafts, views, chat…) reaches
// its members. It is chosen once, by NewHub, from Config.Tick:
//
//   - tickedRelay, the product: changes are recorded and go out at most
//     once per tick, packed into one frame per member (room.go's tick).
//   - baselineRelay (Tick 0): every cursor move is published and written
//     at once, a frame of its own straight to the connection — the
//     per-message broadcast of melody's examples and of Excalidraw's room
//     server, kept only so that benchmarks compare against it (S2).
//
// The room's live path calls the relay where the two differ and has no
// branch of its own on the mode.
type relay interface {
	// cursor records a local member's cursor change: a move to c, or, when
	// gone, its pointer leaving the board.
	cursor(r *Room, m *Member, c board.Cursor, gone bool)
	// scheduleLocked arranges for the room's pending changes to go out
	// (called with r.mu held).
	scheduleLocked(r *Room)
	// eventLocked is told, with r.mu held, that an event from the broker
	// changed what the members should see.
	eventLocked(r *Room)
	// presenceChanged is told, with r.mu released, that a local member
	// changed its presence beyond its cursor.
	presenceChanged(r *Room)
	// sendAlone, when it reports true, has sent member m (peer self) its
	// share of tick frame f itself; false leaves it to the tick.
	sendAlone(f *tickFrame, m *Member, self string) bool
	// writeQueue is how many frames a connection's writer may hold.
	writeQueue() int
}

func newRelay(cfg Config) relay {
	if cfg.Tick == 0 {
		return baselineRelay{}
	}
	return tickedRelay{}
}

type tickedRelay struct{}

func (tickedRelay) cursor(r *Room, m *Member, c board.Cursor, gone bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.members[m.peer.ID] != m {
		return
	}
	if gone {
		delete(r.localDirty, c.Peer)
		r.localGone[c.Peer] = struct{}{}
	} else {
		r.localDirty[c.Peer] = c
		delete(r.localGone, c.Peer)
	}
	r.scheduleTickLocked()
}

func (tickedRelay) scheduleLocked(r *Room)                     { r.scheduleTickLocked() }
func (tickedRelay) eventLocked(r *Room)                        { r.scheduleTickLocked() }
func (tickedRelay) presenceChanged(*Room)                      {}
func (tickedRelay) sendAlone(*tickFrame, *Member, string) bool { return false }

// writeQueue: the Outbox hands the connection one frame at a time, so its
// writer holds at most one data frame; a little room to spare for safety.
func (tickedRelay) writeQueue() int { return 4 }

type baselineRelay struct{}

func (baselineRelay) cursor(r *Room, _ *Member, c board.Cursor, gone bool) {
	if gone {
		r.publish(board.Event{Kind: board.EventCursors, Gone: []string{c.Peer}})
		return
	}
	r.publish(board.Event{Kind: board.EventCursors, Cursors: []board.Cursor{c}})
}

func (baselineRelay) scheduleLocked(*Room)    {} // nothing waits for a tick
func (baselineRelay) eventLocked(r *Room)     { r.flushLocked() }
func (baselineRelay) presenceChanged(r *Room) { r.tick() }

// sendAlone writes the cursors as a frame of their own, straight to the
// connection, the way per-message broadcasts do; presence goes through the
// outbox.
func (baselineRelay) sendAlone(f *tickFrame, m *Member, self string) bool {
	if msg, _ := f.cursors.messageFor(self); msg != nil {
		m.sendUnpacked(msg) // a pooled buffer is left to the GC
	}
	if msg, owner := f.presence.messageFor(self); owner != nil {
		m.outbox.EnqueueOwned(owner)
	} else if msg != nil {
		m.send(msg)
	}
	return true
}

// writeQueue: every cursor message is a frame of its own, with melody's
// default queue, as in melody's examples.
func (baselineRelay) writeQueue() int { return 256 }
