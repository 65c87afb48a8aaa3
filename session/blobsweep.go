package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/easel-app/easel/board"
)

// The collector of unreferenced images. An upload precedes the ops that
// place it, and an erased image may come back by undo, so a blob no
// element refers to is kept for Config.BlobGrace from its Created time
// (renewed by every upload of the same bytes); after that a sweep deletes
// it. Every node sweeps, a few boards per pass (Config.BlobSweepBoards,
// every Config.BlobSweepEvery), starting at a random board so that nodes
// do not walk in step; deleting is idempotent and conditional on the
// blob's Created time (DeleteBlobBefore), so two nodes sweeping the same
// board, or an upload of the same bytes racing a sweep, lose nothing a
// board still uses. What remains: an element put (say by an undo) while
// the sweep of its long-unused blob runs may point at bytes just deleted;
// it is drawn as a placeholder. A board's deletion (issue 17) deletes all
// of its blobs at once with the store's DeleteBlobs.

// sweepLoop runs a sweep pass every BlobSweepEvery until stop is closed.
func (h *Hub) sweepLoop(stop <-chan struct{}) {
	defer h.heartbeatDone.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-stop; cancel() }()
	t := time.NewTicker(h.cfg.BlobSweepEvery)
	defer t.Stop()
	start := make([]byte, 4)
	rand.Read(start)
	cursor := hex.EncodeToString(start) // board ids are lowercase hex UUIDs
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		next, deleted, err := h.sweepBlobs(ctx, cursor, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			h.log.Warn("sweep unreferenced images", "err", err)
		case deleted > 0:
			h.log.Info("unreferenced images deleted", "count", deleted)
		}
		cursor = next
	}
}

// sweepBlobs sweeps at most BlobSweepBoards boards after cursor and
// returns where the next pass starts ("" after the last board: the next
// pass starts again from the first).
func (h *Hub) sweepBlobs(ctx context.Context, cursor string, now time.Time) (next string, deleted int, err error) {
	defer h.recoverBackground("image sweep", nil)
	ids, err := h.store.BlobBoards(ctx, cursor, h.cfg.BlobSweepBoards)
	if err != nil {
		return cursor, 0, err
	}
	for _, id := range ids {
		n, err := h.sweepBoard(ctx, id, now.Add(-h.cfg.BlobGrace))
		deleted += n
		if err != nil {
			return id, deleted, err // this board again next time
		}
	}
	if len(ids) < h.cfg.BlobSweepBoards {
		return "", deleted, nil
	}
	return ids[len(ids)-1], deleted, nil
}

// sweepBoard deletes the board's blobs created before cutoff that no
// element of its current content shows. The content is read only when
// some blob is old enough to go.
func (h *Hub) sweepBoard(ctx context.Context, id string, cutoff time.Time) (int, error) {
	list, err := h.store.Blobs(ctx, id)
	if err != nil {
		return 0, err
	}
	var old []string
	for _, info := range list {
		if info.Created.Before(cutoff) {
			old = append(old, info.SHA256)
		}
	}
	if len(old) == 0 {
		return 0, nil
	}
	snap, err := h.Snapshot(ctx, id)
	if errors.Is(err, board.ErrNotFound) {
		return 0, nil // being deleted: DeleteBlobs is its business
	}
	if err != nil {
		return 0, err
	}
	shown := make(map[string]bool)
	for _, el := range snap.Elements {
		if sha, ok := board.BlobSHA(el.Src); ok && el.Kind == board.KindImage {
			shown[sha] = true
		}
	}
	r := h.room(id)
	gone := 0
	for _, sha := range old {
		if shown[sha] {
			continue
		}
		// Forgotten first: once the bytes are gone, this node's room
		// must not vouch for them (if they stay, a lookup brings them
		// back).
		if r != nil {
			r.blobs.forget(sha)
		}
		deleted, err := h.store.DeleteBlobBefore(ctx, id, sha, cutoff)
		if err != nil {
			return gone, err
		}
		if deleted {
			gone++
		}
	}
	return gone, nil
}
