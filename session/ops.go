package session

import (
	"context"

	"github.com/easel-app/easel/board"
)

// opsRequest is a validated ops message waiting to be committed.
type opsRequest struct {
	ref string
	ops []board.Op
	// draftGen is the author's draft these ops commit (they put its
	// element), read when the message was: a draft sent after it is newer
	// and stays. 0 for none.
	draftGen uint64
}

// ops handles an `ops` message on the read loop (its message budget was
// checked in onText): role, bytes budgets and validation are checked here; the commit happens on the member's worker,
// in the order the member sent its messages.
func (m *Member) ops(msg inbound, line []byte) bool {
	if m.role != board.RoleEdit {
		m.sendError(board.Errorf(board.CodeForbidden, "this link is view-only: edits are not accepted"), msg.Ref)
		return true
	}
	if !m.withinOpsBytes(len(line), msg.Ref) {
		return !m.closing.Load()
	}
	ref, ops, err := board.DecodeOps(line)
	if err != nil {
		if ref == "" {
			ref = msg.Ref
		}
		m.sendError(err, ref)
		return true
	}
	if m.opsQueue == nil {
		m.startCommitWorker()
	}
	select {
	case m.opsQueue <- opsRequest{ref: ref, ops: ops, draftGen: m.draftCommitted(ops)}:
	default:
		m.sendError(board.Errorf(board.CodeRateLimited, "too many ops messages waiting to be saved; retry"), ref)
	}
	return true
}

// startCommitWorker starts the member's commit worker at its first edit:
// most members only watch and point, and an idle member should cost a few
// KB (the queue alone holds a whole burst).
func (m *Member) startCommitWorker() {
	m.opsQueue = make(chan opsRequest, max(m.hub.cfg.OpsInFlight, int(2*m.hub.cfg.OpsRate)+1))
	m.hub.active.Add(1)
	go m.commitOps()
}

// commitOps is the member's commit worker. It appends each message to the
// store (which acknowledges only after fsync) and publishes it to the board;
// the author's copy of the broadcast is its ack. A resent ref that was
// already committed is answered with the original (answerResent).
// Messages queued before a disconnect are still committed and published.
func (m *Member) commitOps() {
	defer m.hub.active.Done()
	defer m.hub.recoverPanic(m, "commit")
	for req := range m.opsQueue {
		// Checked just before the commit, against the room's board: as
		// fresh as it gets without a lock across the store round trip.
		r := m.room.Load()
		e := edit{
			msg:    board.OpsMessage{By: m.peer.ID, Name: m.peer.Name, Ref: req.ref, Ops: req.ops, Scope: m.refScope},
			limits: r.checkLimits, draftGen: req.draftGen, room: r,
		}
		// A blob lookup may go to the store: here, off the read loop and
		// every lock, and also for messages queued before a disconnect.
		if err := m.hub.checkEdit(context.Background(), m.board.ID, e); err != nil {
			m.sendError(err, req.ref)
			continue
		}
		committed, dup, err := m.hub.commit(context.Background(), m.board.ID, e)
		switch {
		case err != nil:
			m.log.Warn("commit ops", "ref", req.ref, "err", err)
			if board.ErrorCode(err) == board.CodeInternal {
				err = board.Errorf(board.CodeUnavailable, "the edit could not be saved; retry")
			}
			m.sendError(err, req.ref)
		case dup:
			m.answerResent(&committed, req.draftGen)
		}
	}
}

// answerResent answers a ref the store had committed before. The original
// may never have been published: when Redis stalls past the client's read
// timeout, go-redis retries the append, the retry lands here, and the first
// attempt's commit is known to nobody else. So unless the room has applied
// it, it is published now (a repeat is dropped by every room: they apply in
// seq order and skip seqs they have), and the author's copy of the
// broadcast is its ack, as for any commit. Otherwise only the author is
// answered.
func (m *Member) answerResent(committed *board.OpsMessage, draftGen uint64) {
	r := m.room.Load()
	if committed.Ops == nil || r.applied(committed.Seq) {
		// (No ops: the store kept the ref but no longer the message, so
		// it is older than the retained log and long applied.)
		m.send(encodeOps(committed))
		return
	}
	r.publish(board.Event{Kind: board.EventOps, Ops: committed, DraftGen: draftGen})
}

// checkLimits tells whether ops would take the room's board past the
// configured board limits.
func (r *Room) checkLimits(ops []board.Op) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state == nil {
		return nil // not loaded: the member could not have been admitted
	}
	return r.state.snap.CheckLimits(ops, r.hub.cfg.Board)
}
