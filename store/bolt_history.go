package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

// Checkpoints live in their own top-level bucket, a nested bucket per
// board (deleting a board drops checkpoints/<id>): in it, bucket meta
// (seq → cpMeta JSON, what Versions lists without reading snapshots),
// bucket data (seq → compressed snapshot), key state (cpState JSON, where
// the passes stand) and key mark (the state's Mark, 8 bytes, which the
// commit loop reads to ask for a pass).
var (
	cpMetaBucket = []byte("meta")
	cpDataBucket = []byte("data")
	cpStateKey   = []byte("state")
	cpMarkKey    = []byte("mark")
)

var _ board.History = (*Bolt)(nil)

// Versions makes the checkpoints that are due and lists them, newest
// first.
func (s *Bolt) Versions(_ context.Context, id string) ([]board.Version, error) {
	seen, err := s.passedHead(id)
	if err != nil {
		return nil, err
	}
	if seen {
		err = s.thinOnly(id)
	} else {
		_, err = s.historyPass(id)
	}
	if err != nil {
		return nil, fmt.Errorf("versions of board %.8s: %w", id, err)
	}
	var metas []cpMeta
	err = s.db.View(func(tx *bolt.Tx) error {
		var err error
		metas, err = boltMetas(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return newestFirst(metas), nil
}

// passedHead tells whether the passes have seen every message of the
// board. Then listing needs no pass, which would read and decode the
// newest checkpoint (the whole board) for nothing: a stranger asking
// /history in a loop costs a small read each time.
func (s *Bolt) passedHead(id string) (bool, error) {
	var seen bool
	err := s.db.View(func(tx *bolt.Tx) error {
		h, ok := getHead(tx, id)
		if !ok {
			return missing(tx, id, tombEdit)
		}
		if h.Seq == 0 {
			seen = true
			return nil
		}
		raw := cpGet(tx, id, cpStateKey)
		if raw == nil {
			return nil
		}
		var st cpState
		if err := json.Unmarshal(raw, &st); err != nil {
			return fmt.Errorf("decode history state: %w", err)
		}
		seen = st.Seq >= h.Seq
		return nil
	})
	return seen, err
}

// thinOnly applies the age policy to a board no pass needs to visit,
// writing only when it drops something.
func (s *Bolt) thinOnly(id string) error {
	now := s.opts.now()
	drop, err := s.thinDrops(id, now)
	if err != nil || !drop {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return s.thinBolt(tx, id, now) })
}

// thinDrops tells whether thinning at now would drop any of the board's
// checkpoints (read-only: most listings drop nothing and write nothing).
func (s *Bolt) thinDrops(id string, now time.Time) (bool, error) {
	var drop bool
	err := s.db.View(func(tx *bolt.Tx) error {
		metas, err := boltMetas(tx, id)
		drop = len(s.opts.thin(metas, now)) > 0
		return err
	})
	return drop, err
}

// HasVersion looks seq up in the board's listing, not its data.
func (s *Bolt) HasVersion(_ context.Context, id string, seq uint64) (bool, error) {
	var kept bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if _, ok := getHead(tx, id); !ok {
			return missing(tx, id, tombEdit)
		}
		if meta := cpBucket(tx, id, cpMetaBucket); meta != nil {
			kept = meta.Get(seqKey(seq)) != nil
		}
		return nil
	})
	return kept, err
}

// Checkpoint reads kept version seq back.
func (s *Bolt) Checkpoint(_ context.Context, id string, seq uint64) (*board.Snapshot, error) {
	var packed []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if _, ok := getHead(tx, id); !ok {
			return missing(tx, id, tombEdit)
		}
		if b := cpBucket(tx, id, cpDataBucket); b != nil {
			packed = append(packed, b.Get(seqKey(seq))...)
		}
		if packed == nil {
			return board.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return parseCheckpoint(packed)
}

// SweepHistory thins the checkpoints of every board that has some, a
// board per transaction.
func (s *Bolt) SweepHistory(ctx context.Context) error {
	var ids []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCheckpoints).ForEachBucket(func(k []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return err
	}
	now := s.opts.now()
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		unlock := s.passes.lock(id)
		err := s.update(func(tx *bolt.Tx) error { return s.thinBolt(tx, id, now) })
		unlock()
		if err != nil {
			return fmt.Errorf("sweep history of board %.8s: %w", id, err)
		}
	}
	return nil
}

// historyPass makes the checkpoints that are due on board id and returns
// the board at the last message it has seen, which the compactor stores
// as the new snapshot. Its reads are short on purpose: pages that commits
// free while a read transaction is open cannot be reused until it ends,
// and a compactor that held one for the whole replay of a large board
// made the file grow by everything written meanwhile. So the base is
// copied out in one transaction and the log read a message per
// transaction; what the pass made, its state and the thinning are written
// in one.
func (s *Bolt) historyPass(id string) (*board.Snapshot, error) {
	unlock := s.passes.lock(id)
	defer unlock()
	var (
		st     cpState
		stored []byte
		base   []byte
		isCP   bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		h, ok := getHead(tx, id)
		if !ok {
			return missing(tx, id, tombEdit)
		}
		if raw := cpGet(tx, id, cpStateKey); raw != nil {
			stored = append(stored, raw...)
			if err := json.Unmarshal(raw, &st); err != nil {
				return fmt.Errorf("decode history state: %w", err)
			}
		}
		// Start from the newest checkpoint while the log still follows
		// on from it, unless the compacted snapshot is further on (and
		// already seen).
		if meta := cpBucket(tx, id, cpMetaBucket); meta != nil {
			if k, _ := meta.Cursor().Last(); k != nil {
				cp := binary.BigEndian.Uint64(k)
				if cp+1 >= h.Oldest && !(h.SnapSeq > cp && h.SnapSeq <= st.Seq) {
					base, isCP = append(base, cpBucket(tx, id, cpDataBucket).Get(k)...), true
				}
			}
		}
		if !isCP {
			base = append(base, tx.Bucket(bucketSnapshots).Get([]byte(id))...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var snap *board.Snapshot
	if isCP {
		snap, err = parseCheckpoint(base)
	} else {
		snap, err = decodeSnapshot(base)
	}
	if err != nil {
		return nil, err
	}
	made, st, err := runPass(s.opts, st, snap, func(fn func(*board.OpsMessage) error) error {
		for seq := snap.Seq + 1; ; seq++ {
			var raw []byte
			err := s.db.View(func(tx *bolt.Tx) error {
				if logs := tx.Bucket(bucketLogs).Bucket([]byte(id)); logs != nil {
					raw = append(raw, logs.Get(seqKey(seq))...)
				}
				return nil
			})
			if err != nil || raw == nil {
				return err
			}
			m, err := decodeLogged(raw)
			if err != nil {
				return fmt.Errorf("decode logged message %d: %w", seq, err)
			}
			if err := fn(&m); err != nil {
				return err
			}
		}
	})
	if err != nil {
		return nil, err
	}
	enc, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	now := s.opts.now()
	if len(made) == 0 && bytes.Equal(enc, stored) {
		// Nothing new: write only if thinning drops something, so that
		// a pass that finds nothing costs no fsync.
		drop, err := s.thinDrops(id, now)
		if err != nil || !drop {
			return snap, err
		}
	}
	err = s.update(func(tx *bolt.Tx) error {
		if _, ok := getHead(tx, id); !ok {
			return board.ErrNotFound // deleted meanwhile: leave nothing behind
		}
		cps, err := tx.Bucket(bucketCheckpoints).CreateBucketIfNotExists([]byte(id))
		if err != nil {
			return err
		}
		meta, err := cps.CreateBucketIfNotExists(cpMetaBucket)
		if err != nil {
			return err
		}
		data, err := cps.CreateBucketIfNotExists(cpDataBucket)
		if err != nil {
			return err
		}
		for _, c := range made {
			enc, err := json.Marshal(c.meta)
			if err != nil {
				return err
			}
			if err := meta.Put(seqKey(c.meta.Seq), enc); err != nil {
				return err
			}
			if err := data.Put(seqKey(c.meta.Seq), c.data); err != nil {
				return err
			}
		}
		if err := cps.Put(cpStateKey, enc); err != nil {
			return err
		}
		if err := cps.Put(cpMarkKey, seqKey(st.Mark)); err != nil {
			return err
		}
		return s.thinBolt(tx, id, now)
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// thinBolt drops what the age policy and the byte budget no longer keep.
func (s *Bolt) thinBolt(tx *bolt.Tx, id string, now time.Time) error {
	metas, err := boltMetas(tx, id)
	if err != nil || len(metas) == 0 {
		return err
	}
	meta, data := cpBucket(tx, id, cpMetaBucket), cpBucket(tx, id, cpDataBucket)
	for _, seq := range s.opts.thin(metas, now) {
		if err := meta.Delete(seqKey(seq)); err != nil {
			return err
		}
		if err := data.Delete(seqKey(seq)); err != nil {
			return err
		}
	}
	return nil
}

// boltMetas lists the board's kept checkpoints, oldest first.
func boltMetas(tx *bolt.Tx, id string) ([]cpMeta, error) {
	meta := cpBucket(tx, id, cpMetaBucket)
	if meta == nil {
		if _, ok := getHead(tx, id); !ok {
			return nil, missing(tx, id, tombEdit)
		}
		return nil, nil
	}
	var out []cpMeta
	err := meta.ForEach(func(k, v []byte) error {
		var c cpMeta
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode checkpoint %d: %w", binary.BigEndian.Uint64(k), err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// cpBucket is one of the board's checkpoint buckets, nil while it has none.
func cpBucket(tx *bolt.Tx, id string, name []byte) *bolt.Bucket {
	if cps := tx.Bucket(bucketCheckpoints).Bucket([]byte(id)); cps != nil {
		return cps.Bucket(name)
	}
	return nil
}

func cpGet(tx *bolt.Tx, id string, key []byte) []byte {
	if cps := tx.Bucket(bucketCheckpoints).Bucket([]byte(id)); cps != nil {
		return cps.Get(key)
	}
	return nil
}

// historyDue tells the commit loop whether board id, now at seq, is
// CheckpointEvery past its last boundary: then it asks for a pass.
func (s *Bolt) historyDue(tx *bolt.Tx, id string, seq uint64) bool {
	var mark uint64
	if v := cpGet(tx, id, cpMarkKey); len(v) == 8 {
		mark = binary.BigEndian.Uint64(v)
	}
	return seq >= mark+uint64(s.opts.CheckpointEvery)
}
