package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
	defer s.compactions.close()
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
		passDue := map[string]bool{}
		err := s.update(func(tx *bolt.Tx) error {
			for i, req := range batch {
				results[i] = appendTx(tx, req, s.opts)
				if results[i].err == nil && !results[i].dup {
					h, _ := getHead(tx, req.boardID)
					touched[req.boardID] = h
					passDue[req.boardID] = s.historyDue(tx, req.boardID, h.Seq)
				}
			}
			// An edit is a use: the idle sweep counts from it.
			now := time.Now()
			for id := range touched {
				if err := touchTx(tx, id, now); err != nil {
					return err
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
			if errors.Is(r.err, errLogFull) {
				s.compactions.ask(req.boardID)
			}
		}
		if err == nil {
			for id, h := range touched {
				if s.opts.overBudget(h.Seq, h.SnapSeq, h.LogBytes, h.SnapBytes) {
					s.compactions.ask(id)
				} else if passDue[id] {
					s.compactions.askPass(id)
				}
			}
		}
	}
}

// appendTx writes one message inside the batch's transaction. A failure
// of one message (unknown board) does not fail the others.
func appendTx(tx *bolt.Tx, req *appendReq, opts Options) appendResult {
	id := req.boardID
	h, ok := getHead(tx, id)
	if !ok {
		return appendResult{err: missing(tx, id, tombEdit)}
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
	m.Seq, m.At = h.Seq+1, opts.now()
	data, err := json.Marshal(logged(m))
	if err != nil {
		return appendResult{err: fmt.Errorf("encode ops: %w", err)}
	}
	if opts.logFull(h.LogBytes, h.SnapBytes, uint64(len(data))) {
		return appendResult{err: errLogFull}
	}
	key := seqKey(m.Seq)
	if err := logs.Put(key, data); err != nil {
		return appendResult{err: err}
	}
	if err := refs.Put([]byte(m.DedupeKey()), key); err != nil {
		return appendResult{err: err}
	}
	h.Seq = m.Seq
	h.LogBytes += uint64(len(data))
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
// never wait for a large board to be re-encoded. A history pass comes
// first, on the same goroutine: its replay is the new snapshot, so the
// compaction folds exactly what the pass has seen and the log never loses
// a message before version history has decided on it.
func (s *Bolt) compactLoop() {
	defer close(s.compactDone)
	for id := range s.compactions.ch {
		compact := s.compactions.take(id)
		snap, err := s.historyPass(id)
		if err != nil || !compact {
			// The previous snapshot and log are still correct; the next
			// commit on this board asks again.
			continue
		}
		_ = s.compact(id, snap)
	}
}

// compact stores snap, the board as the history pass replayed it, as the
// new snapshot and drops messages (and their refs) older than the
// retained window — or beyond half the log's byte budget — in a short
// write transaction. The replay read the log outside any long transaction
// (see historyPass); only this compactor drops messages, and never ones
// after the stored snapshot, so the log it read cannot change under it.
func (s *Bolt) compact(id string, snap *board.Snapshot) error {
	data, err := encodeSnapshot(snap)
	if err != nil {
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
		h.SnapSeq, h.SnapBytes = snap.Seq, uint64(len(data))
		logs, refs := tx.Bucket(bucketLogs).Bucket([]byte(id)), tx.Bucket(bucketRefs).Bucket([]byte(id))
		// Recount the log (heads from before byte counts say 0).
		h.LogBytes = 0
		if err := logs.ForEach(func(_, v []byte) error { h.LogBytes += uint64(len(v)); return nil }); err != nil {
			return err
		}
		// Drop what is in the snapshot and either outside the window or
		// beyond half the byte budget, oldest first.
		var countCutoff uint64
		if keep := uint64(s.opts.Retain); h.Seq > keep {
			countCutoff = h.Seq - keep
		}
		target := s.opts.logBudget(h.SnapBytes) / 2
		c := logs.Cursor()
		for k, v := c.First(); k != nil; k, v = c.First() {
			seq := binary.BigEndian.Uint64(k)
			if seq > h.SnapSeq || (seq > countCutoff && h.LogBytes <= target) {
				break
			}
			m, err := decodeLogged(v)
			if err != nil {
				return err
			}
			if err := refs.Delete([]byte(m.DedupeKey())); err != nil {
				return err
			}
			h.LogBytes -= uint64(len(v))
			if err := c.Delete(); err != nil {
				return err
			}
			h.Oldest = max(h.Oldest, seq+1)
		}
		return putHead(tx, id, h)
	})
}

// LoadEach returns the board's epoch and current snapshot, streaming the
// retained log through each inside one read transaction.
func (s *Bolt) LoadEach(_ context.Context, id string, each func(*board.OpsMessage)) (string, *board.Snapshot, error) {
	var (
		epoch string
		snap  *board.Snapshot
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		var b board.Board
		if err := getBoard(tx, id, &b); err != nil {
			return err
		}
		epoch = b.Epoch
		var err error
		if snap, err = getSnapshot(tx, id); err != nil {
			return err
		}
		return eachLogged(tx, id, snap.Seq, applyTail(snap, each))
	})
	if err != nil {
		return "", nil, fmt.Errorf("load board %.8s: %w", id, err)
	}
	return epoch, snap, nil
}

// Load returns the board's epoch, snapshot and retained log.
func (s *Bolt) Load(ctx context.Context, id string) (string, *board.Snapshot, []board.OpsMessage, error) {
	return loadAll(ctx, s, id)
}

// Since returns the messages after seq `after` of epoch.
func (s *Bolt) Since(_ context.Context, id, epoch string, after uint64) ([]board.OpsMessage, error) {
	var out []board.OpsMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		var b board.Board
		if err := getBoard(tx, id, &b); err != nil {
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
	err := eachLogged(tx, id, after, func(m *board.OpsMessage) error { out = append(out, *m); return nil })
	return out, err
}

// eachLogged decodes the messages after seq `after` one at a time, in
// order, and hands each to fn.
func eachLogged(tx *bolt.Tx, id string, after uint64, fn func(*board.OpsMessage) error) error {
	c := tx.Bucket(bucketLogs).Bucket([]byte(id)).Cursor()
	for k, v := c.Seek(seqKey(after + 1)); k != nil; k, v = c.Next() {
		m, err := decodeLogged(v)
		releaseRead(tx, v)
		if err != nil {
			return fmt.Errorf("decode logged message %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if err := fn(&m); err != nil {
			return err
		}
	}
	return nil
}

// loggedOps is an ops message in the log on disk: the message plus the
// scope of its ref, which board.OpsMessage never encodes. Entries written
// before scopes existed decode with an empty scope, which is what their
// (bare-ref) index entries were keyed under.
//
// Name and At (unix ms) are the author's display name and the commit
// time, for version history; entries from before them read as "" and the
// zero time.
type loggedOps struct {
	board.OpsMessage
	Scope string `json:"scope,omitempty"`
	Name  string `json:"name,omitempty"`
	At    int64  `json:"at,omitempty"`
}

func logged(m board.OpsMessage) loggedOps {
	l := loggedOps{OpsMessage: m, Scope: m.Scope, Name: m.Name}
	if !m.At.IsZero() {
		l.At = m.At.UnixMilli()
	}
	return l
}

func decodeLogged(data []byte) (board.OpsMessage, error) {
	var l loggedOps
	if err := json.Unmarshal(data, &l); err != nil {
		return board.OpsMessage{}, err
	}
	l.OpsMessage.Scope, l.OpsMessage.Name = l.Scope, l.Name
	if l.At != 0 {
		l.OpsMessage.At = time.UnixMilli(l.At).UTC()
	}
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
	defer releaseRead(tx, data)
	return decodeSnapshot(data)
}

// releaseRead releases the mapped pages of v, a value read in tx and
// already decoded, when tx only reads: then v is a slice of the file's
// mapping (releaseMapped); in a writable transaction it may be heap.
func releaseRead(tx *bolt.Tx, v []byte) {
	if !tx.Writable() {
		releaseMapped(v)
	}
}

// decodeSnapshot decodes the snapshot bolt holds as data, nil when the
// board has none.
func decodeSnapshot(data []byte) (*board.Snapshot, error) {
	if data == nil {
		return nil, board.ErrNotFound
	}
	return parseSnapshot(data)
}

// parseSnapshot decodes a stored snapshot (encodeSnapshot's JSON), for
// either store.
func parseSnapshot(data []byte) (*board.Snapshot, error) {
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
