package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

var _ board.HeadReader = (*Bolt)(nil)

// Head reads the board's last seq from its head record.
func (s *Bolt) Head(_ context.Context, id string) (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		h, ok := getHead(tx, id)
		if !ok {
			return missing(tx, id, tombEdit)
		}
		seq = h.Seq
		return nil
	})
	return seq, err
}
