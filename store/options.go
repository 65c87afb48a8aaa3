package store

import "time"

// Options tune compaction and version history, of Bolt and Redis alike. A
// board's log is folded into its snapshot every CompactEvery messages,
// keeping the last Retain messages for catch-up and ref dedupe — and,
// bounded by bytes as well, whenever the log holds more than its byte
// budget (see logBudget): then it is trimmed to half the budget, whatever
// Retain says.
type Options struct {
	CompactEvery int
	Retain       int
	// LogFactor, LogMin and LogCap set the byte budget of a board's
	// retained log: LogFactor × its snapshot's size, at least LogMin, at
	// most LogCap. Zero takes the default.
	LogFactor      int
	LogMin, LogCap int64

	// Now is the store's clock: it stamps every committed message's At,
	// and checkpoints thin by age against it. Nil is time.Now; tests
	// inject a fake clock.
	Now func() time.Time
	// CheckpointEvery and CheckpointInterval are the cadence of version
	// history (checkpoints.go): a checkpoint at least every so many
	// messages and every so much editing time. Zero takes the default
	// (100 messages, 10 minutes).
	CheckpointEvery    int
	CheckpointInterval time.Duration
	// HistoryKeep drops checkpoints older than this; 0 keeps them forever
	// (DefaultOptions says 30 days; main sets it from --history-days).
	HistoryKeep time.Duration
	// HistoryFactor, HistoryMin and HistoryCap bound a board's checkpoint
	// bytes: HistoryFactor × its newest checkpoint's size, at least
	// HistoryMin, at most HistoryCap. Zero takes the default (8, 16 MiB,
	// 512 MiB).
	HistoryFactor          int
	HistoryMin, HistoryCap int64
}

// DefaultOptions keep between 1 000 and 2 000 messages of history, and
// at most 4× the board's size (at least 4 MiB, at most 128 MiB) of it;
// a checkpoint every 100 messages or 10 minutes of editing, kept 30 days.
func DefaultOptions() Options {
	return Options{
		CompactEvery: 1000, Retain: 1000, LogFactor: 4, LogMin: 4 << 20, LogCap: 128 << 20,
		Now: time.Now, CheckpointEvery: 100, CheckpointInterval: 10 * time.Minute, HistoryKeep: 30 * 24 * time.Hour,
		HistoryFactor: 8, HistoryMin: 16 << 20, HistoryCap: 512 << 20,
	}
}
