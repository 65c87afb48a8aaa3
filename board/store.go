package board

import (
	"context"
	"errors"
)

// Store keeps boards durably. Implementations: store.Bolt (embedded, the
// default) and, for scale-out, Redis. Every implementation passes the shared
// conformance suite in package store.
type Store interface {
	// BlobStore keeps the board's images beside its op log;
	// BlobCollector finds and deletes the unused ones.
	BlobStore
	BlobCollector
	// History keeps the board's versions (checkpoints) apart from its
	// op log.
	History
	// Deleter ends boards for good (a tombstone of their ids stays) and
	// finds the idle ones.
	Deleter

	// CreateBoard stores a new board. Ids are fresh UUIDs, so a clash is a bug
	// and reported as an error; so is a deleted board's id (ErrGone): ids
	// are never reused. The board counts as touched at its CreatedAt.
	CreateBoard(ctx context.Context, b Board) error
	// BoardByID finds a board by its edit id; ErrNotFound if unknown,
	// ErrGone if deleted.
	BoardByID(ctx context.Context, id string) (Board, error)
	// BoardByViewID finds a board by its view id; ErrNotFound if unknown,
	// ErrGone if deleted.
	BoardByViewID(ctx context.Context, viewID string) (Board, error)

	// Append commits one ops message durably and gives it the board's next
	// seq. It returns only after the commit is on stable storage: its
	// return is what the author's ack stands for. If m.Ref was committed
	// before (within the dedupe window, see Load), nothing is written and
	// the original message is returned with dup set.
	Append(ctx context.Context, boardID string, m OpsMessage) (committed OpsMessage, dup bool, err error)
	// LoadEach returns what a room needs to serve a board: its epoch and
	// its content at the last committed seq (the stored snapshot with the
	// tail of the op log applied). Each message of that tail (those not in
	// the stored snapshot), in seq order, is passed to each, which may be
	// nil. Older retained messages are not read: they serve Since and ref
	// dedupe, not a load. The tail is streamed, one message decoded at a
	// time, so loading a board holds its snapshot and one message, never
	// the whole log.
	LoadEach(ctx context.Context, boardID string, each func(*OpsMessage)) (epoch string, snap *Snapshot, err error)
	// Load is LoadEach collecting the tail into a slice (every message in
	// it is already in snap), for tests and tools.
	Load(ctx context.Context, boardID string) (epoch string, snap *Snapshot, log []OpsMessage, err error)
	// Since returns every committed message after seq `after` of epoch, in
	// order; ErrHistoryGone when the epoch differs or the log no longer
	// holds them all.
	Since(ctx context.Context, boardID, epoch string, after uint64) ([]OpsMessage, error)

	// Rebase starts a new epoch for the board if it is still at epoch, and
	// returns the board's epoch afterwards. A room calls it when the store
	// turns out to have lost messages it had acknowledged (a Redis failover
	// to a lagging replica, a restored backup): the seqs clients hold no
	// longer name the store's messages, so they must take a snapshot. The
	// condition makes the nodes that notice the same loss agree on one new
	// epoch.
	Rebase(ctx context.Context, boardID, epoch string) (string, error)

	// Ping reports whether the store can serve requests (for /readyz).
	Ping(ctx context.Context) error
	// Close flushes and releases the store.
	Close() error
}

// ErrHistoryGone means a catch-up request reaches further back than the
// op log: the client must take a snapshot.
var ErrHistoryGone = errors.New("history no longer available")

// ErrStoreClosed is returned by a store after Close.
var ErrStoreClosed = &Error{Code: CodeUnavailable, Message: "store is closed"}
