package store

import (
	"context"
	"testing"

	"github.com/easel-app/easel/board"
)

// restartedLoad is a store whose load starts again from a newer snapshot
// halfway, as the Redis store's does when a compaction trims the log under
// it: the messages it hands on jump from seq 3 to seq 10.
type restartedLoad struct{ board.Store }

func (restartedLoad) LoadEach(_ context.Context, _ string, each func(*board.OpsMessage)) (string, *board.Snapshot, error) {
	for _, seq := range []uint64{2, 3, 10, 11} {
		each(&board.OpsMessage{Seq: seq})
	}
	return "epoch", &board.Snapshot{Seq: 11}, nil
}

func TestLoadKeepsOnlyTheLastAttemptsLog(t *testing.T) {
	_, _, log, err := loadAll(context.Background(), restartedLoad{}, "b")
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Seq != 10 || log[1].Seq != 11 {
		t.Fatalf("log after a restarted load: %v, want seqs 10 and 11 only", log)
	}
}
