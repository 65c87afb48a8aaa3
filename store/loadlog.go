package store

import (
	"context"

	"github.com/easel-app/easel/board"
)

// loadAll is Load for every store: LoadEach, collecting the log. A load
// that started again from a newer snapshot (Redis, after a compaction
// trimmed the log under it) hands on a jump in seq: what came before the
// jump belongs to the older attempt, so the log starts again there.
func loadAll(ctx context.Context, s board.Store, id string) (string, *board.Snapshot, []board.OpsMessage, error) {
	var log []board.OpsMessage
	epoch, snap, err := s.LoadEach(ctx, id, func(m *board.OpsMessage) {
		if n := len(log); n > 0 && m.Seq != log[n-1].Seq+1 {
			log = log[:0]
		}
		log = append(log, *m)
	})
	if err != nil {
		return "", nil, nil, err
	}
	return epoch, snap, log, nil
}

// applyTail returns the callback a load streams the log through: it
// applies what the snapshot lacks and hands every message on to each.
func applyTail(snap *board.Snapshot, each func(*board.OpsMessage)) func(*board.OpsMessage) error {
	return func(m *board.OpsMessage) error {
		if m.Seq > snap.Seq {
			snap.Apply(m)
		}
		if each != nil {
			each(m)
		}
		return nil
	}
}
