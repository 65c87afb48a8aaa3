package session

import (
	"context"
	"time"

	"github.com/easel-app/easel/board"
)

// loadBoard reads board id from the store — its epoch, its current
// snapshot, and each retained message of its log streamed through each —
// holding one of the node's MaxLoads load slots. A load decodes a whole
// board (up to the board byte limit) into memory, so without a bound a
// burst of first joins and exports of distinct large boards could take
// the node's memory many boards at a time. Loads wait for a slot at most
// LoadWait (or until ctx ends), then fail with `unavailable`.
func (h *Hub) loadBoard(ctx context.Context, id string, each func(*board.OpsMessage)) (string, *board.Snapshot, error) {
	if err := h.acquireLoad(ctx); err != nil {
		return "", nil, err
	}
	defer func() { <-h.loads }()
	if h.testHookLoad != nil {
		h.testHookLoad(id)
	}
	return h.store.LoadEach(ctx, id, each)
}

// errLoadsBusy is what a load that waited LoadWait for a slot gets.
var errLoadsBusy = board.Errorf(board.CodeUnavailable, "the server is busy loading other boards; retry in a moment")

func (h *Hub) acquireLoad(ctx context.Context) error {
	select {
	case h.loads <- struct{}{}:
		return nil
	default:
	}
	wait := time.NewTimer(h.cfg.LoadWait)
	defer wait.Stop()
	select {
	case h.loads <- struct{}{}:
		return nil
	case <-wait.C:
		return errLoadsBusy
	case <-ctx.Done():
		return errLoadsBusy
	}
}
