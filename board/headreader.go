package board

import "context"

// HeadReader is a Store that can tell a board's current seq without
// loading it (one small read), so that a file already rendered at that
// seq is served without reading the board. Both stores of package store
// implement it; a Store that does not is read in full instead.
type HeadReader interface {
	// Head returns the seq of the board's last committed message;
	// ErrNotFound if the store does not know the board.
	Head(ctx context.Context, boardID string) (uint64, error)
}
