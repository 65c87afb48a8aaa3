package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// testStoreLogBytes is the conformance suite for the log's byte budget
// (fault 3 of issue 10): 100 messages that each replace the same 250
// elements grew easel.db to 643 MB while the board stayed small, because
// only the count of retained messages was bounded. open returns a store
// with opts and, for a store in a file, a func giving the file's size.
func testStoreLogBytes(t *testing.T, open func(t *testing.T, opts Options) (board.Store, func() int64)) {
	t.Run("the retained log is bounded by bytes, not only by count", func(t *testing.T) {
		ctx := t.Context()
		opts := DefaultOptions() // a count window of 1 000 to 2 000 messages
		opts.LogMin = 64 << 10
		s, fileSize := open(t, opts)
		b := mustNewBoard(t, "replaced")
		if err := s.CreateBoard(ctx, b); err != nil {
			t.Fatal(err)
		}
		text := strings.Repeat("<>", 50) // 100 characters, 600 bytes of JSON
		for i := range 100 {
			ops := make([]board.Op, 250)
			for j := range ops {
				ops[j] = board.Op{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("e", j), Kind: board.KindSticky, X: float64(i), Text: text, Z: "a0"}}
			}
			appendRetrying(t, s, b.ID, board.OpsMessage{By: "p", Ref: fmt.Sprint("r", i), Ops: ops})
		}
		// Compaction runs behind the appends: the log shrinks soon after.
		var snapBytes, logBytes, budget int
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, snap, log, err := s.Load(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Seq != 100 || snap.Elements["e7"].X != 99 {
				t.Fatalf("the board is at seq %d with e7.x = %v, want 100 and 99", snap.Seq, snap.Elements["e7"].X)
			}
			data, err := encodeSnapshot(snap)
			if err != nil {
				t.Fatal(err)
			}
			snapBytes, logBytes = len(data), 0
			for _, m := range log {
				enc, _ := json.Marshal(m)
				logBytes += len(enc)
			}
			budget = max(opts.LogFactor*snapBytes, int(opts.LogMin)) // 4× the board, at least 64 KiB
			if logBytes <= budget {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the log holds %d messages, %d bytes, for a board of %d bytes: over its budget of %d (%d× the board)",
					len(log), logBytes, snapBytes, budget, opts.LogFactor)
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("board %d bytes, log %d bytes (budget %d)", snapBytes, logBytes, budget)
		if fileSize == nil {
			return
		}
		// The file holds the snapshot, the log and what bbolt freed but
		// has not reused yet: it stays within a small multiple of the
		// board, not the 100 messages written.
		if size, bound := fileSize(), int64(24*snapBytes+(1<<20)); size > bound {
			t.Fatalf("the store file is %d bytes after 100 messages of %d bytes: over %d (24× the board + 1 MiB)", size, snapBytes, bound)
		} else {
			t.Logf("file %d bytes (bound %d)", size, bound)
		}
	})
}

// appendRetrying appends m, retrying while the store refuses it because
// the board's log is at twice its budget (the compactor is behind): the
// hard bound that keeps the log from growing with the appends.
func appendRetrying(t *testing.T, s board.Store, id string, m board.OpsMessage) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, _, err := s.Append(t.Context(), id, m)
		if err == nil {
			return
		}
		if board.ErrorCode(err) != board.CodeRateLimited || time.Now().After(deadline) {
			t.Fatalf("append %s: %v", m.Ref, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
