package store

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
)

// Write health. A commit that fails to reach the disk (ENOSPC, EIO, a
// read-only remount) marks the store unhealthy, so that /readyz answers
// 503 and a load balancer stops sending users to a node that cannot keep
// their edits. The store recovers by itself: the next commit that succeeds
// clears the mark, and so does a probe — Ping, called by /readyz, writes
// and syncs a small file beside the store (at most once per probeEvery)
// while the mark is set, so a node nobody edits on comes back too. The
// probe needs fresh disk space, which bbolt's freelist may not: a disk
// full enough to refuse bbolt's next growth but not the probe flips back
// to unhealthy at the next failing commit.

// probeEvery bounds how often an unhealthy store tries a probe write.
const probeEvery = time.Second

// probeSize is what a probe writes: enough to need fresh blocks.
const probeSize = 64 << 10

// writeHealth is the store's last write outcome.
type writeHealth struct {
	mu        sync.Mutex
	err       error // the last failed commit's error; nil while writes succeed
	lastProbe time.Time
}

func (h *writeHealth) set(err error) {
	h.mu.Lock()
	h.err = err
	h.mu.Unlock()
}

// check returns nil while writes succeed; otherwise it probes (when due)
// with probe, and returns the failure while it lasts.
func (h *writeHealth) check(probe func() error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		return nil
	}
	if time.Since(h.lastProbe) >= probeEvery {
		h.lastProbe = time.Now()
		if err := probe(); err != nil {
			h.err = err
		} else {
			h.err = nil
			return nil
		}
	}
	return board.Errorf(board.CodeUnavailable, "the disk refuses writes (%s)", errnoText(h.err))
}

// errnoText names a failed write's cause without its path: /readyz may
// show it to anyone.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return "write failed"
}

// update is db.Update that records whether the commit reached the disk.
// An error from fn is the caller's (a duplicate id, say), not the disk's.
func (s *Bolt) update(fn func(*bolt.Tx) error) error {
	tx, err := s.db.Begin(true)
	if err != nil {
		return err
	}
	defer tx.Rollback() // after a commit: a harmless ErrTxClosed
	if err := fn(tx); err != nil {
		return err
	}
	err = tx.Commit()
	s.health.set(err)
	return err
}

// probeWrite writes, syncs and removes a small file beside the store.
func (s *Bolt) probeWrite() error {
	f, err := os.CreateTemp(filepath.Dir(s.db.Path()), ".easel-probe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, probeSize))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
