package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

// Rebase gives the board a new epoch if it is still at epoch.
func (s *Bolt) Rebase(_ context.Context, id, epoch string) (string, error) {
	var now string
	err := s.db.Update(func(tx *bolt.Tx) error {
		boards := tx.Bucket(bucketBoards)
		var b board.Board
		if err := decodeBoard(boards.Get([]byte(id)), &b); err != nil {
			return err
		}
		if b.Epoch != epoch {
			now = b.Epoch // someone rebased it already
			return nil
		}
		b.Epoch = board.NewPeerID()
		now = b.Epoch
		data, err := json.Marshal(b)
		if err != nil {
			return err
		}
		return boards.Put([]byte(id), data)
	})
	if err != nil {
		return "", fmt.Errorf("rebase board %.8s: %w", id, err)
	}
	return now, nil
}

// Rebase gives the board a new epoch if it is still at epoch: an
// optimistic transaction on the board record, so two nodes noticing the
// same loss at once agree on one new epoch.
func (s *Redis) Rebase(ctx context.Context, id, epoch string) (string, error) {
	key := s.boardKey(id)
	var now string
	err := s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		data, err := tx.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			return board.ErrNotFound
		}
		if err != nil {
			return err
		}
		var b board.Board
		if err := json.Unmarshal(data, &b); err != nil {
			return fmt.Errorf("decode stored board: %w", err)
		}
		if b.Epoch != epoch {
			now = b.Epoch
			return nil
		}
		b.Epoch = board.NewPeerID()
		if data, err = json.Marshal(b); err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, key, data, 0)
			return nil
		})
		now = b.Epoch
		return err
	}, key)
	if errors.Is(err, redis.TxFailedErr) {
		// The record changed under us (another node's rebase or a
		// rename): whatever it says now is the answer.
		b, err := s.BoardByID(ctx, id)
		return b.Epoch, err
	}
	if errors.Is(err, board.ErrNotFound) {
		return "", err
	}
	if err != nil {
		return "", unavailable("rebase board", err)
	}
	return now, nil
}
