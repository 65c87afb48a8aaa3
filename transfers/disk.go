package transfers

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
)

// Disk is the Store of a single node: rendered files in the data directory
// (so a download survives a restart of the node), small ones in memory
// too. Expired ones are swept as new ones arrive. Safe for concurrent use.
type Disk struct {
	dir      string
	ttl      time.Duration
	maxBytes int64 // on disk, in total
	now      func() time.Time

	mu        sync.Mutex
	byID      map[string]*Transfer
	total     int64
	lastSweep time.Time
}

var _ Store = (*Disk)(nil)

// OpenDisk uses dir for transfer files, taking back the unexpired ones a
// previous run left. Files take at most maxBytes together.
func OpenDisk(dir string, ttl time.Duration, maxBytes int64) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create transfer directory: %w", err)
	}
	ts := &Disk{dir: dir, ttl: ttl, maxBytes: maxBytes, now: time.Now, byID: make(map[string]*Transfer)}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read transfer directory: %w", err)
	}
	now := ts.now()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		t, err := ts.loadMeta(filepath.Join(dir, name))
		if err != nil || !now.Before(t.Expires) {
			ts.removeFiles(strings.TrimSuffix(name, ".json"))
			continue
		}
		ts.byID[t.ID] = t
		ts.total += t.Size
	}
	return ts, nil
}

func (ts *Disk) loadMeta(path string) (*Transfer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := DecodeMeta(data)
	if err != nil {
		return nil, err
	}
	file := ts.file(t)
	st, err := os.Stat(file.path)
	if err != nil || st.Size() != t.Size {
		return nil, errors.New("transfer file missing or truncated")
	}
	t.SetSource(file)
	return t, nil
}

// file is where t's bytes are on disk.
func (ts *Disk) file(t *Transfer) diskFile {
	return diskFile{id: t.ID, path: filepath.Join(ts.dir, t.ID+".bin")}
}

// removeFiles removes a transfer's bytes and metadata; files already
// gone are no error (the sweep and RemoveBoard may race a restart's).
func (ts *Disk) removeFiles(id string) error {
	var errs []error
	for _, name := range []string{id + ".bin", id + ".json"} {
		if err := os.Remove(filepath.Join(ts.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Add stores a rendered file under a fresh id.
func (ts *Disk) Add(t *Transfer, data []byte) error {
	t.Stamp(data, ts.now(), ts.ttl)
	file := ts.file(t)
	t.SetSource(file)
	ts.mu.Lock()
	ts.sweepLocked()
	if ts.total+t.Size > ts.maxBytes {
		ts.mu.Unlock()
		return board.Errorf(board.CodeUnavailable, "too many downloads in progress on this server; retry in a few minutes")
	}
	ts.total += t.Size // reserved before the write, so concurrent adds cannot overshoot
	ts.mu.Unlock()

	meta, err := json.Marshal(t)
	if err == nil {
		err = os.WriteFile(file.path, data, 0o600)
	}
	if err == nil {
		// The metadata is written last: a file without it is never
		// served.
		err = os.WriteFile(filepath.Join(ts.dir, t.ID+".json"), meta, 0o600)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if err != nil {
		ts.total -= t.Size
		ts.removeFiles(t.ID)
		return fmt.Errorf("store transfer: %w", err)
	}
	ts.byID[t.ID] = t
	return nil
}

// Get finds an unexpired transfer.
func (ts *Disk) Get(id string) (*Transfer, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, ok := ts.byID[id]
	if !ok || !ts.now().Before(t.Expires) {
		return nil, false
	}
	return t, true
}

// Find returns a transfer of the same rendering that has at least half its
// lifetime left, so a download started from it stays resumable long enough.
func (ts *Disk) Find(boardID string, seq uint64, f export.Format, o export.Options) (*Transfer, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	fresh := ts.now().Add(ts.ttl / 2)
	for _, t := range ts.byID {
		if t.BoardID == boardID && t.Seq == seq && t.Format == f && t.Scale == o.Scale && t.Background == o.Background && t.EmbedFonts == o.EmbedFonts && fresh.Before(t.Expires) {
			return t, true
		}
	}
	return nil, false
}

// sweepLocked removes expired transfers, at most once a minute.
func (ts *Disk) sweepLocked() {
	now := ts.now()
	if now.Sub(ts.lastSweep) < time.Minute {
		return
	}
	ts.lastSweep = now
	for id, t := range ts.byID {
		if !now.Before(t.Expires) {
			delete(ts.byID, id)
			ts.total -= t.Size
			ts.removeFiles(id)
		}
	}
}

// diskFile reads a transfer's bytes from its file, opened for each read
// (a download reads a chunk at a time, with pauses between).
type diskFile struct{ id, path string }

func (f diskFile) ReadAt(p []byte, off int64) (int, error) {
	file, err := os.Open(f.path)
	if err != nil {
		return 0, fmt.Errorf("open transfer %s: %w", f.id, err)
	}
	defer file.Close()
	return file.ReadAt(p, off)
}
