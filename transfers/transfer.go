package transfers

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/easel-app/easel/export"
)

// Transfer is one rendered file: what export.meta describes, resumable by
// id from any connection of its board until Expires.
type Transfer struct {
	ID      string        `json:"id"`
	BoardID string        `json:"board"`
	Ref     string        `json:"ref"`
	Format  export.Format `json:"format"`
	Scale   int           `json:"scale"`
	// Background is export.Options.Background: "" (white) when the
	// request had none, so files stored before it existed still match.
	Background string `json:"background,omitempty"`
	// EmbedFonts is export.Options.EmbedFonts (SVG with its fonts).
	EmbedFonts bool      `json:"embedFonts,omitempty"`
	MIME       string    `json:"mime"`
	Filename   string    `json:"filename"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	Seq        uint64    `json:"seq"`
	Expires    time.Time `json:"expires"`

	uuid uuid.UUID
	data []byte      // kept in memory when small
	src  io.ReaderAt // where the bytes are otherwise (SetSource)
}

// Store keeps rendered files for resumable downloads: Disk on one node,
// redistransfers.Store across nodes (a download started on one node
// resumes on another). Safe for concurrent use. conformance_test.go is the
// suite every implementation passes.
type Store interface {
	// Add stores a rendered file under a fresh id and sets its expiry.
	Add(t *Transfer, data []byte) error
	// Get finds an unexpired transfer.
	Get(id string) (*Transfer, bool)
	// Find returns a transfer of the same rendering with at least half its
	// lifetime left, so a download started from it stays resumable.
	// o is normalized (export.Options.Normalize): its scale, background
	// and embedded fonts are part of the key.
	Find(boardID string, seq uint64, f export.Format, o export.Options) (*Transfer, bool)
	// RemoveBoard removes every file rendered from the board, on every
	// node, when the board is deleted: its exports must not outlive it.
	// A render that finishes after the call may still add its file,
	// which lives out its lifetime (the board's deletion stops new ones).
	RemoveBoard(boardID string) error
}

// memoryCopyMax is the size up to which a transfer is also kept in memory.
const memoryCopyMax = 4 << 20

// Stamp readies t for storing data, as every Store's Add does first: a
// fresh id, data's size, an expiry ttl after now (UTC, to the second), and
// data kept in memory when it is small.
func (t *Transfer) Stamp(data []byte, now time.Time, ttl time.Duration) {
	t.uuid = uuid.New()
	t.ID = t.uuid.String()
	t.Size = int64(len(data))
	t.Expires = now.Add(ttl).UTC().Truncate(time.Second)
	if t.Size <= memoryCopyMax {
		t.data = data
	}
}

// DecodeMeta reads a transfer's stored metadata (the JSON of a Transfer).
func DecodeMeta(meta []byte) (*Transfer, error) {
	var t Transfer
	if err := json.Unmarshal(meta, &t); err != nil {
		return nil, err
	}
	var err error
	if t.uuid, err = uuid.Parse(t.ID); err != nil {
		return nil, err
	}
	return &t, nil
}

// InMemory reports whether t's bytes are held in memory.
func (t *Transfer) InMemory() bool { return t.data != nil }

// SetSource says where t's bytes are read when they are not in memory.
func (t *Transfer) SetSource(src io.ReaderAt) { t.src = src }

// UUID is the id's 16 bytes, with which every chunk of the file starts.
func (t *Transfer) UUID() uuid.UUID { return t.uuid }

// Options are the render options the file was made with.
func (t *Transfer) Options() export.Options {
	return export.Options{Scale: t.Scale, Background: t.Background, EmbedFonts: t.EmbedFonts}
}

// ReadAt reads the file's bytes (io.ReaderAt, for chunks and HTTP ranges).
func (t *Transfer) ReadAt(p []byte, off int64) (int, error) {
	if off >= t.Size {
		return 0, io.EOF
	}
	if t.data != nil {
		n := copy(p, t.data[off:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	if t.src == nil {
		return 0, fmt.Errorf("transfer %s has no bytes", t.ID)
	}
	return t.src.ReadAt(p, off)
}
