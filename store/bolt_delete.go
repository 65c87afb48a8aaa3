package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

// Deletion and idleness in the embedded store:
//
//	tombstones  id → "edit" or "view": the two ids of every deleted board
//	touched     edit id → when the board was last opened or edited
//	            (Unix seconds, 8 bytes big-endian)

var _ board.Deleter = (*Bolt)(nil)

// The kinds of id a tombstone keeps: a view id never answers as an edit
// id, deleted or not.
const (
	tombEdit = "edit"
	tombView = "view"
)

// missing is the error for an id the store holds no board under, as kind:
// ErrGone when it was a deleted board's, ErrNotFound otherwise.
func missing(tx *bolt.Tx, id, kind string) error {
	if string(tx.Bucket(bucketTombstones).Get([]byte(id))) == kind {
		return board.ErrGone
	}
	return board.ErrNotFound
}

// refuseTombstoned refuses to create a board under a deleted board's id:
// a tombstoned id is never reused, so an old link never opens a new board.
func refuseTombstoned(tx *bolt.Tx, b board.Board) error {
	tombs := tx.Bucket(bucketTombstones)
	if tombs.Get([]byte(b.ID)) != nil || tombs.Get([]byte(b.ViewID)) != nil {
		return fmt.Errorf("the id is a deleted board's: %w", board.ErrGone)
	}
	return nil
}

// DeleteBoard removes the board in one transaction: its key or nested
// bucket from every bucket keyed by board id (boards, heads, snapshots,
// logs, refs, blobs, checkpoints, touched, and any added later), its view
// id from views, and leaves the tombstones of both ids.
func (s *Bolt) DeleteBoard(_ context.Context, id string) error {
	err := s.update(func(tx *bolt.Tx) error {
		var b board.Board
		if err := getBoard(tx, id, &b); err != nil {
			return err
		}
		var names [][]byte
		err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, append([]byte(nil), name...))
			return nil
		})
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := deleteFromBucket(tx.Bucket(name), name, b); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		tombs := tx.Bucket(bucketTombstones)
		if err := tombs.Put([]byte(b.ID), []byte(tombEdit)); err != nil {
			return err
		}
		return tombs.Put([]byte(b.ViewID), []byte(tombView))
	})
	if err != nil {
		return fmt.Errorf("delete board %.8s: %w", id, err)
	}
	return nil
}

// deleteFromBucket removes what top-level bucket name holds of b.
func deleteFromBucket(bucket *bolt.Bucket, name []byte, b board.Board) error {
	switch string(name) {
	case string(bucketTombstones):
		return nil
	case string(bucketViews):
		return bucket.Delete([]byte(b.ViewID))
	}
	if bucket.Bucket([]byte(b.ID)) != nil {
		return bucket.DeleteBucket([]byte(b.ID))
	}
	return bucket.Delete([]byte(b.ID))
}

// touchGrain is how close to an earlier touch a later one may be and not
// be written: a join on a board edited a moment ago costs no fsync.
const touchGrain = time.Minute

// Touch records that the board was opened at at, unless it was touched
// within touchGrain before at already (or after it: a touch never moves
// the time back).
func (s *Bolt) Touch(_ context.Context, id string, at time.Time) error {
	due := false
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketBoards).Get([]byte(id)) == nil {
			return missing(tx, id, tombEdit)
		}
		last, ok := getTouched(tx, []byte(id))
		due = !ok || last < at.Add(-touchGrain).Unix()
		return nil
	})
	if err != nil || !due {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketBoards).Get([]byte(id)) == nil {
			return missing(tx, id, tombEdit) // deleted meanwhile
		}
		return touchTx(tx, id, at)
	})
}

// touchTx sets the board's last touch to at, if that is later.
func touchTx(tx *bolt.Tx, id string, at time.Time) error {
	if last, ok := getTouched(tx, []byte(id)); ok && last >= at.Unix() {
		return nil
	}
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, uint64(at.Unix()))
	return tx.Bucket(bucketTouched).Put([]byte(id), v)
}

func getTouched(tx *bolt.Tx, id []byte) (int64, bool) {
	v := tx.Bucket(bucketTouched).Get(id)
	if len(v) != 8 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(v)), true
}

// createdAt is when a board counts as first touched: its creation (now,
// for a record without one).
func createdAt(b board.Board) time.Time {
	if b.CreatedAt.IsZero() {
		return time.Now()
	}
	return b.CreatedAt
}

// IdleBoards walks the boards (so a deleted one is never listed) and
// keeps the limit oldest last touches before before. A board with no
// touch (created before touches were kept) counts from its creation.
// One pass over every board: the idle sweep calls it now and then, not
// per request.
func (s *Bolt) IdleBoards(_ context.Context, before time.Time, limit int) ([]string, error) {
	idle := newOldest(limit)
	cutoff := before.Unix()
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBoards).ForEach(func(k, v []byte) error {
			at, ok := getTouched(tx, k)
			if !ok {
				var b board.Board
				if err := decodeBoard(v, &b); err != nil {
					return fmt.Errorf("board %.8s: %w", k, err)
				}
				at = createdAt(b).Unix()
			}
			if at < cutoff {
				idle.offer(string(k), at)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list idle boards: %w", err)
	}
	return idle.ids(), nil
}
