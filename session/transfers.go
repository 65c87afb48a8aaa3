package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
)

// Transfer is one rendered file: what export.meta describes, resumable by
// id from any connection of its board until Expires.
type Transfer struct {
	ID      string        `json:"id"`
	BoardID string        `json:"board"`
	Ref     string        `json:"ref"`
	Format  export.Format `json:"format"`
	Scale   int           `json:"scale"`
	// Background is export.Options.Background: "" (white) when the
	// request had none, so files stored before it existed still match.
	Background string `json:"background,omitempty"`
	// EmbedFonts is export.Options.EmbedFonts (SVG with its fonts).
	EmbedFonts bool      `json:"embedFonts,omitempty"`
	MIME       string    `json:"mime"`
	Filename   string    `json:"filename"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	Seq        uint64    `json:"seq"`
	Expires    time.Time `json:"expires"`

	uuid   uuid.UUID
	path   string
	data   []byte                                 // kept in memory when small
	readAt func(p []byte, off int64) (int, error) // where the bytes are otherwise
}

// TransferStore keeps rendered files for resumable downloads:
// DiskTransfers on one node, RedisTransfers across nodes (a download
// started on one node resumes on another). Safe for concurrent use.
type TransferStore interface {
	// Add stores a rendered file under a fresh id and sets its expiry.
	Add(t *Transfer, data []byte) error
	// Get finds an unexpired transfer.
	Get(id string) (*Transfer, bool)
	// Find returns a transfer of the same rendering with at least half its
	// lifetime left, so a download started from it stays resumable.
	// o is normalized (export.Options.Normalize): its scale, background
	// and embedded fonts are part of the key.
	Find(boardID string, seq uint64, f export.Format, o export.Options) (*Transfer, bool)
}

var (
	_ TransferStore = (*Transfers)(nil)
	_ TransferStore = (*RedisTransfers)(nil)
)

// options are the render options the file was made with.
func (t *Transfer) options() export.Options {
	return export.Options{Scale: t.Scale, Background: t.Background, EmbedFonts: t.EmbedFonts}
}

// ReadAt reads the file's bytes (io.ReaderAt, for chunks and HTTP ranges).
func (t *Transfer) ReadAt(p []byte, off int64) (int, error) {
	if off >= t.Size {
		return 0, io.EOF
	}
	if t.data != nil {
		n := copy(p, t.data[off:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	if t.readAt != nil {
		return t.readAt(p, off)
	}
	f, err := os.Open(t.path)
	if err != nil {
		return 0, fmt.Errorf("open transfer %s: %w", t.ID, err)
	}
	defer f.Close()
	return f.ReadAt(p, off)
}

// Transfers is the TransferStore of a single node: rendered files in the
// data directory (so a download survives a restart of the node), small
// ones in memory too. Expired ones
// are swept as new ones arrive. Safe for concurrent use.
type Transfers struct {
	dir      string
	ttl      time.Duration
	maxBytes int64 // on disk, in total
	now      func() time.Time

	mu        sync.Mutex
	byID      map[string]*Transfer
	total     int64
	lastSweep time.Time
}

// memoryCopyMax is the size up to which a transfer is also kept in memory.
const memoryCopyMax = 4 << 20

// OpenTransfers uses dir for transfer files, taking back the unexpired ones
// a previous run left.
func OpenTransfers(dir string, ttl time.Duration, maxBytes int64) (*Transfers, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create transfer directory: %w", err)
	}
	ts := &Transfers{dir: dir, ttl: ttl, maxBytes: maxBytes, now: time.Now, byID: make(map[string]*Transfer)}
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

func (ts *Transfers) loadMeta(path string) (*Transfer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Transfer
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, err
	}
	if t.uuid, err = uuid.Parse(t.ID); err != nil {
		return nil, err
	}
	t.path = filepath.Join(ts.dir, t.ID+".bin")
	st, err := os.Stat(t.path)
	if err != nil || st.Size() != t.Size {
		return nil, errors.New("transfer file missing or truncated")
	}
	return &t, nil
}

func (ts *Transfers) removeFiles(id string) {
	os.Remove(filepath.Join(ts.dir, id+".bin"))
	os.Remove(filepath.Join(ts.dir, id+".json"))
}

// Add stores a rendered file under a fresh id.
func (ts *Transfers) Add(t *Transfer, data []byte) error {
	t.uuid = uuid.New()
	t.ID = t.uuid.String()
	t.Size = int64(len(data))
	t.Expires = ts.now().Add(ts.ttl).UTC().Truncate(time.Second)
	t.path = filepath.Join(ts.dir, t.ID+".bin")
	if t.Size <= memoryCopyMax {
		t.data = data
	}
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
		err = os.WriteFile(t.path, data, 0o600)
	}
	if err == nil {
		// The metadata is written last: a file without it is an orphan the
		// next start removes.
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
func (ts *Transfers) Get(id string) (*Transfer, bool) {
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
func (ts *Transfers) Find(boardID string, seq uint64, f export.Format, o export.Options) (*Transfer, bool) {
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
func (ts *Transfers) sweepLocked() {
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
