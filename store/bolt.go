package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

// Buckets. Boards are keyed by edit id; views maps view id → edit id so that
// a view capability finds its board without revealing the edit id. Each
// board has a head (where its log stands), a snapshot, and nested log and
// refs buckets: seq → message, and ref → seq for dedupe. Blobs hold a
// bucket per board that has images (bolt_blobs.go), checkpoints one per
// board with kept versions. Tombstones and touched belong to deletion and
// idleness (bolt_delete.go). Every bucket but views and tombstones is
// keyed by board id: DeleteBoard relies on it.
var (
	bucketBoards      = []byte("boards")
	bucketViews       = []byte("views")
	bucketHeads       = []byte("heads")
	bucketSnapshots   = []byte("snapshots")
	bucketLogs        = []byte("logs")
	bucketRefs        = []byte("refs")
	bucketBlobs       = []byte("blobs")
	bucketCheckpoints = []byte("checkpoints")
	bucketTombstones  = []byte("tombstones")
	bucketTouched     = []byte("touched")
	allBuckets        = [][]byte{bucketBoards, bucketViews, bucketHeads, bucketSnapshots, bucketLogs, bucketRefs, bucketBlobs, bucketCheckpoints, bucketTombstones, bucketTouched}
)

// BoltFile is the store's file name inside the data directory.
const BoltFile = "easel.db"

// Bolt is the embedded board.Store: one bbolt file; every commit is
// fsync'd before it is acknowledged. Appends are group-committed: one
// goroutine takes every append that queued up while the previous commit was
// being written and commits them in one transaction (one fsync).
type Bolt struct {
	db   *bolt.DB
	opts Options

	appends chan *appendReq
	mu      sync.RWMutex // guards closed against sends on appends
	closed  bool
	done    chan struct{} // closed when commitLoop has ended

	compactions *compactQueue // boards due for compaction or a history pass, from commitLoop
	compactDone chan struct{} // closed when compactLoop has ended
	passes      boardLocks    // one history pass of a board at a time

	health writeHealth // whether commits reach the disk (bolt_health.go)
}

var _ board.Store = (*Bolt)(nil)

type appendReq struct {
	boardID string
	msg     board.OpsMessage
	reply   chan appendResult
}

type appendResult struct {
	msg board.OpsMessage
	dup bool
	err error
}

// maxBatch bounds one group commit, so a flood cannot make one
// transaction (and the acks waiting on it) arbitrarily large.
const maxBatch = 512

// OpenBolt opens (creating if needed) the store in dir with default
// options.
func OpenBolt(dir string) (*Bolt, error) { return OpenBoltWith(dir, DefaultOptions()) }

// OpenBoltWith opens the store with explicit options. It fails fast when
// another process holds the file, instead of hanging on bbolt's file lock.
func OpenBoltWith(dir string, opts Options) (*Bolt, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, BoltFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise store %s: %w", path, err)
	}
	s := &Bolt{
		db: db, opts: opts,
		appends: make(chan *appendReq, maxBatch), done: make(chan struct{}),
		compactions: newCompactQueue(64), compactDone: make(chan struct{}),
	}
	go s.commitLoop()
	go s.compactLoop()
	return s, nil
}

// CreateBoard stores b and its empty history in one transaction.
func (s *Bolt) CreateBoard(_ context.Context, b board.Board) error {
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode board: %w", err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		boards, views := tx.Bucket(bucketBoards), tx.Bucket(bucketViews)
		if boards.Get([]byte(b.ID)) != nil || views.Get([]byte(b.ViewID)) != nil {
			return errors.New("board id already exists")
		}
		if err := refuseTombstoned(tx, b); err != nil {
			return err
		}
		if err := touchTx(tx, b.ID, createdAt(b)); err != nil {
			return err
		}
		if err := boards.Put([]byte(b.ID), data); err != nil {
			return err
		}
		if err := views.Put([]byte(b.ViewID), []byte(b.ID)); err != nil {
			return err
		}
		if _, err := tx.Bucket(bucketLogs).CreateBucket([]byte(b.ID)); err != nil {
			return err
		}
		if _, err := tx.Bucket(bucketRefs).CreateBucket([]byte(b.ID)); err != nil {
			return err
		}
		if err := putHead(tx, b.ID, head{}); err != nil {
			return err
		}
		return putSnapshot(tx, b.ID, board.NewSnapshot(b.Title))
	})
	if err != nil {
		return fmt.Errorf("create board: %w", err)
	}
	return nil
}

// BoardByID finds a board by its edit id.
func (s *Bolt) BoardByID(_ context.Context, id string) (board.Board, error) {
	var b board.Board
	err := s.db.View(func(tx *bolt.Tx) error { return getBoard(tx, id, &b) })
	return b, err
}

// BoardByViewID finds a board by its view id.
func (s *Bolt) BoardByViewID(_ context.Context, viewID string) (board.Board, error) {
	var b board.Board
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketViews).Get([]byte(viewID))
		if id == nil {
			return missing(tx, viewID, tombView)
		}
		return decodeBoard(tx.Bucket(bucketBoards).Get(id), &b)
	})
	return b, err
}

// getBoard decodes the board's record: ErrGone when it was deleted.
func getBoard(tx *bolt.Tx, id string, b *board.Board) error {
	data := tx.Bucket(bucketBoards).Get([]byte(id))
	if data == nil {
		return missing(tx, id, tombEdit)
	}
	return decodeBoard(data, b)
}

func decodeBoard(data []byte, b *board.Board) error {
	if data == nil {
		return board.ErrNotFound
	}
	if err := json.Unmarshal(data, b); err != nil {
		return fmt.Errorf("decode stored board: %w", err)
	}
	return nil
}

// Ping checks that the file can still be read, and that the disk takes
// writes (bolt_health.go).
func (s *Bolt) Ping(context.Context) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return board.ErrStoreClosed
	}
	if err := s.health.check(s.probeWrite); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketBoards) == nil {
			return errors.New("store: boards bucket missing")
		}
		return nil
	})
}

// Close stops accepting appends, lets the ones already queued commit, and
// closes the file.
func (s *Bolt) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.appends)
	s.mu.Unlock()
	<-s.done // the last appends are committed; commitLoop closed compactions
	<-s.compactDone
	return s.db.Close()
}

// head is where a board's history stands: the last seq, the seq its
// snapshot is at, the oldest seq the log still holds (0: none yet), and
// the bytes of the stored log and snapshot (for the log's byte budget).
// Heads written before the byte counts existed are 24 bytes long: their
// counts read as 0 and are recounted at the next compaction.
type head struct {
	Seq, SnapSeq, Oldest uint64
	LogBytes, SnapBytes  uint64
}

func getHead(tx *bolt.Tx, id string) (head, bool) {
	v := tx.Bucket(bucketHeads).Get([]byte(id))
	if len(v) != 24 && len(v) != 40 {
		return head{}, false
	}
	h := head{Seq: binary.BigEndian.Uint64(v), SnapSeq: binary.BigEndian.Uint64(v[8:]), Oldest: binary.BigEndian.Uint64(v[16:])}
	if len(v) == 40 {
		h.LogBytes, h.SnapBytes = binary.BigEndian.Uint64(v[24:]), binary.BigEndian.Uint64(v[32:])
	}
	return h, true
}

func putHead(tx *bolt.Tx, id string, h head) error {
	v := make([]byte, 40)
	binary.BigEndian.PutUint64(v, h.Seq)
	binary.BigEndian.PutUint64(v[8:], h.SnapSeq)
	binary.BigEndian.PutUint64(v[16:], h.Oldest)
	binary.BigEndian.PutUint64(v[24:], h.LogBytes)
	binary.BigEndian.PutUint64(v[32:], h.SnapBytes)
	return tx.Bucket(bucketHeads).Put([]byte(id), v)
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}
