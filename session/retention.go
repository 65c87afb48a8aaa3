package session

import (
	"context"
	"time"
)

// Retention: every Config.RetentionEvery each node thins the version
// history of every board by age (the store's SweepHistory; the policy is
// the store's) and, when Config.BoardIdle is set (--board-idle-days),
// deletes boards nobody opened or edited for that long, a bounded number
// per pass. A board with a live room on this node is in use whatever the
// store says and is left alone. Two nodes deleting the same idle board
// is harmless: the second finds it gone.

// idleBoardsPerPass bounds one pass's deletions, so a server that first
// turns --board-idle-days on works through its backlog over several
// passes instead of stalling on one.
const idleBoardsPerPass = 100

// retentionLoop runs a retention pass every RetentionEvery until stop is
// closed.
func (h *Hub) retentionLoop(stop <-chan struct{}) {
	defer h.heartbeatDone.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-stop; cancel() }()
	t := time.NewTicker(h.cfg.RetentionEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		h.RetentionPass(ctx, time.Now())
	}
}

// RetentionPass thins histories and deletes the idle boards of before
// now − BoardIdle: one pass of the loop, which tests run on their own.
func (h *Hub) RetentionPass(ctx context.Context, now time.Time) {
	defer h.recoverBackground("retention", nil)
	if err := h.store.SweepHistory(ctx); err != nil && ctx.Err() == nil {
		h.log.Warn("thin version history", "err", err)
	}
	if h.cfg.BoardIdle <= 0 {
		return
	}
	ids, err := h.store.IdleBoards(ctx, now.Add(-h.cfg.BoardIdle), idleBoardsPerPass)
	if err != nil {
		if ctx.Err() == nil {
			h.log.Warn("list idle boards", "err", err)
		}
		return
	}
	for _, id := range ids {
		if h.hasRoom(id) {
			continue
		}
		if err := h.DeleteBoard(ctx, id, "idle"); err != nil && ctx.Err() == nil {
			h.log.Warn("delete an idle board", "board", shortID(id), "err", err)
		}
	}
}

// hasRoom tells whether board id has a room on this node.
func (h *Hub) hasRoom(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rooms[id] != nil
}
