package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/easel-app/easel/board"
)

// Blobs in the embedded store: the blobs bucket holds a bucket per board
// (created at its first blob), and in it
//
//	meta   bucket  sha → storedBlob JSON
//	data   bucket  sha → the bytes
//	bytes  key     the sum of the board's blob sizes (8 bytes, big-endian)
//
// A put checks the board's quota, writes bytes, record and sum in one
// transaction, fsync'd like every commit: a blob is whole or absent.
var (
	blobMeta  = []byte("meta")
	blobData  = []byte("data")
	blobBytes = []byte("bytes")
)

// boardBlobs is the board's blob bucket, created when create is set
// (then the board must exist: ErrNotFound otherwise); nil when absent.
func boardBlobs(tx *bolt.Tx, id string, create bool) (*bolt.Bucket, error) {
	all := tx.Bucket(bucketBlobs)
	if b := all.Bucket([]byte(id)); b != nil || !create {
		return b, nil
	}
	if tx.Bucket(bucketBoards).Get([]byte(id)) == nil {
		return nil, missing(tx, id, tombEdit)
	}
	b, err := all.CreateBucket([]byte(id))
	if err != nil {
		return nil, err
	}
	for _, name := range [][]byte{blobMeta, blobData} {
		if _, err := b.CreateBucket(name); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func blobTotal(b *bolt.Bucket) int64 {
	v := b.Get(blobBytes)
	if len(v) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

func putBlobTotal(b *bolt.Bucket, n int64) error {
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, uint64(max(n, 0)))
	return b.Put(blobBytes, v)
}

func putBlobMeta(b *bolt.Bucket, rec storedBlob) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return b.Bucket(blobMeta).Put([]byte(rec.SHA256), data)
}

// PutBlob stores data for the board within maxBoardBytes of blobs, or
// renews the Created time of the blob it already holds.
func (s *Bolt) PutBlob(_ context.Context, id string, info board.BlobInfo, data []byte, maxBoardBytes int64) (board.BlobInfo, bool, error) {
	if err := checkBlob(info, data); err != nil {
		return board.BlobInfo{}, false, err
	}
	rec := newStoredBlob(info, time.Now())
	created := false
	err := s.update(func(tx *bolt.Tx) error {
		b, err := boardBlobs(tx, id, true)
		if err != nil {
			return err
		}
		if old := b.Bucket(blobMeta).Get([]byte(info.SHA256)); old != nil {
			prev, err := decodeStoredBlob(old)
			if err != nil {
				return err
			}
			prev.Created = rec.Created
			rec = prev
			return putBlobMeta(b, rec)
		}
		total := blobTotal(b)
		if total+info.Size > maxBoardBytes {
			return errBoardBlobsFull(total, info.Size, maxBoardBytes)
		}
		if err := b.Bucket(blobData).Put([]byte(info.SHA256), data); err != nil {
			return err
		}
		if err := putBlobMeta(b, rec); err != nil {
			return err
		}
		created = true
		return putBlobTotal(b, total+info.Size)
	})
	if err != nil {
		return board.BlobInfo{}, false, fmt.Errorf("put blob on board %.8s: %w", id, err)
	}
	return rec.info(), created, nil
}

// Blob returns a copy of the blob's bytes (a bolt value lives only as long
// as its transaction).
func (s *Bolt) Blob(_ context.Context, id, sha string) (board.BlobInfo, []byte, error) {
	var (
		rec  storedBlob
		data []byte
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		if rec, err = blobRecord(tx, id, sha); err != nil {
			return err
		}
		v, _ := boardBlobs(tx, id, false)
		raw := v.Bucket(blobData).Get([]byte(sha))
		if int64(len(raw)) != rec.Size {
			return fmt.Errorf("blob %.12s… holds %d bytes, its record says %d", sha, len(raw), rec.Size)
		}
		data = append([]byte(nil), raw...)
		releaseRead(tx, raw)
		return nil
	})
	if err != nil {
		return board.BlobInfo{}, nil, err
	}
	return rec.info(), data, nil
}

// BlobInfo returns the blob's record without its bytes.
func (s *Bolt) BlobInfo(_ context.Context, id, sha string) (board.BlobInfo, error) {
	var rec storedBlob
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		rec, err = blobRecord(tx, id, sha)
		return err
	})
	if err != nil {
		return board.BlobInfo{}, err
	}
	return rec.info(), nil
}

func blobRecord(tx *bolt.Tx, id, sha string) (storedBlob, error) {
	b, _ := boardBlobs(tx, id, false)
	if b == nil {
		return storedBlob{}, board.ErrBlobNotFound
	}
	v := b.Bucket(blobMeta).Get([]byte(sha))
	if v == nil {
		return storedBlob{}, board.ErrBlobNotFound
	}
	return decodeStoredBlob(v)
}

// Blobs lists the board's blobs in sha order.
func (s *Bolt) Blobs(_ context.Context, id string) ([]board.BlobInfo, error) {
	var out []board.BlobInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		b, _ := boardBlobs(tx, id, false)
		if b == nil {
			return nil
		}
		return b.Bucket(blobMeta).ForEach(func(_, v []byte) error {
			rec, err := decodeStoredBlob(v)
			if err != nil {
				return err
			}
			out = append(out, rec.info())
			return nil
		})
	})
	return out, err
}

// DeleteBlob removes the blob's bytes and record and gives its size back
// to the board's quota.
func (s *Bolt) DeleteBlob(_ context.Context, id, sha string) error {
	_, err := s.deleteBlob(id, sha, time.Time{})
	return err
}

// DeleteBlobBefore is DeleteBlob for a blob created before cutoff only.
func (s *Bolt) DeleteBlobBefore(_ context.Context, id, sha string, cutoff time.Time) (bool, error) {
	return s.deleteBlob(id, sha, cutoff)
}

// deleteBlob deletes the blob if it was created before cutoff (any time,
// for a zero cutoff).
func (s *Bolt) deleteBlob(id, sha string, cutoff time.Time) (bool, error) {
	deleted := false
	err := s.update(func(tx *bolt.Tx) error {
		b, _ := boardBlobs(tx, id, false)
		if b == nil {
			return nil
		}
		v := b.Bucket(blobMeta).Get([]byte(sha))
		if v == nil {
			return nil
		}
		rec, err := decodeStoredBlob(v)
		if err != nil {
			return err
		}
		if !cutoff.IsZero() && rec.Created >= cutoff.UnixMilli() {
			return nil
		}
		if err := b.Bucket(blobMeta).Delete([]byte(sha)); err != nil {
			return err
		}
		if err := b.Bucket(blobData).Delete([]byte(sha)); err != nil {
			return err
		}
		deleted = true
		return putBlobTotal(b, blobTotal(b)-rec.Size)
	})
	if err != nil {
		return false, fmt.Errorf("delete blob of board %.8s: %w", id, err)
	}
	return deleted, nil
}

// BlobBoards pages through the boards with a blob bucket. A board keeps
// its (perhaps empty) bucket until DeleteBlobs.
func (s *Bolt) BlobBoards(_ context.Context, after string, limit int) ([]string, error) {
	var ids []string
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketBlobs).Cursor()
		k, _ := c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, _ = c.Next()
		}
		for ; k != nil && len(ids) < limit; k, _ = c.Next() {
			ids = append(ids, string(k))
		}
		return nil
	})
	return ids, err
}

// DeleteBlobs deletes the board's blob bucket: every blob of it.
func (s *Bolt) DeleteBlobs(_ context.Context, id string) error {
	err := s.update(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketBlobs).DeleteBucket([]byte(id))
		if errors.Is(err, bolterrors.ErrBucketNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete the blobs of board %.8s: %w", id, err)
	}
	return nil
}
