package session

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
)

// checkpointCounter counts the store's checkpoint reads (each one a whole
// board, decompressed and decoded).
type checkpointCounter struct {
	board.Store
	reads atomic.Int64
}

func (s *checkpointCounter) Checkpoint(ctx context.Context, id string, seq uint64) (*board.Snapshot, error) {
	s.reads.Add(1)
	return s.Store.Checkpoint(ctx, id, seq)
}

// A version's export reads its checkpoint to render it once; asked again,
// the file already rendered is served without reading the checkpoint. A
// seq that is no version is refused without reading one either.
func TestVersionExportReadsTheCheckpointOnlyToRender(t *testing.T) {
	var counter *checkpointCounter
	th := newTestHub(t, DefaultConfig(), func(h *Hub) {
		counter = &checkpointCounter{Store: h.store}
		h.store = counter
	})
	ctx := context.Background()
	for i, name := range []string{"Ann", "Bob"} { // the author change is a version boundary
		ref := string(rune('a' + i))
		el := &board.Element{ID: ref, Kind: board.KindRect, W: 10, H: 10, Z: "a0"}
		if _, _, err := th.store.Append(ctx, th.board.ID, board.OpsMessage{By: "p-" + name, Name: name, Ref: ref, Ops: []board.Op{{Op: board.OpPut, El: el}}}); err != nil {
			t.Fatal(err)
		}
	}
	versions, err := th.store.Versions(ctx, th.board.ID)
	if err != nil || len(versions) == 0 {
		t.Fatalf("versions: %v %v", versions, err)
	}
	seq := versions[0].Seq
	for range 3 {
		if _, err := th.ExportVersion(ctx, th.board, seq, export.JSON, export.Options{}, "v"); err != nil {
			t.Fatal(err)
		}
	}
	if n := counter.reads.Load(); n != 1 {
		t.Fatalf("three exports of one version read its checkpoint %d times, want once (to render)", n)
	}
	if _, err := th.ExportVersion(ctx, th.board, seq+100, export.JSON, export.Options{}, "v"); board.ErrorCode(err) != board.CodeNotFound {
		t.Fatalf("export of a seq that is no version: %v, want not_found", err)
	}
	if n := counter.reads.Load(); n != 1 {
		t.Fatalf("refusing a seq that is no version read a checkpoint (%d reads)", n)
	}
}
