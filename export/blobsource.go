package export

import (
	"context"
	"errors"
	"fmt"

	"github.com/easel-app/easel/blobs"
	"github.com/easel-app/easel/board"
)

// BlobSource is where a render finds the images its board's image
// elements show (src "blob:<sha>"): in production the board's
// board.BlobStore (BoardBlobs). A render asks for each image's info
// before it starts (its work estimate counts the pixels to decode) and
// for its bytes once, when it first draws it.
type BlobSource interface {
	// BlobInfo is the blob's type and pixel size; board.ErrBlobNotFound
	// (code not_found) when the board does not hold it.
	BlobInfo(ctx context.Context, sha string) (board.BlobInfo, error)
	// Blob is BlobInfo with the bytes.
	Blob(ctx context.Context, sha string) (board.BlobInfo, []byte, error)
}

// BoardBlobs is the blob source of one board of a store.
func BoardBlobs(store board.BlobStore, boardID string) BlobSource {
	return boardBlobs{store, boardID}
}

type boardBlobs struct {
	store   board.BlobStore
	boardID string
}

func (b boardBlobs) BlobInfo(ctx context.Context, sha string) (board.BlobInfo, error) {
	return b.store.BlobInfo(ctx, b.boardID, sha)
}

func (b boardBlobs) Blob(ctx context.Context, sha string) (board.BlobInfo, []byte, error) {
	return b.store.Blob(ctx, b.boardID, sha)
}

// errNoBlob marks an image drawn as a placeholder: the board does not
// hold its blob, or its bytes are not the image they should be.
var errNoBlob = errors.New("no usable blob")

// blobInfo asks src for an image's info. A blob the board does not hold
// (or no source at all) is errNoBlob, drawn as a placeholder; any other
// failure (the store is unreachable, ctx is done) fails the render, so
// that a file missing its images is never stored as the board's export.
func blobInfo(ctx context.Context, src BlobSource, sha string) (board.BlobInfo, error) {
	if src == nil {
		return board.BlobInfo{}, errNoBlob
	}
	info, err := src.BlobInfo(ctx, sha)
	return info, blobError(ctx, sha, err)
}

// blobBytes fetches an image's bytes from src and checks them as an
// upload is checked (blobs.Inspect: an allowed type read from the bytes,
// at most board.MaxBlobPixels) and that they are the bytes sha names;
// bytes that fail are errNoBlob.
func blobBytes(ctx context.Context, src BlobSource, sha string) (board.BlobInfo, []byte, error) {
	if src == nil {
		return board.BlobInfo{}, nil, errNoBlob
	}
	info, data, err := src.Blob(ctx, sha)
	if err = blobError(ctx, sha, err); err != nil {
		return info, nil, err
	}
	if err := ctx.Err(); err != nil {
		return info, nil, err
	}
	checked, err := blobs.Inspect(data, info.MIME, board.MaxBlobPixels)
	if err != nil || checked.SHA256 != sha {
		return info, nil, errNoBlob
	}
	return checked, data, nil
}

func blobError(ctx context.Context, sha string, err error) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case board.ErrorCode(err) == board.CodeNotFound:
		return errNoBlob
	}
	return fmt.Errorf("read image %s: %v: %w", sha[:min(len(sha), 12)], err, errImagesUnavailable)
}

// errImagesUnavailable is what a client is told when the store cannot
// give a render its images.
var errImagesUnavailable = &board.Error{Code: board.CodeUnavailable, Message: "the board's images cannot be read right now; retry"}
