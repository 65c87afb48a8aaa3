package session

import (
	"context"
	"errors"
	"time"

	"github.com/easel-app/easel/board"
)

// Deleting boards. A deletion is for good and for everyone: the store
// removes the board's content and keeps a tombstone of its two ids (so both
// answer 410 from then on, on every node and after restarts), the rendered
// files go from the transfers store, and an EventDeleted through the broker
// makes every node's room tell its members `deleted` and close them with
// 1000. A member admitted on another node in the instant between the
// store's delete and the event finds the board gone when its room loads
// (ErrGone) and is told the same.

// deletedMsg is what every member of a deleted board receives before its
// close.
type deletedMsg struct {
	Type string `json:"type"`
}

// closeDeletedReason is the reason of the 1000 close that follows.
const closeDeletedReason = "the board was deleted"

// DeleteBoard deletes board id for good (reason "request" or "idle",
// counted in metrics) and tells every member on every node.
func (h *Hub) DeleteBoard(ctx context.Context, id, reason string) error {
	if err := h.store.DeleteBoard(ctx, id); err != nil {
		return err
	}
	if err := h.transfers.RemoveBoard(id); err != nil {
		// The board is gone already; the rendered files expire on their
		// own and can no longer be asked for (every route answers 410).
		h.log.Warn("remove a deleted board's rendered files", "board", shortID(id), "err", err)
	}
	h.metrics.BoardsDeleted.WithLabelValues(reason).Inc()
	h.log.Info("board deleted", "board", shortID(id), "reason", reason)
	h.publish(ctx, id, board.Event{Kind: board.EventDeleted})
	return nil
}

// onDeletedLocked retires the room of a deleted board, off the broker's
// delivery: it leaves the hub (a later visitor gets 410 from the store,
// not this room), and each local member is told `deleted` and closed
// with 1000. Called with r.mu held, from onEvent.
func (r *Room) onDeletedLocked() {
	go func() {
		members, _ := r.hub.retire(r)
		for _, m := range members {
			m.tellDeleted()
		}
	}()
}

// tellDeleted sends `deleted` and closes the member with 1000.
func (m *Member) tellDeleted() {
	m.send(encode(deletedMsg{Type: "deleted"}))
	m.closeWith(CloseNormal, closeDeletedReason)
}

// touchEvery bounds how often a room records that its board was opened:
// the idle sweep counts in days, so a write per join would be waste.
const touchEvery = 10 * time.Minute

// touchLocked records, at most every touchEvery, that the board is in use
// (a member joined), so the idle sweep (--board-idle-days) leaves it.
// Called with r.mu held; the write runs off it.
func (r *Room) touchLocked(now time.Time) {
	if now.Sub(r.touchedAt) < touchEvery {
		return
	}
	r.touchedAt = now
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.hub.store.Touch(ctx, r.id, now); err != nil && !errors.Is(err, board.ErrGone) {
			r.hub.log.Warn("record that a board was opened", "board", shortID(r.id), "err", err)
		}
	}()
}
