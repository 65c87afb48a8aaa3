package board

import (
	"context"
	"time"
)

// Version is one kept checkpoint of a board, as /history lists it: the
// board as it was at Seq, made At (the time of the message at Seq), with
// the display names of who edited since the previous checkpoint and how
// many elements it held.
type Version struct {
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
	By       []string  `json:"by"`
	Elements int       `json:"elements"`
}

// History is the part of a Store that keeps a board's checkpoints: full
// snapshots at version boundaries, kept apart from the catch-up log so
// that compaction never drops them, thinned with age and bounded in bytes.
// Both stores of package store implement it; the policy (when a boundary
// falls, how checkpoints thin) is theirs and written in
// docs/operations.md.
type History interface {
	// Versions lists the board's kept checkpoints, newest first, after
	// making every checkpoint that is due up to its last committed
	// message. ErrNotFound for an unknown board, ErrGone for a deleted
	// one.
	Versions(ctx context.Context, boardID string) ([]Version, error)
	// Checkpoint returns the board as it was at kept version seq (its
	// Seq is seq). ErrNotFound when the board is unknown or seq is not a
	// kept version; ErrGone for a deleted board.
	Checkpoint(ctx context.Context, boardID string, seq uint64) (*Snapshot, error)
	// HasVersion tells whether seq is a kept version of the board without
	// reading it (a file already rendered at seq is served without
	// decoding the checkpoint). ErrNotFound for an unknown board, ErrGone
	// for a deleted one.
	HasVersion(ctx context.Context, boardID string, seq uint64) (bool, error)
	// SweepHistory applies the age policy at the store's clock to the
	// checkpoints of every board (boards nobody edits any more are
	// thinned too); a node calls it now and then.
	SweepHistory(ctx context.Context) error
}

// Deleter is the part of a Store that ends boards: for good, on every
// node. A deleted board's content (record, log, refs, snapshot,
// checkpoints, images) leaves the store; only a tombstone of its two ids
// stays, so that both keep answering "gone" (also after a restart) and
// can never be reused.
type Deleter interface {
	// DeleteBoard removes everything of the board and leaves its
	// tombstone. ErrNotFound for an unknown id, ErrGone for one already
	// deleted.
	DeleteBoard(ctx context.Context, boardID string) error
	// Touch records that the board was opened at at (a room loaded it,
	// someone joined it); appends record edits on their own.
	Touch(ctx context.Context, boardID string, at time.Time) error
	// IdleBoards returns up to limit ids of boards neither opened nor
	// edited since before (boards that were never touched count from
	// their creation).
	IdleBoards(ctx context.Context, before time.Time, limit int) ([]string, error)
}

// ErrGone is returned by stores for a board that was deleted: pages, API,
// sockets and exports answer it with 410.
var ErrGone = &Error{Code: CodeGone, Message: "this board was deleted"}
