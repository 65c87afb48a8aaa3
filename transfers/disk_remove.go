package transfers

import (
	"errors"
	"fmt"
)

// RemoveBoard forgets the board's files and removes them from the disk.
// Unlike the sweep of expired files, it reports a file it could not
// remove: a deleted board's export left on disk is worth a log line.
func (ts *Disk) RemoveBoard(boardID string) error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var errs []error
	for id, t := range ts.byID {
		if t.BoardID != boardID {
			continue
		}
		delete(ts.byID, id)
		ts.total -= t.Size
		if err := ts.removeFiles(id); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove the transfers of board %.8s: %w", boardID, err)
	}
	return nil
}
