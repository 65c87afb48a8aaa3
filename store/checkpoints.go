package store

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/easel-app/easel/board"
)

// Version history, the policy both stores share (docs/operations.md,
// "Version history"). A pass replays a board's log from where the previous
// pass stopped and decides where checkpoints fall; the stores only read the
// log, keep what a pass returns and thin it (bolt_history.go,
// redis_history.go).
const (
	// checkpointPause ends a run: the board as it was before someone came
	// back to it after a pause is a version.
	checkpointPause = 5 * time.Minute
	// checkpointGap rate-bounds the boundaries that are not cadence
	// (author change, pause, destructive delete): a stranger alternating
	// names on every message must not cost a full-board checkpoint each.
	checkpointGap = 30 * time.Second
	// checkpointBy bounds the names a version lists; runNames the names a
	// run remembers to notice an author change (beyond it every message
	// looks like one, which the rate bound absorbs).
	checkpointBy = 20
	runNames     = 64
)

// normalizeHistory fills in the history defaults and checks them.
func (o Options) normalizeHistory() (Options, error) {
	if o.CheckpointEvery < 0 || o.CheckpointInterval < 0 || o.HistoryKeep < 0 ||
		o.HistoryFactor < 0 || o.HistoryMin < 0 || o.HistoryCap < 0 {
		return o, errors.New("store: the history options must not be negative")
	}
	d := DefaultOptions()
	if o.Now == nil {
		o.Now = time.Now
	}
	orDefault(&o.CheckpointEvery, d.CheckpointEvery)
	orDefault(&o.CheckpointInterval, d.CheckpointInterval)
	orDefault(&o.HistoryFactor, d.HistoryFactor)
	orDefault(&o.HistoryMin, d.HistoryMin)
	orDefault(&o.HistoryCap, d.HistoryCap)
	return o, nil
}

// now is the store's clock to the millisecond: what a logged message's At
// keeps (unix ms), so the At Append returns is the one read back.
func (o Options) now() time.Time { return o.Now().UTC().Truncate(time.Millisecond) }

// cpMeta is one kept checkpoint as listed: what Versions returns, plus
// the stored size (for the byte budget) and the content hash.
type cpMeta struct {
	Seq      uint64    `json:"seq"`
	At       time.Time `json:"at"`
	By       []string  `json:"by,omitempty"`
	Elements int       `json:"elements"`
	Size     int64     `json:"size"`
	Hash     string    `json:"hash"`
}

func (c cpMeta) version() board.Version {
	by := c.By
	if by == nil {
		by = []string{}
	}
	return board.Version{Seq: c.Seq, At: c.At, By: by, Elements: c.Elements}
}

// cpState is where a board's passes stand, stored beside its checkpoints:
// the last message seen, the last boundary (a checkpoint kept, or skipped
// for being identical to the one before), and the open run since it. A
// pass resumes from it, so it never decides twice on a message, and the
// log may be compacted up to Seq.
type cpState struct {
	Seq    uint64    `json:"seq"`
	Mark   uint64    `json:"mark"`
	MarkAt time.Time `json:"markAt"`
	Marked bool      `json:"marked"` // false: the board has no checkpoint yet
	Hash   string    `json:"hash"`   // the content hash at Mark

	RunLen   int       `json:"runLen"`   // messages Mark+1..Seq
	RunFirst time.Time `json:"runFirst"` // At of the run's first message
	PrevAt   time.Time `json:"prevAt"`   // At of message Seq
	Names    []string  `json:"names"`    // the run's authors, first-edit order ("" included)

	Kept uint64 `json:"kept"` // the newest checkpoint kept (0: none)
}

// newCheckpoint is a boundary a pass made: its listing and its content
// (an encoded snapshot, compressed).
type newCheckpoint struct {
	meta cpMeta
	data []byte
}

// cpPlanner is one pass: the board as replayed so far and the state.
type cpPlanner struct {
	every    uint64
	interval time.Duration
	st       cpState
	snap     *board.Snapshot
}

// newPlanner starts a pass from base, the board at base.Seq (the newest
// kept checkpoint, or the compacted snapshot when the log no longer
// reaches back to it), with the stored state. Messages up to st.Seq were
// decided on by an earlier pass and are only applied. A base past st.Seq
// (a board from before history) starts the state there.
func newPlanner(o Options, st cpState, base *board.Snapshot) *cpPlanner {
	if base.Seq > st.Seq {
		st.Seq, st.Mark, st.RunLen, st.Names = base.Seq, base.Seq, 0, nil
	}
	return &cpPlanner{every: uint64(o.CheckpointEvery), interval: o.CheckpointInterval, st: st, snap: base}
}

// observe takes the next message (m.Seq is one past the board's) and
// hands every checkpoint it makes to emit.
func (p *cpPlanner) observe(m *board.OpsMessage, emit func(newCheckpoint)) error {
	if m.Seq <= p.st.Seq {
		p.snap.Apply(m)
		return nil
	}
	st := &p.st
	if st.RunLen > 0 && p.runEnds(m) && (!st.Marked || st.PrevAt.Sub(st.MarkAt) >= checkpointGap) {
		if err := p.boundary(st.PrevAt, emit); err != nil {
			return err
		}
	}
	p.snap.Apply(m)
	if st.RunLen == 0 {
		st.RunFirst = m.At
	}
	st.Seq, st.PrevAt = m.Seq, m.At
	st.RunLen++
	if !slices.Contains(st.Names, m.Name) && len(st.Names) < runNames {
		st.Names = append(st.Names, m.Name)
	}
	if m.Seq-st.Mark >= p.every || (!m.At.IsZero() && !st.RunFirst.IsZero() && m.At.Sub(st.RunFirst) >= p.interval) {
		return p.boundary(m.At, emit)
	}
	return nil
}

// runEnds tells whether the run before m is a version of its own: m is
// by someone else, comes after a pause, or deletes half the board.
func (p *cpPlanner) runEnds(m *board.OpsMessage) bool {
	st := &p.st
	switch {
	case !slices.Contains(st.Names, m.Name):
		return true
	case !m.At.IsZero() && !st.PrevAt.IsZero() && m.At.Sub(st.PrevAt) >= checkpointPause:
		return true
	}
	return deletesHalf(p.snap, m)
}

// deletesHalf tells whether m deletes at least half of snap's elements
// (and at least one).
func deletesHalf(snap *board.Snapshot, m *board.OpsMessage) bool {
	gone := map[string]bool{}
	for _, op := range m.Ops {
		if op.Op == board.OpDel && snap.Elements[op.ID] != nil {
			gone[op.ID] = true
		}
	}
	return len(gone) > 0 && 2*len(gone) >= len(snap.Elements)
}

// boundary ends the run at the board as it is now, made at at: a
// checkpoint unless its content equals the previous one's.
func (p *cpPlanner) boundary(at time.Time, emit func(newCheckpoint)) error {
	data, hash, err := encodeCheckpoint(p.snap)
	if err != nil {
		return err
	}
	st := &p.st
	same := st.Marked && hash == st.Hash
	var by []string
	for _, n := range st.Names {
		if n != "" && len(by) < checkpointBy {
			by = append(by, n)
		}
	}
	st.Mark, st.MarkAt, st.Marked, st.Hash = p.snap.Seq, at, true, hash
	st.RunLen, st.RunFirst, st.Names = 0, time.Time{}, nil
	if same {
		return nil
	}
	st.Kept = p.snap.Seq
	packed, err := compress(data)
	if err != nil {
		return err
	}
	emit(newCheckpoint{meta: cpMeta{Seq: p.snap.Seq, At: at, By: by, Elements: len(p.snap.Elements), Size: int64(len(packed)), Hash: hash}, data: packed})
	return nil
}

// runPass replays the messages stream yields (those after base.Seq, in
// order) from st and base, and returns the checkpoints made and the state
// afterwards. base is then the board at the last message seen, what a
// compaction stores.
func runPass(o Options, st cpState, base *board.Snapshot, stream func(func(*board.OpsMessage) error) error) ([]newCheckpoint, cpState, error) {
	p := newPlanner(o, st, base)
	var out []newCheckpoint
	emit := func(c newCheckpoint) { out = append(out, c) }
	err := stream(func(m *board.OpsMessage) error { return p.observe(m, emit) })
	if err != nil {
		return nil, st, err
	}
	return out, p.st, nil
}

// encodeCheckpoint encodes snap as encodeSnapshot does (parseSnapshot
// reads it) and hashes its content: title and elements, not the seq, so
// that a board changed and changed back is seen to be the same.
func encodeCheckpoint(snap *board.Snapshot) (data []byte, hash string, err error) {
	title, err := json.Marshal(snap.Title)
	if err != nil {
		return nil, "", err
	}
	elements, err := json.Marshal(snap.Sorted())
	if err != nil {
		return nil, "", fmt.Errorf("encode checkpoint: %w", err)
	}
	h := sha256.New()
	h.Write(title)
	h.Write(elements)
	data = fmt.Appendf(nil, `{"title":%s,"seq":%d,"elements":%s}`, title, snap.Seq, elements)
	return data, hex.EncodeToString(h.Sum(nil)), nil
}

func compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// parseCheckpoint decodes a stored checkpoint.
func parseCheckpoint(packed []byte) (*board.Snapshot, error) {
	data, err := io.ReadAll(flate.NewReader(bytes.NewReader(packed)))
	if err != nil {
		return nil, err
	}
	return parseSnapshot(data)
}

// thin returns the seqs of the checkpoints in metas to drop at now: every
// checkpoint of the last 24 h stays; up to 7 days the newest of each clock
// hour (UTC); older, the newest of each day; none older than HistoryKeep
// (0: no limit). Then, beyond the byte budget, the oldest go. The newest
// checkpoint always stays: the next pass starts from it.
func (o Options) thin(metas []cpMeta, now time.Time) []uint64 {
	if len(metas) == 0 {
		return nil
	}
	metas = slices.Clone(metas)
	slices.SortFunc(metas, func(a, b cpMeta) int { return compareSeq(a.Seq, b.Seq) })
	// The newest seq of each hour and each day (Truncate counts from
	// year 1 UTC, so both are clock hours and days in UTC).
	newestOfHour, newestOfDay := map[time.Time]uint64{}, map[time.Time]uint64{}
	for _, c := range metas {
		newestOfHour[c.At.Truncate(time.Hour)] = c.Seq
		newestOfDay[c.At.Truncate(24*time.Hour)] = c.Seq
	}
	newest := metas[len(metas)-1]
	var drop []uint64
	kept := make([]cpMeta, 0, len(metas))
	for _, c := range metas[:len(metas)-1] {
		age := now.Sub(c.At)
		keep := true
		switch {
		case o.HistoryKeep > 0 && age > o.HistoryKeep:
			keep = false
		case age > 7*24*time.Hour:
			keep = newestOfDay[c.At.Truncate(24*time.Hour)] == c.Seq
		case age > 24*time.Hour:
			keep = newestOfHour[c.At.Truncate(time.Hour)] == c.Seq
		}
		if keep {
			kept = append(kept, c)
		} else {
			drop = append(drop, c.Seq)
		}
	}
	total := newest.Size
	for _, c := range kept {
		total += c.Size
	}
	budget := min(max(int64(o.HistoryFactor)*newest.Size, o.HistoryMin), o.HistoryCap)
	for _, c := range kept {
		if total <= budget {
			break
		}
		drop = append(drop, c.Seq)
		total -= c.Size
	}
	return drop
}

func compareSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// newestFirst orders listed checkpoints as Versions returns them.
func newestFirst(metas []cpMeta) []board.Version {
	slices.SortFunc(metas, func(a, b cpMeta) int { return compareSeq(b.Seq, a.Seq) })
	out := make([]board.Version, len(metas))
	for i, c := range metas {
		out[i] = c.version()
	}
	return out
}

// boardLocks serialises the passes of one board within a process (the
// compactor's and those of Versions callers); other boards go on.
type boardLocks struct {
	mu    sync.Mutex
	locks map[string]*boardLock
}

type boardLock struct {
	sync.Mutex
	users int
}

// lock locks id and returns its unlock.
func (l *boardLocks) lock(id string) func() {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*boardLock{}
	}
	bl := l.locks[id]
	if bl == nil {
		bl = &boardLock{}
		l.locks[id] = bl
	}
	bl.users++
	l.mu.Unlock()
	bl.Lock()
	return func() {
		bl.Unlock()
		l.mu.Lock()
		if bl.users--; bl.users == 0 {
			delete(l.locks, id)
		}
		l.mu.Unlock()
	}
}
