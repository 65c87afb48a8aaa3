package store

import (
	"errors"

	"github.com/easel-app/easel/board"
)

// normalize fills in the byte-budget defaults and checks the counts.
func (o Options) normalize() (Options, error) {
	if o.CompactEvery < 1 || o.Retain < 1 {
		return o, errors.New("store: CompactEvery and Retain must be positive")
	}
	if o.LogFactor < 0 || o.LogMin < 0 || o.LogCap < 0 {
		return o, errors.New("store: LogFactor, LogMin and LogCap must not be negative")
	}
	d := DefaultOptions()
	orDefault(&o.LogFactor, d.LogFactor)
	orDefault(&o.LogMin, d.LogMin)
	orDefault(&o.LogCap, d.LogCap)
	return o.normalizeHistory()
}

// orDefault sets an option left at zero to its default.
func orDefault[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}

// logBudget is how many bytes of log a board whose stored snapshot is
// snapBytes long may retain before it is compacted. Relative to the
// snapshot, so that compaction (which re-encodes the snapshot) costs at
// most a constant per byte appended: after a compaction the log is trimmed
// to half the budget, and the next one comes only after another half
// budget of appends.
func (o Options) logBudget(snapBytes uint64) uint64 {
	return uint64(min(max(int64(o.LogFactor)*int64(snapBytes), o.LogMin), o.LogCap))
}

// overBudget tells whether a board's log is due for compaction.
func (o Options) overBudget(seq, snapSeq, logBytes, snapBytes uint64) bool {
	return seq-snapSeq >= uint64(o.CompactEvery) || logBytes > o.logBudget(snapBytes)
}

// errLogFull refuses an append to a board whose log has grown to twice its
// budget: the compactor has fallen behind the appends, and without this
// the log (and the bbolt file, or Redis's memory) would grow with them.
// Clients retry rate_limited edits; the compactor catches up meanwhile.
var errLogFull = board.Errorf(board.CodeRateLimited, "the board's history is being compacted; retry in a moment")

// logFull tells whether appending n more bytes would take a board's log
// past twice its budget. A log within its budget always takes one more
// message (however large), so the hard bound is the larger of twice the
// budget and the budget plus one message.
func (o Options) logFull(logBytes, snapBytes, n uint64) bool {
	budget := o.logBudget(snapBytes)
	return logBytes > budget && logBytes+n > 2*budget
}
