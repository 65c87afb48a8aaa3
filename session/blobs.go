package session

import (
	"context"
	"time"

	"github.com/easel-app/easel/blobs"
	"github.com/easel-app/easel/board"
)

// PutBlob stores an image for the board. data must really be an image of
// the declared type (blobs.Inspect: unsupported_media_type otherwise), of
// at most Config.MaxBlobBytes and board.MaxBlobPixels, and fit beside the
// board's other images within Config.MaxBoardBlobBytes (too_large past
// any of them). Uploads and imports both come here, so every way an image
// gets onto a board has the same limits. created is false when the board
// held these bytes already (their grace period starts again).
func (h *Hub) PutBlob(ctx context.Context, boardID string, data []byte, declared string) (info board.BlobInfo, created bool, err error) {
	if n := int64(len(data)); n > h.cfg.MaxBlobBytes {
		return info, false, board.Errorf(board.CodeTooLarge, "the image is %s, at most %s allowed", board.MiB(n), board.MiB(h.cfg.MaxBlobBytes))
	}
	info, err = blobs.Inspect(data, declared, board.MaxBlobPixels)
	if err != nil {
		return info, false, err
	}
	info, created, err = h.store.PutBlob(ctx, boardID, info, data, h.cfg.MaxBoardBlobBytes)
	if err == nil {
		if r := h.room(boardID); r != nil {
			r.blobs.add(info.SHA256, time.Now()) // the ops placing it are next
		}
	}
	return info, created, err
}

// MaxBlobBytes is the largest image the hub stores (Config.MaxBlobBytes),
// for readers of uploads to stop at.
func (h *Hub) MaxBlobBytes() int64 { return h.cfg.MaxBlobBytes }
