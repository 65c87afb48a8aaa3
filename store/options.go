package store

// Options tune compaction, of Bolt and Redis alike. A board's log is folded
// into its snapshot every CompactEvery messages, keeping the last Retain
// messages for catch-up and ref dedupe — and, bounded by bytes as well,
// whenever the log holds more than its byte budget (see logBudget): then
// it is trimmed to half the budget, whatever Retain says.
type Options struct {
	CompactEvery int
	Retain       int
	// LogFactor, LogMin and LogCap set the byte budget of a board's
	// retained log: LogFactor × its snapshot's size, at least LogMin, at
	// most LogCap. Zero takes the default.
	LogFactor      int
	LogMin, LogCap int64
}

// DefaultOptions keep between 1 000 and 2 000 messages of history, and
// at most 4× the board's size (at least 4 MiB, at most 128 MiB) of it.
func DefaultOptions() Options {
	return Options{CompactEvery: 1000, Retain: 1000, LogFactor: 4, LogMin: 4 << 20, LogCap: 128 << 20}
}
