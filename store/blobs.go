package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/easel-app/easel/board"
)

// storedBlob is a blob's record as both stores keep it beside the bytes:
// board.BlobInfo with its time in Unix milliseconds (which Redis's Lua can
// compare) and, on Redis, how many chunks hold the bytes.
type storedBlob struct {
	SHA256  string `json:"sha256"`
	MIME    string `json:"mime"`
	Size    int64  `json:"size"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Created int64  `json:"created"` // Unix ms
	Chunks  int    `json:"chunks,omitempty"`
}

func newStoredBlob(info board.BlobInfo, now time.Time) storedBlob {
	return storedBlob{SHA256: info.SHA256, MIME: info.MIME, Size: info.Size, Width: info.Width, Height: info.Height, Created: now.UnixMilli()}
}

func (b storedBlob) info() board.BlobInfo {
	return board.BlobInfo{SHA256: b.SHA256, MIME: b.MIME, Size: b.Size, Width: b.Width, Height: b.Height, Created: time.UnixMilli(b.Created)}
}

func decodeStoredBlob(data []byte) (storedBlob, error) {
	var b storedBlob
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("decode blob record: %w", err)
	}
	return b, nil
}

// checkBlob refuses a put whose info does not describe data: a caller's
// bug would otherwise store bytes under another blob's address.
func checkBlob(info board.BlobInfo, data []byte) error {
	if !board.ValidSHA256(info.SHA256) || info.Size != int64(len(data)) {
		return fmt.Errorf("put blob: info %.12s… of %d bytes does not describe %d bytes", info.SHA256, info.Size, len(data))
	}
	return nil
}

// errBoardBlobsFull is the refusal of a blob that would take the board's
// blobs past maxBoardBytes: nothing of it is stored.
func errBoardBlobsFull(held, size, maxBoardBytes int64) error {
	return board.Errorf(board.CodeTooLarge, "this board's images take %s; this one (%s) would pass the board's limit of %s",
		board.MiB(held), board.MiB(size), board.MiB(maxBoardBytes))
}
