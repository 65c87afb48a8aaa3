package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Check runs bbolt's page-level consistency check and then Easel's own
// invariants on every board: the log holds exactly the seqs from Oldest to
// Seq, each under its own key; every ref points at a logged message with
// that ref, and every logged message has its ref; the snapshot is within
// the log's reach.
//
// It runs in a read-write transaction (changing nothing) because bbolt's
// page check reads the freelist, which only a writer may touch safely.
func (s *Bolt) Check() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := pageCheck(tx); err != nil {
			return fmt.Errorf("store integrity: %w", err)
		}
		return checkBoards(tx)
	})
}

// checkBoards checks Easel's invariants on every board.
func checkBoards(tx *bolt.Tx) error {
	boards := tx.Bucket(bucketBoards)
	if boards == nil {
		if k, _ := tx.Cursor().First(); k == nil {
			return nil // a file created but never initialised: OpenBolt will
		}
		return fmt.Errorf("store integrity: boards bucket missing")
	}
	err := boards.ForEach(func(k, _ []byte) error {
		if err := checkBoard(tx, string(k)); err != nil {
			return fmt.Errorf("store integrity: board %.8s: %w", k, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return checkBlobBuckets(tx)
}

// checkBlobBuckets checks every board's blobs: a record for every stored
// value and the reverse, each value of its record's size, and the board's
// sum. Only lengths are compared: no blob's pages are read.
func checkBlobBuckets(tx *bolt.Tx) error {
	all := tx.Bucket(bucketBlobs)
	if all == nil {
		return nil // a file from before images: OpenBolt creates it
	}
	return all.ForEachBucket(func(id []byte) error {
		b := all.Bucket(id)
		meta, data := b.Bucket(blobMeta), b.Bucket(blobData)
		if meta == nil || data == nil {
			return fmt.Errorf("store integrity: blobs of board %.8s: meta or data bucket missing", id)
		}
		var sum int64
		err := meta.ForEach(func(sha, v []byte) error {
			rec, err := decodeStoredBlob(v)
			if err != nil {
				return err
			}
			if n := int64(len(data.Get(sha))); n != rec.Size || rec.SHA256 != string(sha) {
				return fmt.Errorf("blob %.12s… holds %d bytes under record %.12s… of %d", sha, n, rec.SHA256, rec.Size)
			}
			sum += rec.Size
			return nil
		})
		if err == nil && data.Stats().KeyN != meta.Stats().KeyN {
			err = fmt.Errorf("%d blobs for %d records", data.Stats().KeyN, meta.Stats().KeyN)
		}
		if err == nil && sum != blobTotal(b) {
			err = fmt.Errorf("blobs sum to %d bytes, the board's count says %d", sum, blobTotal(b))
		}
		if err != nil {
			return fmt.Errorf("store integrity: blobs of board %.8s: %w", id, err)
		}
		return nil
	})
}

func checkBoard(tx *bolt.Tx, id string) error {
	h, ok := getHead(tx, id)
	if !ok {
		return fmt.Errorf("no head")
	}
	snap, err := getSnapshot(tx, id)
	if err != nil {
		return err
	}
	if snap.Seq != h.SnapSeq || snap.Seq > h.Seq {
		return fmt.Errorf("snapshot at %d, head says %d of %d", snap.Seq, h.SnapSeq, h.Seq)
	}
	logs, refs := tx.Bucket(bucketLogs).Bucket([]byte(id)), tx.Bucket(bucketRefs).Bucket([]byte(id))
	if logs == nil || refs == nil {
		return fmt.Errorf("log or refs bucket missing")
	}
	want := h.Oldest
	count := 0
	err = logs.ForEach(func(k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		if seq != want {
			return fmt.Errorf("log jumps to %d, expected %d", seq, want)
		}
		m, err := decodeLogged(v)
		if err != nil {
			return fmt.Errorf("message %d does not decode: %w", seq, err)
		}
		if m.Seq != seq {
			return fmt.Errorf("message under key %d says seq %d", seq, m.Seq)
		}
		if r := refs.Get([]byte(m.DedupeKey())); r == nil || binary.BigEndian.Uint64(r) != seq {
			return fmt.Errorf("message %d's ref %q does not point back at it", seq, m.Ref)
		}
		want++
		count++
		return nil
	})
	if err != nil {
		return err
	}
	if h.Seq > 0 && want != h.Seq+1 {
		return fmt.Errorf("log ends at %d, head is %d", want-1, h.Seq)
	}
	if h.Oldest > h.SnapSeq+1 {
		return fmt.Errorf("log starts at %d, after the snapshot at %d", h.Oldest, h.SnapSeq)
	}
	if n := refs.Stats().KeyN; n != count {
		return fmt.Errorf("%d refs for %d logged messages", n, count)
	}
	return nil
}
