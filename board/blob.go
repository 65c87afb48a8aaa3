package board

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Blob limits of the contract's defaults; the server's flags override the
// byte limits (--max-blob-mib, --max-board-blob-mib).
const (
	DefaultMaxBlobBytes      = 8 << 20
	DefaultMaxBoardBlobBytes = 256 << 20
	MaxBlobPixels            = 40_000_000
	// BlobGrace is how long a blob no element references is kept: an
	// upload precedes the ops that place it, and undo may bring an
	// erased image back.
	BlobGrace = 24 * time.Hour
)

// BlobMIMEs are the image types a blob may have. SVG is not one: it can
// carry script.
var BlobMIMEs = []string{"image/png", "image/jpeg", "image/webp", "image/gif"}

// BlobInfo describes one stored blob: an image of a board addressed by the
// SHA-256 of its bytes. It is the body of the upload's answer.
type BlobInfo struct {
	SHA256 string `json:"sha256"` // 64 lowercase hex digits
	MIME   string `json:"mime"`   // one of BlobMIMEs, read from the bytes
	Size   int64  `json:"size"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Created is when the board last received these bytes: when it first
	// stored them, renewed by every upload of them again (PutBlob with
	// created false). The collector's grace period counts from it, so
	// bytes just uploaded again are never collected before the ops that
	// place them arrive.
	Created time.Time `json:"-"`
}

// BlobStore keeps a board's blobs beside its op log. Stores implement it
// with board.Store.
type BlobStore interface {
	// PutBlob stores data (whose info the caller has checked) for the
	// board unless the board holds that sha already; created says which.
	// A repeat renews the blob's Created time.
	// It fails with CodeTooLarge when the board's blobs would pass
	// maxBoardBytes, and with ErrNotFound for an unknown board.
	PutBlob(ctx context.Context, boardID string, info BlobInfo, data []byte, maxBoardBytes int64) (stored BlobInfo, created bool, err error)
	// Blob returns a blob's info and bytes; ErrBlobNotFound if the board
	// does not hold it.
	Blob(ctx context.Context, boardID, sha string) (BlobInfo, []byte, error)
	// BlobInfo is Blob without the bytes.
	BlobInfo(ctx context.Context, boardID, sha string) (BlobInfo, error)
	// Blobs lists the board's blobs (without bytes).
	Blobs(ctx context.Context, boardID string) ([]BlobInfo, error)
	// DeleteBlob removes one blob; deleting a missing one is no error.
	DeleteBlob(ctx context.Context, boardID, sha string) error
}

// BlobCollector is what the collector of unreferenced blobs, and the
// deletion of a board, need beyond BlobStore. Stores implement it with
// board.Store.
type BlobCollector interface {
	// BlobBoards pages through the boards that hold blobs (and perhaps
	// some that held them): at most limit ids after `after` ("": from
	// the first), in id order.
	BlobBoards(ctx context.Context, after string, limit int) ([]string, error)
	// DeleteBlobBefore deletes the blob only if its Created time is
	// before cutoff, so that bytes uploaded again meanwhile (which
	// renews Created) survive a collector that judged them unused.
	DeleteBlobBefore(ctx context.Context, boardID, sha string, cutoff time.Time) (deleted bool, err error)
	// DeleteBlobs deletes every blob of the board and its place in
	// BlobBoards: for deleting a board (issue 17).
	DeleteBlobs(ctx context.Context, boardID string) error
}

// ErrBlobNotFound is returned for a blob the board does not hold.
var ErrBlobNotFound = &Error{Code: CodeNotFound, Message: "no such blob on this board"}

// BlobSrc is the src of an image element that shows blob sha.
func BlobSrc(sha string) string { return "blob:" + sha }

// BlobSHA reads the sha out of an image's src ("blob:<64 lowercase hex>").
func BlobSHA(src string) (string, bool) {
	sha, ok := strings.CutPrefix(src, "blob:")
	if !ok || !ValidSHA256(sha) {
		return "", false
	}
	return sha, true
}

// ValidSHA256 reports whether s is 64 lowercase hex digits.
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// MiB writes a byte count as refusals of blobs state it: "8.0 MiB".
func MiB(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
