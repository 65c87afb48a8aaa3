package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/easel-app/easel/board"
)

// An image element may only show a blob its board holds (protocol:
// otherwise bad_request for the whole message). Checking costs a store
// lookup, and a member dragging an image sends its draft up to 30 times a
// second, so each room remembers the blobs it has seen its board hold:
// uploaded through this node, or found in the store once. A miss looks in
// the store (another node may have taken the upload), off the room's lock:
// on the member's commit worker for ops, on its read loop for a draft.

// knownBlobsTTL is how long a room trusts that its board holds a blob.
// Blobs are deleted only when unreferenced past their grace (the
// collector, which also tells its own node's rooms at once), so a stale
// entry can only let an element refer to a blob another node's collector
// removed within this time.
const knownBlobsTTL = 10 * time.Minute

// maxKnownBlobs bounds a room's memory of blobs; past it, it starts over.
const maxKnownBlobs = 4096

// knownBlobs is a room's memory of the blobs its board holds. Its lock is
// a leaf, never held with another.
type knownBlobs struct {
	mu   sync.Mutex
	seen map[string]time.Time // sha → when it was learned
}

func (k *knownBlobs) has(sha string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	at, ok := k.seen[sha]
	return ok && now.Sub(at) < knownBlobsTTL
}

func (k *knownBlobs) add(sha string, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.seen == nil || len(k.seen) >= maxKnownBlobs {
		k.seen = make(map[string]time.Time)
	}
	k.seen[sha] = now
}

func (k *knownBlobs) forget(sha string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.seen, sha)
}

// room is the board's live room on this node, if any.
func (h *Hub) room(boardID string) *Room {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rooms[boardID]
}

// checkImages refuses ops that put an image whose blob the board does not
// hold. r (may be nil) is the board's room, whose memory is asked first
// and told what the store answered.
func (h *Hub) checkImages(ctx context.Context, boardID string, r *Room, ops []board.Op) error {
	for i, op := range ops {
		if op.Op != board.OpPut {
			continue
		}
		if err := h.checkImage(ctx, boardID, r, op.El, fmt.Sprintf("ops[%d].el", i)); err != nil {
			return err
		}
	}
	return nil
}

// checkImage is checkImages for one element; path names it in the error.
func (h *Hub) checkImage(ctx context.Context, boardID string, r *Room, el *board.Element, path string) error {
	if el == nil || el.Kind != board.KindImage {
		return nil
	}
	sha, ok := board.BlobSHA(el.Src)
	if !ok {
		return board.Errorf(board.CodeBadRequest, "%s.src is not an image's address", path)
	}
	now := time.Now()
	if r != nil && r.blobs.has(sha, now) {
		return nil
	}
	_, err := h.store.BlobInfo(ctx, boardID, sha)
	if errors.Is(err, board.ErrBlobNotFound) {
		return board.Errorf(board.CodeBadRequest, "%s.src: this board holds no image %.12s…; upload it first (POST /b/<id>/blobs)", path, sha)
	}
	if err != nil {
		return err
	}
	if r != nil {
		r.blobs.add(sha, now)
	}
	return nil
}
