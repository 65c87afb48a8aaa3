package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/easel-app/easel/board"
)

// The Redis log is read a page at a time, so a compaction can trim it
// between two pages. The read must notice (errLogTrimmed) instead of
// handing on a log with a hole in it: Since then answers ErrHistoryGone,
// and a load starts again from the newer snapshot.
func TestRedisPagedReadNoticesATrimBetweenPages(t *testing.T) {
	ctx := context.Background()
	s, b := redisWithBoard(t, "pages")
	const total = 3 * logPage
	for i := range total {
		put := []board.Op{{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("e", i), Kind: board.KindRect}}}
		if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: fmt.Sprint("r", i), Ops: put}); err != nil {
			t.Fatal(err)
		}
	}

	var seen []uint64
	err := s.eachLogged(ctx, b.ID, 0, func(m *board.OpsMessage) error {
		seen = append(seen, m.Seq)
		if m.Seq == logPage { // the first page is read: trim under the reader
			return s.rdb.XTrimMinID(ctx, s.key(b.ID, "log"), fmt.Sprintf("%d-1", 2*logPage)).Err()
		}
		return nil
	})
	if !errors.Is(err, errLogTrimmed) {
		t.Fatalf("a log trimmed between pages: err %v after seqs %v, want errLogTrimmed", err, seen)
	}
	for i, seq := range seen {
		if seq != uint64(i+1) {
			t.Fatalf("seqs handed on with a hole: %v", seen)
		}
	}
	if _, err := s.Since(ctx, b.ID, b.Epoch, 1); !errors.Is(err, board.ErrHistoryGone) {
		t.Fatalf("since 1 after the trim: %v, want ErrHistoryGone", err)
	}
}
