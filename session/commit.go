package session

import (
	"context"
	"log/slog"

	"github.com/easel-app/easel/board"
)

// Every edit takes one path into its board, an editor's (Member.commitOps)
// and the server's own (Hub.Commit: imports) alike: checkEdit, then commit.

// edit is an ops message on its way into its board, with what its sender
// knows of the board.
type edit struct {
	msg board.OpsMessage
	// limits refuses ops that would take the board past its limits, as the
	// sender knows the board: the member's room, or a snapshot.
	limits func([]board.Op) error
	// draftGen is the author's draft the ops commit (0: none), which every
	// room clears as it applies them.
	draftGen uint64
	// room is the author's room when the author is a member: a new commit
	// at a seq the room has already applied means the store lost writes.
	room *Room
}

// checkEdit runs the checks an edit passes before it is stored: the
// board's limits, then that every image it places is one the board holds
// (asking the room's memory first: the author's room, or the board's room
// on this node; then the store). Its error says why the board cannot take
// the edit.
func (h *Hub) checkEdit(ctx context.Context, boardID string, e edit) error {
	if err := e.limits(e.msg.Ops); err != nil {
		return err
	}
	known := e.room
	if known == nil {
		known = h.room(boardID)
	}
	return h.checkImages(ctx, boardID, known, e.msg.Ops)
}

// commit appends a checked edit to the store, which acknowledges once it
// is durable and gives it the board's next seq, and publishes it to the
// board's rooms on every node (the author's copy is its ack), after the
// author's room, if any, has checked it for lost writes. A ref the store
// had committed before comes back as the original with dup set,
// unpublished, for the sender to answer.
func (h *Hub) commit(ctx context.Context, boardID string, e edit) (committed board.OpsMessage, dup bool, err error) {
	committed, dup, err = h.store.Append(ctx, boardID, e.msg)
	if err != nil || dup {
		return committed, dup, err
	}
	if e.room != nil && e.room.commitLost(&committed) {
		e.room.reloadAfterLoss("a new commit got a seq the room already applied", &committed)
	}
	// Published even then: the other nodes' rooms see the contradiction
	// too and reload. Every room clears the draft the ops commit as it
	// applies them.
	h.publish(ctx, boardID, board.Event{Kind: board.EventOps, Ops: &committed, DraftGen: e.draftGen})
	return committed, false, nil
}

// Commit appends a server-made ops message (an import) and publishes it to
// the board, like an editor's edit, with the same checks (limits against
// the board as it is now, images the board holds: put them with PutBlob
// first).
func (h *Hub) Commit(ctx context.Context, boardID string, m board.OpsMessage) (board.OpsMessage, error) {
	snap, err := h.Snapshot(ctx, boardID)
	if err != nil {
		return board.OpsMessage{}, err
	}
	e := edit{msg: m, limits: func(ops []board.Op) error { return snap.CheckLimits(ops, h.cfg.Board) }}
	if err := h.checkEdit(ctx, boardID, e); err != nil {
		return board.OpsMessage{}, err
	}
	committed, dup, err := h.commit(ctx, boardID, e)
	if err == nil && dup {
		// The store had the ref already (an append go-redis retried after a
		// stall finds its first attempt's commit), which nobody may have
		// seen: published all the same, as every room drops a seq it has.
		h.publish(ctx, boardID, board.Event{Kind: board.EventOps, Ops: &committed})
	}
	return committed, err
}

// publish hands ev, stamped with this node, to the Broker: every room event
// and every commit goes out this way. A failure is logged (at debug level
// for cursors and presence: every tick fails while the broker is down).
func (h *Hub) publish(ctx context.Context, boardID string, ev board.Event) {
	ev.Node = h.node
	if err := h.broker.Publish(ctx, boardID, ev); err != nil {
		level := slog.LevelWarn
		if ev.Kind == board.EventCursors || ev.Kind == board.EventPresence {
			level = slog.LevelDebug // every tick while the broker is down: not news each time
		}
		h.log.Log(ctx, level, "publish room event", "board", shortID(boardID), "kind", ev.Kind, "err", err)
	}
}
