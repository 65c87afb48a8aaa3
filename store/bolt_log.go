package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

// Append queues m for the next group commit and waits for it.
func (s *Bolt) Append(ctx context.Context, boardID string, m board.OpsMessage) (board.OpsMessage, bool, error) {
	req := &appendReq{boardID: boardID, msg: m, reply: make(chan appendResult, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return board.OpsMessage{}, false, board.ErrStoreClosed
	}
	select {
	case s.appends <- req:
	case <-ctx.Done():
		s.mu.RUnlock()
		return board.OpsMessage{}, false, ctx.Err()
	}
	s.mu.RUnlock()
	// Once queued, the append commits or fails as a whole with its batch;
	// the caller must learn which, so ctx no longer applies.
	r := <-req.reply
	return r.msg, r.dup, r.err
}

// commitLoop is the group committer: every append that queued up while the
// previous transaction was being fsync'd goes into the next one.
func (s *Bolt) commitLoop() {
	defer close(s.done)
	defer close(s.compactions)
	batch := make([]*appendReq, 0, maxBatch)
	results := make([]appendResult, 0, maxBatch)
	for req := range s.appends {
		batch = append(batch[:0], req)
	fill:
		for len(batch) < maxBatch {
			select {
			case more, ok := <-s.appends:
				if !ok {
					break fill
				}
				batch = append(batch, more)
			default:
				break fill
			}
		}
		results = results[:len(batch)]
		touched := map[string]head{}
		err := s.update(func(tx *bolt.Tx) error {
			for i, req := range batch {
				results[i] = appendTx(tx, req)
				if results[i].err == nil && !results[i].dup {
					h, _ := getHead(tx, req.boardID)
					touched[req.boardID] = h
				}
			}
			return nil
		})
		for i, req := range batch {
			r := results[i]
			if err != nil {
				r = appendResult{err: fmt.Errorf("commit ops: %w", err)}
			}
			req.reply <- r
		}
		if err == nil {
			for id, h := range touched {
				if h.Seq-h.SnapSeq >= uint64(s.opts.CompactEvery) {
					select {
					case s.compactions <- id:
					default: // the compactor is busy; the next commit asks again
					}
				}
			}
		}
	}
}

// appendTx writes one message inside the batch's transaction. A failure
// of one message (unknown board) does not fail the others.
func appendTx(tx *bolt.Tx, req *appendReq) appendResult {
	id := req.boardID
	h, ok := getHead(tx, id)
	if !ok {
		return appendResult{err: board.ErrNotFound}
	}
	logs, refs := tx.Bucket(bucketLogs).Bucket([]byte(id)), tx.Bucket(bucketRefs).Bucket([]byte(id))
	if key := refs.Get([]byte(req.msg.DedupeKey())); key != nil {
		orig, err := decodeLogged(logs.Get(key))
		if err != nil {
			return appendResult{err: fmt.Errorf("decode logged message %d: %w", binary.BigEndian.Uint64(key), err)}
		}
		return appendResult{msg: orig, dup: true}
	}
	m := req.msg
	m.Seq = h.Seq + 1
	data, err := json.Marshal(loggedOps{OpsMessage: m, Scope: m.Scope})
	if err != nil {
		return appendResult{err: fmt.Errorf("encode ops: %w", err)}
	}
	key := seqKey(m.Seq)
	if err := logs.Put(key, data); err != nil {
		return appendResult{err: err}
	}
	if err := refs.Put([]byte(m.DedupeKey()), key); err != nil {
		return appendResult{err: err}
	}
	h.Seq = m.Seq
	if h.Oldest == 0 {
		h.Oldest = m.Seq
	}
	if err := putHead(tx, id, h); err != nil {
		return appendResult{err: err}
	}
	if title, renamed := lastTitle(m.Ops); renamed {
		if err := setBoardTitle(tx, id, title); err != nil {
			return appendResult{err: err}
		}
	}
	return appendResult{msg: m}
}

func lastTitle(ops []board.Op) (string, bool) {
	for i := len(ops) - 1; i >= 0; i-- {
		if ops[i].Op == board.OpTitle {
			return ops[i].Title, true
		}
	}
	return "", false
}

// setBoardTitle keeps the board record's title (what pages show) in step
// with title ops, in the same transaction.
func setBoardTitle(tx *bolt.Tx, id, title string) error {
	boards := tx.Bucket(bucketBoards)
	var b board.Board
	if err := decodeBoard(boards.Get([]byte(id)), &b); err != nil {
		return err
	}
	b.Title = title
	data, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return boards.Put([]byte(id), data)
}

// compactLoop folds logs into snapshots off the commit path, so acks
// never wait for a large board to be re-encoded.
func (s *Bolt) compactLoop() {
	defer close(s.compactDone)
	for id := range s.compactions {
		if err := s.compact(id); err != nil {
			// The previous snapshot and log are still correct; the next
			// commit on this board asks again.
			continue
		}
	}
}

// compact builds the new snapshot in a read transaction (commits go on
// meanwhile), then stores it and drops messages (and their refs) older than
// the retained window in a short write transaction.
func (s *Bolt) compact(id string) error {
	var (
		snap *board.Snapshot
		data []byte
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		if snap, err = getSnapshot(tx, id); err != nil {
			return err
		}
		log, err := readLog(tx, id, snap.Seq)
		if err != nil {
			return err
		}
		for i := range log {
			snap.Apply(&log[i])
		}
		return nil
	})
	if err != nil {
		return err
	}
	if data, err = encodeSnapshot(snap); err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		h, ok := getHead(tx, id)
		if !ok || h.SnapSeq >= snap.Seq {
			return nil
		}
		if err := tx.Bucket(bucketSnapshots).Put([]byte(id), data); err != nil {
			return err
		}
		h.SnapSeq = snap.Seq
		if keep := uint64(s.opts.Retain); h.Seq > keep {
			// Drop what is both in the snapshot and outside the window.
			cutoff := min(h.Seq-keep, h.SnapSeq)
			logs, refs := tx.Bucket(bucketLogs).Bucket([]byte(id)), tx.Bucket(bucketRefs).Bucket([]byte(id))
			c := logs.Cursor()
			for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k) <= cutoff; k, v = c.First() {
				m, err := decodeLogged(v)
				if err != nil {
					return err
				}
				if err := refs.Delete([]byte(m.DedupeKey())); err != nil {
					return err
				}
				if err := c.Delete(); err != nil {
					return err
				}
			}
			h.Oldest = max(h.Oldest, cutoff+1)
		}
		return putHead(tx, id, h)
	})
}

// Load returns the board's epoch, snapshot and retained log.
func (s *Bolt) Load(_ context.Context, id string) (string, *board.Snapshot, []board.OpsMessage, error) {
	var (
		epoch string
		snap  *board.Snapshot
		log   []board.OpsMessage
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		var b board.Board
		if err := decodeBoard(tx.Bucket(bucketBoards).Get([]byte(id)), &b); err != nil {
			return err
		}
		epoch = b.Epoch
		var err error
		if snap, err = getSnapshot(tx, id); err != nil {
			return err
		}
		log, err = readLog(tx, id, 0)
		return err
	})
	if err != nil {
		return "", nil, nil, fmt.Errorf("load board %.8s: %w", id, err)
	}
	return epoch, snap, log, nil
}

// Since returns the messages after seq `after` of epoch.
func (s *Bolt) Since(_ context.Context, id, epoch string, after uint64) ([]board.OpsMessage, error) {
	var out []board.OpsMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		var b board.Board
		if err := decodeBoard(tx.Bucket(bucketBoards).Get([]byte(id)), &b); err != nil {
			return err
		}
		h, _ := getHead(tx, id)
		if epoch != b.Epoch || after > h.Seq || (after < h.Seq && after+1 < h.Oldest) {
			return board.ErrHistoryGone
		}
		var err error
		out, err = readLog(tx, id, after)
		return err
	})
	return out, err
}

func readLog(tx *bolt.Tx, id string, after uint64) ([]board.OpsMessage, error) {
	var out []board.OpsMessage
	c := tx.Bucket(bucketLogs).Bucket([]byte(id)).Cursor()
	for k, v := c.Seek(seqKey(after + 1)); k != nil; k, v = c.Next() {
		m, err := decodeLogged(v)
		if err != nil {
			return nil, fmt.Errorf("decode logged message %d: %w", binary.BigEndian.Uint64(k), err)
		}
		out = append(out, m)
	}
	return out, nil
}

// loggedOps is an ops message in the log on disk: the message plus the
// scope of its ref, which board.OpsMessage never encodes. Entries written
// before scopes existed decode with an empty scope, which is what their
// (bare-ref) index entries were keyed under.
type loggedOps struct {
	board.OpsMessage
	Scope string `json:"scope,omitempty"`
}

func decodeLogged(data []byte) (board.OpsMessage, error) {
	var l loggedOps
	if err := json.Unmarshal(data, &l); err != nil {
		return board.OpsMessage{}, err
	}
	l.OpsMessage.Scope = l.Scope
	return l.OpsMessage, nil
}

// storedSnapshot is a snapshot on disk: elements in drawing order.
type storedSnapshot struct {
	Title    string           `json:"title"`
	Seq      uint64           `json:"seq"`
	Elements []*board.Element `json:"elements"`
}

func encodeSnapshot(snap *board.Snapshot) ([]byte, error) {
	data, err := json.Marshal(storedSnapshot{Title: snap.Title, Seq: snap.Seq, Elements: snap.Sorted()})
	if err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return data, nil
}

func putSnapshot(tx *bolt.Tx, id string, snap *board.Snapshot) error {
	data, err := encodeSnapshot(snap)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketSnapshots).Put([]byte(id), data)
}

func getSnapshot(tx *bolt.Tx, id string) (*board.Snapshot, error) {
	data := tx.Bucket(bucketSnapshots).Get([]byte(id))
	if data == nil {
		return nil, board.ErrNotFound
	}
	var st storedSnapshot
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("decode snapshot: %w", err)
	}
	snap := board.NewSnapshot(st.Title)
	snap.Seq = st.Seq
	for _, e := range st.Elements {
		snap.Put(e)
	}
	return snap, nil
}
